import { EVENT_STORE, streamName, type EventStore } from '@app/event-store';
import { PROJECTIONS, ProjectionEngine } from '@app/reporting';
import request from 'supertest';
import { apiConfigFromEnv } from '../../apps/api/src/api.config.js';
import { MetricsListener } from '../../apps/api/src/metrics/metrics-listener.js';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';
import { TEST_STORE } from '../support/test-store.js';

/**
 * Acceptance (issue 14.2): GET /metrics needs a token with metrics:read (the monitoring role, or an admin's),
 * shows each read model's position and lag, the requests by route template, and the appends; its labels
 * carry no id, name, e-mail or URL.
 */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's sample lines (the subset prom-client writes: no escaped quotes in our labels). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

const value = (all: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  all.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  let api: ApiFixture;
  let monitoring: string;
  let auditor: string;

  const scrape = async (token = monitoring) => {
    const response = await api.raw().get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    return { text: response.text, samples: samples(response.text), contentType: response.headers['content-type'] };
  };

  beforeAll(async () => {
    api = await startApi();
    monitoring = (await api.post('/api/access/tokens', { name: 'Prometheus i driften', role: 'monitoring' }).expect(201)).body.token;
    auditor = (await api.post('/api/access/tokens', { name: 'Revisor', role: 'auditor' }).expect(201)).body.token;
  });
  afterAll(() => api.close());

  it('refuses a caller without a token (401) and a role without metrics:read (403)', async () => {
    expect((await api.raw().get('/metrics')).status).toBe(401);
    const refused = await api.raw().get('/metrics').set('Authorization', `Bearer ${auditor}`);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('ledger_');
  });

  it('answers a monitoring token, and an admin, in the Prometheus text format with the process metrics', async () => {
    const { contentType, samples: all } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(all, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(all, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    const admin = await api.get('/metrics').expect(200);
    expect(admin.text).toContain('ledger_event_store_appends_total');
  });

  it("shows every read model's position and lag, in events and in seconds, and whether it is rebuilding", async () => {
    const { samples: all } = await scrape();
    for (const projection of PROJECTIONS) {
      const labels = { projection: projection.name };
      expect(value(all, 'ledger_projection_lag_events', labels)).toBeGreaterThanOrEqual(0);
      expect(value(all, 'ledger_projection_lag_seconds', labels)).toBeGreaterThanOrEqual(0);
      expect(value(all, 'ledger_projection_position', labels)).toBeGreaterThanOrEqual(0);
      expect(value(all, 'ledger_projection_rebuilding', labels)).toBe(0);
    }
    expect(value(all, 'ledger_event_store_up')).toBe(1);
    expect(value(all, 'ledger_log_follower_state', { follower: 'projections', state: 'live' })).toBe(1);
    expect(value(all, 'ledger_log_follower_reconnects_total', { follower: 'access' })).toBe(0);
  });

  it('counts the appends and events of a command, and the log head is where the command wrote', async () => {
    const before = (await scrape()).samples;
    const created = await api.post('/api/projects', crossInnovation).expect(201);
    const after = (await scrape()).samples;
    const ok = { outcome: 'ok' };
    expect(value(after, 'ledger_event_store_appends_total', ok)).toBe(value(before, 'ledger_event_store_appends_total', ok)! + 1);
    expect(value(after, 'ledger_event_store_events_appended_total')).toBeGreaterThan(value(before, 'ledger_event_store_events_appended_total')!);
    expect(value(after, 'ledger_log_head_position')).toBe(created.body.position);
  });

  it("shows the embedded store's group commits: concurrent appends share a commit (none on EventStoreDB, whose server batches)", async () => {
    const batches = 'ledger_event_store_commit_batch_events';
    const before = (await scrape()).samples;
    const store = api.app.get<EventStore>(EVENT_STORE);
    const metadata = { correlationId: 'metrics', causationId: 'metrics', actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' };
    // Twenty writers at once, one event each, to streams of their own.
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => store.appendToStream(streamName('metricsProbe', String(n)), [{ type: 'MetricsProbed', data: { n }, metadata }])),
    );
    const after = (await scrape()).samples;
    if (TEST_STORE === 'eventstoredb') {
      expect(value(after, `${batches}_count`)).toBeUndefined();
      return;
    }
    const commits = value(after, `${batches}_count`)! - value(before, `${batches}_count`)!;
    expect(value(after, `${batches}_sum`)! - value(before, `${batches}_sum`)!).toBe(20);
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(20);
    expect(value(after, `${batches}_bucket`, { le: '1' })! - value(before, `${batches}_bucket`, { le: '1' })!).toBeLessThan(commits);
  });

  it('times requests by route template and status, never by URL, and keeps names, e-mails and ids out of every label', async () => {
    const project = (await api.post('/api/projects', crossInnovation).expect(201)).body.id as string;
    const participant = await api
      .post(`/api/projects/${project}/participants`, {
        person: { name: 'Anna Söderberg', email: 'anna.soderberg@example.se', phone: '+46 70 111 22 33' },
        gender: 'woman',
        role: 'creative',
        registeredOn: '2024-01-15',
      })
      .expect(201);
    await api.get(`/api/projects/${project}`).expect(200);
    await api.get(`/api/projects/${project}`).expect(200);
    await api.get(`/api/participants/${participant.body.id}`).expect(200);
    await api.get(`/api/projects/${project}/participants?name=${encodeURIComponent('Anna Söderberg')}`);
    await api.get('/api/projects/00000000-0000-4000-8000-000000000000').expect(404);
    await api.raw().get(`/no-such-route/${project}?email=anna.soderberg@example.se`).expect(404);

    const { text, samples: all } = await scrape();
    const count = (route: string, status: string) =>
      value(all, 'ledger_http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(count('/api/projects/:id', '200')).toBe(2);
    expect(count('/api/projects/:id', '404')).toBe(1);
    expect(count('/api/participants/:id', '200')).toBe(1);
    expect(value(all, 'ledger_http_request_duration_seconds_sum', { method: 'GET', route: '/api/projects/:id', status: '200' })).toBeGreaterThan(0);
    expect(count('(no route)', '404')).toBe(1);

    const labelValues = all.flatMap((s) => Object.values(s.labels));
    for (const secret of [project, participant.body.id, 'Anna', 'Söderberg', 'anna.soderberg', 'example.se', '111 22 33']) {
      expect(text).not.toContain(secret);
    }
    expect(labelValues.filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(v) || v.includes('?'))).toEqual([]);
  });

  it('counts answers replayed for an Idempotency-Key', async () => {
    const replays = async () => value((await scrape()).samples, 'ledger_idempotency_replays_total', { route: '/api/projects' }) ?? 0;
    const before = await replays();
    const key = { 'Idempotency-Key': 'metrics-replay-1' };
    await api.post('/api/projects', crossInnovation, key).expect(201);
    await api.post('/api/projects', crossInnovation, key).expect(201).expect('Idempotency-Replayed', 'true');
    expect(await replays()).toBe(before + 1);
  });

  // Last: it stops the read models, so that events wait unapplied and the lag is a number this test knows.
  it('shows a real lag: events appended while the read models stand still are counted, one by one', async () => {
    const engine = api.app.get(ProjectionEngine);
    await engine.stop();
    const before = (await scrape()).samples;
    const store = api.app.get<EventStore>(EVENT_STORE);
    const metadata = { correlationId: 'metrics', causationId: 'metrics', actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' };
    await store.appendToStream(streamName('metricsLag', 'one'), [1, 2, 3].map((n) => ({ type: 'MetricsProbed', data: { n }, metadata })));
    const after = (await scrape()).samples;
    expect(value(after, 'ledger_log_head_position')).toBeGreaterThan(value(before, 'ledger_log_head_position')!);
    for (const projection of PROJECTIONS) {
      const labels = { projection: projection.name };
      expect([projection.name, value(after, 'ledger_projection_position', labels)]).toEqual([projection.name, value(before, 'ledger_projection_position', labels)]);
      expect([projection.name, value(after, 'ledger_projection_lag_events', labels)]).toEqual([projection.name, value(before, 'ledger_projection_lag_events', labels)! + 3]);
      // The first unapplied event was recorded in the past: the lag in seconds counts from it.
      expect(value(after, 'ledger_projection_lag_seconds', labels)).toBeGreaterThan(0);
      if (TEST_STORE === 'sqlite') {
        // Dense positions: the lag is the head minus the checkpoint, with no event read to count it.
        expect(value(after, 'ledger_projection_lag_events', labels)).toBe(value(after, 'ledger_log_head_position')! - value(after, 'ledger_projection_position', labels)!);
      }
    }
  });
});

describe('LEDGER_METRICS_PORT: /metrics on a listener of its own', () => {
  let api: ApiFixture;
  let monitoring: string;
  let metricsPort: number;

  beforeAll(async () => {
    // Port 0: any free one. Three failed sign-ins a minute per address, so a guess at a token is refused soon.
    api = await startApi(undefined, { metricsPort: 0, rateLimitPerMinute: 3 });
    monitoring = (await api.post('/api/access/tokens', { name: 'Prometheus', role: 'monitoring' }).expect(201)).body.token;
    metricsPort = api.app.get(MetricsListener).address!.port;
  });
  afterAll(() => api.close());

  const onMetricsPort = () => request(`http://127.0.0.1:${metricsPort}`);

  it('serves /metrics there, with its token, and the API port answers 404 for it whoever asks', async () => {
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe((api.app.getHttpServer().address() as { port: number }).port);
    const scraped = await onMetricsPort().get('/metrics').set('Authorization', `Bearer ${monitoring}`).expect(200);
    expect(scraped.text).toContain('ledger_projection_lag_events');
    expect((await onMetricsPort().get('/metrics')).status).toBe(401);
    expect((await api.raw().get('/metrics').set('Authorization', `Bearer ${monitoring}`)).status).toBe(404);
    expect((await api.get('/metrics')).status).toBe(404);
  });

  it('answers 404 on the API port however the path is spelled: encoded, trailing slash, query', async () => {
    for (const path of ['/%6Detrics', '/%6d%65%74%72%69%63%73', '/metrics/', '/metrics?', '/metrics?format=text', '/%6Detrics/']) {
      const answer = await api.raw().get(path).set('Authorization', `Bearer ${monitoring}`);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).not.toContain('ledger_');
    }
    // Where they are served, they still are.
    expect((await onMetricsPort().get('/metrics').set('Authorization', `Bearer ${monitoring}`)).status).toBe(200);
  });

  it('serves nothing else there: the API is not reachable through the metrics port', async () => {
    expect((await onMetricsPort().get('/health')).status).toBe(404);
    expect((await onMetricsPort().get('/api/projects').set('Authorization', `Bearer ${monitoring}`)).status).toBe(404);
    expect((await onMetricsPort().post('/metrics').set('Authorization', `Bearer ${monitoring}`)).status).toBe(404);
  });

  it('listens on the configured host (loopback here) only', () => {
    expect(api.app.get(MetricsListener).address?.address).toBe('127.0.0.1');
  });

  it('counts rate-limit refusals by route and by the limit that refused: an address guessing tokens, a token over its rate', async () => {
    const eager = (await api.post('/api/access/tokens', { name: 'Eager', role: 'auditor' }).expect(201)).body.token;
    for (let i = 0; i < 5; i += 1) await api.raw().get('/api/projects').set('Authorization', 'Bearer not-a-token-of-this-ledger-at-all');
    for (let i = 0; i < 4; i += 1) await api.raw().get('/api/indicators').set('Authorization', `Bearer ${eager}`);
    const text = (await onMetricsPort().get('/metrics').set('Authorization', `Bearer ${monitoring}`).expect(200)).text;
    const all = samples(text);
    expect(value(all, 'ledger_http_rate_limited_total', { route: '/api/projects', limit: 'address' })).toBe(2);
    expect(value(all, 'ledger_http_rate_limited_total', { route: '/api/projects', limit: 'token' })).toBeUndefined();
    expect(value(all, 'ledger_http_rate_limited_total', { route: '/api/indicators', limit: 'token' })).toBe(1);
    expect(value(all, 'ledger_http_rate_limited_total', { route: '/api/indicators', limit: 'address' })).toBeUndefined();
    // Scrapes on the metrics port are requests like any other: timed under their route.
    expect(value(all, 'ledger_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
  });
});

describe('LEDGER_METRICS_PORT', () => {
  const env = { LEDGER_DATA_DIR: '/tmp/unused' };

  it('is unset by default and when it names the API port: /metrics is then a route of the API', () => {
    expect(apiConfigFromEnv(env).metricsPort).toBeUndefined();
    expect(apiConfigFromEnv({ ...env, PORT: '3000', LEDGER_METRICS_PORT: '3000' }).metricsPort).toBeUndefined();
    expect(apiConfigFromEnv({ ...env, LEDGER_METRICS_PORT: '9464' }).metricsPort).toBe(9464);
  });

  it('stops start-up naming itself when it is not a port', () => {
    expect(() => apiConfigFromEnv({ ...env, LEDGER_METRICS_PORT: 'prometheus' })).toThrow(
      'LEDGER_METRICS_PORT must be a whole number from 1 to 65535 (got "prometheus")',
    );
  });
});
