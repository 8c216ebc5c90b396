import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';
import { recordChallenge, writerFor } from '../support/cross-innovation.scenario.js';

/**
 * The first Cross Innovation Challenge from the seed text: Karlshamn, October 2023, theme "hav och vatten",
 * nine creatives and four companies from Skåne and Blekinge (test/support/cross-innovation.scenario.ts), recorded
 * the way project staff would.
 */
describe('scenario: the first Cross Innovation Challenge (Karlshamn, October 2023)', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('records the challenge, its people and companies, and what came out of it', async () => {
    const write = writerFor(api);
    const { id: projectId } = await write('/api/projects', crossInnovation);
    const { challengeId, participantIds, closed } = await recordChallenge(write, projectId);

    const activity = await api.get(`/api/activities/${challengeId}`).expect(200);
    expect(activity.headers.etag).toBe(`"${closed.revision}"`);
    expect(activity.body).toMatchObject({
      id: challengeId,
      projectId,
      kind: 'challenge',
      closed: true,
      closedOn: '2023-10-12',
      startDate: '2023-10-10',
      endDate: '2023-10-12',
    });
    expect(activity.body.attendance.total).toBe(13 * 3);
    expect(activity.body.attendance.items).toHaveLength(13 * 3);
    expect(new Set(activity.body.attendance.items.map((a: { participantId: string }) => a.participantId)).size).toBe(13);

    const events = await api.allEvents();
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('ProjectRegistered')).toBe(1);
    expect(count('OrganisationRegistered')).toBe(4);
    expect(count('ActivityOpened')).toBe(1);
    expect(count('ParticipantRegistered')).toBe(13);
    expect(count('AttendanceRecorded')).toBe(39);
    expect(count('EnterpriseSupportRecorded')).toBe(4);
    expect(count('OutcomeRecorded')).toBe(1);
    expect(count('ActivityClosed')).toBe(1);
    const registrations = events.filter((e) => e.type === 'ParticipantRegistered').map((e) => e.data as { role: string; gender: string });
    expect(registrations.filter((r) => r.role === 'creative')).toHaveLength(9);
    expect(registrations.filter((r) => r.role === 'creative' && r.gender === 'woman')).toHaveLength(5);

    // The challenge is over: nothing more is recorded on it, and nothing is written by trying.
    const late = await api.post(`/api/activities/${challengeId}/attendance`, { participantId: participantIds[0], date: '2023-10-12' });
    expect(late.status).toBe(422);
    expect(late.body.message).toMatch(/closed/);
    expect((await api.allEvents()).length).toBe(events.length);
  });
});
