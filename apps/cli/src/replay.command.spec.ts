import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@app/event-store';
import { openReadModelDatabase, PROJECTIONS, rebuildProjections } from '@app/reporting';
import { cliRunner } from '../../../test/support/cli-runner.js';

const PROJECT = '22222222-2222-4222-8222-222222222222';
const PARTICIPANT = '33333333-3333-4333-8333-333333333333';
const meta = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2025-01-01T00:00:00.000Z' };
const event = (type: string, data: Record<string, unknown>): NewEvent => ({ type, data, metadata: meta });

/** `ledger replay`: what a project's figures were at a moment of recording. */
describe('ledger replay', () => {
  let dir: string;
  let beforeCorrection: number;
  let correctedAt: string;

  const run = cliRunner(() => dir);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-replay-'));
    let now = new Date('2025-01-10T09:00:00Z');
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite'), clock: () => now });
    await store.appendToStream(`project-${PROJECT}`, [
      event('ProjectRegistered', { projectId: PROJECT, name: 'Kickstart S3', programme: 'x', fund: 'ERDF', startDate: '2024-01-01', endDate: '2026-12-31', countries: ['SE'] }),
    ]);
    beforeCorrection = (
      await store.appendToStream(`participant-${PARTICIPANT}`, [
        event('ParticipantRegistered', {
          participantId: PARTICIPANT,
          projectId: PROJECT,
          person: { keyId: 'k', algorithm: 'AES-256-GCM', iv: '', ciphertext: '', tag: '' },
          gender: 'man',
          role: 'creative',
          registeredOn: '2024-03-01',
        }),
      ])
    ).position;
    now = new Date('2025-02-01T09:00:00Z');
    correctedAt = now.toISOString();
    await store.appendToStream(`participant-${PARTICIPANT}`, [
      event('ParticipantCorrected', { participantId: PARTICIPANT, changes: { gender: 'woman' }, reason: 'Fel kön' }),
    ]);
    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    await rebuildProjections(store, db, PROJECTIONS);
    db.close();
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const participants = (out: string) =>
    (JSON.parse(out) as { indicators: Array<{ code: string; breakdown: { gender: Record<string, number> } }> }).indicators.find(
      (i) => i.code === 'participants',
    )!.breakdown.gender;

  it('prints the figures as of a position: before the correction, and after it', async () => {
    const before = await run(['replay', '--as-of', String(beforeCorrection), '--project', PROJECT, '--json']);
    expect(before.code).toBe(0);
    expect(participants(before.out)).toMatchObject({ man: 1, woman: 0 });
    const after = await run(['replay', '--as-of', String(beforeCorrection + 1), '--project', PROJECT, '--json']);
    expect(participants(after.out)).toMatchObject({ man: 0, woman: 1 });
  });

  it('takes a timestamp, and prints a table for people', async () => {
    const justBefore = new Date(Date.parse(correctedAt) - 1).toISOString();
    const table = await run(['replay', '--as-of', justBefore, '--project', PROJECT, '--from', '2024-01-01', '--to', '2024-12-31']);
    expect(table.code).toBe(0);
    expect(table.out).toContain(`as of ${justBefore} (log position ${beforeCorrection})`);
    expect(table.out).toMatch(/participants\s+1\s+Participants\s+\(gender: woman 0, man 1/);
  });

  it('refuses wrong usage with exit 2 and an unknown project with exit 1', async () => {
    expect((await run(['replay', '--as-of', 'yesterday', '--project', PROJECT])).code).toBe(2);
    expect((await run(['replay', '--as-of', '3', '--project', 'cis'])).err).toContain('--project must be a project id');
    const unknown = await run(['replay', '--as-of', '3', '--project', '44444444-4444-4444-8444-444444444444']);
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining('There is no project') });
  });
});
