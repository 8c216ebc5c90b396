import { AccessRegistry } from '@app/access';
import { ProjectionEngine } from '@app/reporting';
import type request from 'supertest';
import { startEsdbTestServer, type EsdbTestServer } from '../esdb/esdb-test-server.js';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await attempt();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      // A response shows as its status only: its request carries a token.
      const last = (value as { status?: number }).status ?? JSON.stringify(value);
      throw new Error(`Timed out waiting until ${what} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Two instances of the service on one EventStoreDB. The server drops every subscription (a leader change, a
 * node restart); what the other instance writes afterwards must still reach this one: a token it grants
 * authenticates here, and a participant it registers counts here, once.
 */
describe('after EventStoreDB drops the subscriptions', () => {
  let server: EsdbTestServer;
  let here: ApiFixture;
  let there: ApiFixture;
  let operatorToken: string;
  let projectId: string;
  const as = (api: ApiFixture, token: string) => ({
    get: (url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object) => api.raw().post(url).set('Authorization', `Bearer ${token}`).send(body),
  });
  const registration = (n: number) => ({ person: { name: `Deltagare ${n}` }, gender: 'woman', role: 'creative', registeredOn: '2023-10-02' });

  beforeAll(async () => {
    server = await startEsdbTestServer({ systemEvents: true });
    const eventStore = { kind: 'eventstoredb' as const, connectionString: server.connectionString };
    here = await startApi(undefined, { eventStore });
    // The other instance's operator holds a token granted here (the first admin's token is this instance's).
    operatorToken = (await here.post('/api/access/tokens', { name: 'Operator, other instance', role: 'admin' }).expect(201)).body.token;
    there = await startApi(undefined, { eventStore });
    projectId = (await here.post('/api/projects', crossInnovation).expect(201)).body.id;
    for (let n = 0; n < 3; n++) await here.post(`/api/projects/${projectId}/participants`, registration(n)).expect(201);
  });
  afterAll(async () => {
    await there?.close();
    await here?.close();
    await server?.close();
  });

  it('follows again: a token granted elsewhere authenticates, a participant registered elsewhere counts once', async () => {
    const registry = here.app.get(AccessRegistry);
    const engine = here.app.get(ProjectionEngine);
    await eventually(async () => [registry.followerStatus.state, engine.followerStatus.state], (s) => s.every((x) => x === 'live'), 'live');

    await server.drop();
    await eventually(
      async () => [registry.followerStatus.reconnects, engine.followerStatus.reconnects],
      (counts) => counts.every((n) => n >= 1),
      'both followers noticed the drop',
    );

    // Written by the other instance after the drop (its own calls may need a retry while its client reconnects).
    const granted = await eventually(
      () => as(there, operatorToken).post('/api/access/tokens', { name: 'Auditor, after the drop', role: 'auditor' }),
      (response: request.Response) => response.status !== 503,
      'the other instance answers',
    );
    expect(granted.status).toBe(201);
    const registered = await as(there, operatorToken).post(`/api/projects/${projectId}/participants`, registration(3)).expect(201);

    const authenticated = await eventually(
      () => as(here, granted.body.token).get(`/api/projects/${projectId}`),
      (response: request.Response) => response.status !== 401,
      'the token granted elsewhere authenticates here',
    );
    expect(authenticated.status).toBe(200);
    const indicators = await here.get(`/api/projects/${projectId}/indicators?minPosition=${registered.body.position}`).expect(200);
    expect(indicators.body.indicators.find((i: { code: string }) => i.code === 'participants')).toMatchObject({ value: 4 });
    const tokens = (await here.get('/api/access/tokens').expect(200)).body.items as Array<{ id: string }>;
    expect(tokens.filter((t) => t.id === granted.body.id)).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.id)).size).toBe(tokens.length);
    expect(registry.followerStatus.state).toBe('live');
    expect(engine.followerStatus.state).toBe('live');
  });
});
