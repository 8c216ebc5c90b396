import type { RecordedEvent } from '@app/event-store';
import { startApi, type ApiFixture } from '../support/api-fixture.js';
import { companies, creatives, recordCrossInnovationChallenge, type Scenario } from '../support/cross-innovation.scenario.js';

/**
 * Evidence items name the counted entity's stream and the event that made it count (stream, revision, type),
 * so a caller without `log:read` (project staff) can follow a figure to the histories it may read, and a viewer
 * still gets nothing personal.
 */
type Item = { key: string; position: number; streamName: string; event: { streamName: string; revision: number; type: string } | null };

describe('evidence items: the entity stream and the event behind each count', () => {
  let api: ApiFixture;
  let scenario: Scenario;
  let log: RecordedEvent[];
  const tokens: Record<'staff' | 'viewer', string> = {} as never;

  beforeAll(async () => {
    api = await startApi();
    scenario = await recordCrossInnovationChallenge(api);
    for (const [key, body] of [
      ['staff', { name: 'Projektledare', role: 'staff', projectIds: [scenario.projectId] }],
      ['viewer', { name: 'Styrgrupp', role: 'viewer', projectIds: [scenario.projectId] }],
    ] as const) {
      tokens[key] = (await api.post('/api/access/tokens', body).expect(201)).body.token;
    }
    log = await api.allEvents();
  });
  afterAll(() => api?.close());

  const as = (token: string, url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`);
  const evidence = async (code: string, query = '') =>
    (await api.get(`/api/projects/${scenario.projectId}/indicators/${code}/evidence?minPosition=${scenario.lastPosition}${query}`).expect(200)).body
      .items as Item[];
  /** The item's event, as the log holds it. */
  const eventAt = (position: number) => log.find((event) => event.position === position)!;

  it.each([
    ['smes-reached', 'organisation', ['EnterpriseSupportRecorded']],
    ['participants', 'participant', ['ParticipantRegistered']],
    ['creatives', 'participant', ['ParticipantRegistered']],
    ['activities', 'activity', ['ActivityOpened']],
    ['outcomes', 'outcome', ['OutcomeRecorded']],
  ])('%s: each item names its %s stream and the event at its position', async (code, category, types) => {
    const items = await evidence(code);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.streamName).toBe(`${category}-${item.key}`);
      // The entity's stream exists, and is the entity's: its first event names the key.
      const first = log.find((event) => event.streamName === item.streamName)!;
      expect(JSON.stringify(first.data)).toContain(item.key);
      const event = eventAt(item.position);
      expect(item.event).toEqual({ streamName: event.streamName, revision: event.revision, type: event.type });
      expect(types).toContain(item.event!.type);
    }
  });

  it('traces evidence as it stood (asOf) the same way', async () => {
    const items = await evidence('smes-reached', `&asOf=${scenario.lastPosition}`);
    expect(items.map((item) => item.key).sort()).toEqual([...scenario.organisationIds].sort());
    for (const item of items) {
      expect(item.streamName).toBe(`organisation-${item.key}`);
      expect(item.event).toMatchObject({ type: eventAt(item.position).type, streamName: eventAt(item.position).streamName });
    }
  });

  it("lets staff (records:read, no log:read) read the histories it points to through the project's history", async () => {
    await as(tokens.staff, '/api/events').expect(403);
    const participants = (await as(tokens.staff, `/api/projects/${scenario.projectId}/indicators/participants/evidence`).expect(200)).body.items as Item[];
    const person = participants[0];
    const history = (await as(tokens.staff, `/api/projects/${scenario.projectId}/history?stream=${person.streamName}`).expect(200)).body;
    expect(history.events.length).toBeGreaterThan(0);
    expect(history.events.every((event: { streamName: string }) => event.streamName === person.streamName)).toBe(true);
    expect(history.events[0]).toMatchObject({ type: 'ParticipantRegistered', position: person.position });
    // A person's name is shown to staff through the participant route, which decides itself.
    const names = await Promise.all(
      participants.map(async (item) => (await as(tokens.staff, `/api/participants/${item.key}`).expect(200)).body.person?.name as string | undefined),
    );
    expect(names).toEqual(expect.arrayContaining(creatives.map(([name]) => name)));

    // An enterprise is shared by all projects: staff follow the record that counted it, here the support.
    const enterprise = ((await as(tokens.staff, `/api/projects/${scenario.projectId}/indicators/smes-reached/evidence`).expect(200)).body.items as Item[])[0];
    const record = (await as(tokens.staff, `/api/projects/${scenario.projectId}/history?stream=${enterprise.event!.streamName}`).expect(200)).body;
    expect(record.events.map((event: { position: number }) => event.position)).toContain(enterprise.position);
    expect(companies.map((c) => c.name)).toContain((await as(tokens.staff, `/api/organisations/${enterprise.key}`).expect(200)).body.name);
  });

  it("gives a viewer streams and event types but nothing personal, and no participant's record", async () => {
    const body = (await as(tokens.viewer, `/api/projects/${scenario.projectId}/indicators/participants/evidence`).expect(200)).body;
    expect(body.items).toHaveLength(14);
    const text = JSON.stringify(body);
    for (const [name] of creatives) expect(text).not.toContain(name);
    expect(text).not.toMatch(/@example\.se|\+46/);
    await as(tokens.viewer, `/api/participants/${body.items[0].key}`).expect(403);
    await as(tokens.viewer, `/api/projects/${scenario.projectId}/history?stream=${body.items[0].streamName}`).expect(403);
  });
});
