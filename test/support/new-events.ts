import type { NewEvent } from '@app/event-store';

/** Small logs for projection and CLI tests: one project and its participants, written as the service writes them. */
export const PROJECT = '11111111-1111-4111-8111-111111111111';
export const meta = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2025-01-01T00:00:00.000Z' };

export const projectRegistered: NewEvent = {
  type: 'ProjectRegistered',
  data: { projectId: PROJECT, name: 'P', programme: 'x', fund: 'ERDF', startDate: '2024-01-01', endDate: '2026-12-31', countries: ['SE'] },
  metadata: meta,
};

export const registration = (n: number, gender = 'woman'): NewEvent => ({
  type: 'ParticipantRegistered',
  data: {
    participantId: `p-${n}`,
    projectId: PROJECT,
    person: { keyId: 'k', algorithm: 'AES-256-GCM', iv: '', ciphertext: '', tag: '' },
    gender,
    role: 'creative',
    registeredOn: '2024-03-01',
  },
  metadata: meta,
});
