import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigurationError } from '@app/event-store';
import { apiConfigFromEnv } from '../../apps/api/src/api.config.js';
import { assertNoTestHooks, KILL_BEFORE_SAVING } from '../../apps/api/src/http/idempotency.interceptor.js';
import { IdempotencyStore, MAX_KEPT_ANSWER_BYTES } from '../../apps/api/src/http/idempotency.store.js';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

const HOUR = 3_600_000;
const TTL_HOURS = 24;

/** Every file under the data directory (the stores, their -wal and -shm files), as bytes. */
function filesUnder(dir: string): Array<{ file: string; bytes: Buffer }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

function filesHolding(dir: string, text: string): string[] {
  return filesUnder(dir)
    .filter(({ bytes }) => bytes.includes(text))
    .map(({ file }) => file);
}

/** The service with a clock the test moves. */
async function startWithClock(overrides = {}) {
  const clock = { now: new Date('2026-11-22T10:00:00Z') };
  const api = await startApi(clock.now, { clock: () => clock.now, idempotencyTtlHours: TTL_HOURS, ...overrides });
  return { api, clock, later: (hours: number) => (clock.now = new Date(clock.now.getTime() + hours * HOUR)) };
}

describe('Idempotency-Key: the key is part of the write', () => {
  let api: ApiFixture;
  let later: (hours: number) => void;
  beforeEach(async () => ({ api, later } = await startWithClock()));
  afterEach(() => api.close());

  const keyed = (key: string) => ({ 'Idempotency-Key': key });
  const eventsOf = async (type: string) => (await api.allEvents()).filter((event) => event.type === type);
  const newProject = async () => (await api.post('/api/projects', crossInnovation).expect(201)).body.id as string;
  const newParticipant = async (projectId: string) =>
    (
      await api
        .post(`/api/projects/${projectId}/participants`, { person: { name: 'Sara Lind' }, gender: 'man', role: 'creative', registeredOn: '2023-10-10' })
        .expect(201)
    ).body.id as string;

  it('the events carry the key hashed with the actor, and the raw key is in no file of the data directory', async () => {
    const key = `client-key-${randomUUID()}`;
    const { body } = await api.post('/api/projects', crossInnovation, keyed(key)).expect(201);
    const [registered] = (await eventsOf('ProjectRegistered')).filter((event) => event.streamName === body.streamName);
    const expected = createHash('sha256').update(`${registered.metadata.actor}\n${key}`).digest('hex');
    expect(registered.metadata.idempotencyKey).toBe(expected);
    expect(filesHolding(api.dataDir, key)).toEqual([]);
  });

  it('a create without an id, retried after its saved answer expired, answers the same id and creates nothing', async () => {
    const key = randomUUID();
    const first = await api.post('/api/projects', crossInnovation, keyed(key)).expect(201);
    later(TTL_HOURS + 1);
    const retried = await api.post('/api/projects', crossInnovation, keyed(key)).expect(201);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers['idempotency-replayed']).toBe('true');
    expect(await eventsOf('ProjectRegistered')).toHaveLength(1);
  });

  it('a correction retried after its saved answer expired answers the first revision and position, even with its If-Match', async () => {
    const participantId = await newParticipant(await newProject());
    const key = randomUUID();
    const correction = { gender: 'woman', reason: 'Typed wrong at registration' };
    const first = await api.post(`/api/participants/${participantId}/corrections`, correction, { ...keyed(key), 'If-Match': '"0"' }).expect(200);
    later(TTL_HOURS + 1);
    const retried = await api.post(`/api/participants/${participantId}/corrections`, correction, { ...keyed(key), 'If-Match': '"0"' }).expect(200);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.etag).toBe('"1"');
    expect(await eventsOf('ParticipantCorrected')).toHaveLength(1);
  });

  it('a report retried after its saved answer expired answers the digest it froze, not one of the figures as they are now', async () => {
    const projectId = await newProject();
    await newParticipant(projectId);
    const key = randomUUID();
    const first = await api.post(`/api/projects/${projectId}/reports`, { label: 'Q4 2023' }, keyed(key)).expect(201);
    // A late registration changes the figures before the retry comes.
    const { position } = (
      await api
        .post(`/api/projects/${projectId}/participants`, { person: { name: 'Per Holm' }, gender: 'woman', role: 'creative', registeredOn: '2023-10-11' })
        .expect(201)
    ).body;
    await api.get(`/api/projects/${projectId}/indicators?minPosition=${position}`).expect(200);
    later(TTL_HOURS + 1);
    const retried = await api.post(`/api/projects/${projectId}/reports`, { label: 'Q4 2023' }, keyed(key)).expect(201);
    expect(retried.body).toEqual(first.body);
    expect(await eventsOf('ReportSubmitted')).toHaveLength(1);
    const now = await api.post(`/api/projects/${projectId}/reports`, { label: 'Q4 2023' }, keyed(randomUUID())).expect(201);
    expect(now.body.digest).not.toBe(first.body.digest);
  });

  it('after expiry the same key with another command on the same entity is a new request', async () => {
    const participantId = await newParticipant(await newProject());
    const key = randomUUID();
    await api.post(`/api/participants/${participantId}/corrections`, { gender: 'woman', reason: 'Typed wrong' }, keyed(key)).expect(200);
    later(TTL_HOURS + 1);
    await api.post(`/api/participants/${participantId}/erasure`, { reason: 'Asked to be forgotten' }, keyed(key)).expect(200);
    expect(await eventsOf('ParticipantErased')).toHaveLength(1);
  });

  it('an answer kept without its body (too large to keep) runs the command again, which answers its first outcome from the log', async () => {
    const participantId = await newParticipant(await newProject());
    const key = randomUUID();
    const correction = { gender: 'woman', reason: 'Typed wrong at registration' };
    const first = await api.post(`/api/participants/${participantId}/corrections`, correction, keyed(key)).expect(200);
    const service = new Database(join(api.dataDir, 'service.sqlite'));
    expect(service.prepare('UPDATE answers SET body = NULL').run().changes).toBe(1);
    service.close();
    const retried = await api.post(`/api/participants/${participantId}/corrections`, correction, keyed(key)).expect(200);
    expect(retried.body).toEqual(first.body);
    expect(await eventsOf('ParticipantCorrected')).toHaveLength(1);
    // Still the same request: another body with the key is refused while the record is kept.
    await api.post(`/api/participants/${participantId}/corrections`, { ...correction, gender: 'another' }, keyed(key)).expect(422);
  });
});

describe('Idempotency-Key: no token at rest', () => {
  it('grants with and without a key leave no plt_ token in any file of the data directory; a replayed grant says the token was shown once', async () => {
    const { api, later } = await startWithClock();
    try {
      const key = randomUUID();
      const keyedGrant = await api.post('/api/access/tokens', { name: 'Anna Svensson', role: 'admin' }, { 'Idempotency-Key': key }).expect(201);
      const plainGrant = await api.post('/api/access/tokens', { name: 'Erik Berg', role: 'auditor' }).expect(201);
      const tokens = [keyedGrant.body.token as string, plainGrant.body.token as string];
      for (const token of tokens) expect(token).toMatch(/^plt_/);
      // The tokens work: the first answers held them.
      await api.raw().get('/api/access/tokens').set('Authorization', `Bearer ${tokens[0]}`).expect(200);

      const replayed = await api.post('/api/access/tokens', { name: 'Anna Svensson', role: 'admin' }, { 'Idempotency-Key': key }).expect(201);
      const expected = { id: keyedGrant.body.id, streamName: keyedGrant.body.streamName, revision: 0, position: keyedGrant.body.position };
      expect(replayed.body).toEqual({ ...expected, token: null, tokenShownOnce: true, message: expect.stringMatching(/shown once/) });
      // Also when the saved answer is gone and the grant is found in the log: never a made-up token.
      later(TTL_HOURS + 1);
      const fromLog = await api.post('/api/access/tokens', { name: 'Anna Svensson', role: 'admin' }, { 'Idempotency-Key': key }).expect(201);
      expect(fromLog.body).toEqual(replayed.body);
      // And never after revocation.
      await api.post(`/api/access/tokens/${keyedGrant.body.id}/revocation`, { reason: 'Left' }).expect(200);
      const afterRevocation = await api.post('/api/access/tokens', { name: 'Anna Svensson', role: 'admin' }, { 'Idempotency-Key': key }).expect(201);
      expect(afterRevocation.body.token).toBeNull();

      const secrets = ['plt_', ...tokens.map((token) => token.slice(-43))];
      for (const secret of secrets) expect(filesHolding(api.dataDir, secret)).toEqual([]);
      await api.app.close();
      // Closing folds the -wal files into the stores: still nothing.
      for (const secret of secrets) expect(filesHolding(api.dataDir, secret)).toEqual([]);
    } finally {
      await api.close().catch(() => {});
    }
  });

  it('a service.sqlite of the first version, whose answers held tokens, is rewritten on opening, without them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-legacy-'));
    try {
      const legacy = new Database(join(dataDir, 'service.sqlite'));
      legacy.pragma('journal_mode = WAL');
      legacy.exec(`CREATE TABLE idempotency (
        actor TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
        body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (actor, key)) STRICT`);
      const token = `plt_${'A'.repeat(43)}`;
      legacy
        .prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?)')
        .run('token:x', 'k', 'h', 201, JSON.stringify({ id: randomUUID(), token }), new Date().toISOString());
      legacy.close();
      expect(filesHolding(dataDir, token)).not.toEqual([]);
      IdempotencyStore.open(join(dataDir, 'service.sqlite')).close();
      expect(filesHolding(dataDir, token)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stored answers expire', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const answer = { requestHash: 'h', status: 201, body: { id: 'x', revision: 0 } };

  it('are found within the TTL, not after it, and purged then (and on start)', () => {
    let now = new Date('2026-11-22T10:00:00Z');
    const file = join(dir, 'service.sqlite');
    const store = IdempotencyStore.open(file, { ttlHours: 24, clock: () => now });
    store.save('a', answer);
    now = new Date(now.getTime() + 12 * HOUR);
    store.save('b', answer);
    expect(store.find('a')).toEqual(answer);
    now = new Date(now.getTime() + 13 * HOUR);
    expect(store.find('a')).toBeUndefined();
    expect(store.find('b')).toEqual(answer);
    expect(store.purge()).toBe(1);
    expect(store.size).toBe(1);
    store.close();

    now = new Date(now.getTime() + 24 * HOUR);
    const reopened = IdempotencyStore.open(file, { ttlHours: 24, clock: () => now });
    expect(reopened.size).toBe(0);
    reopened.close();
  });

  it('keep a large answer only as "answered", so the file does not grow with answer sizes', () => {
    const store = IdempotencyStore.open(join(dir, 'service.sqlite'), { ttlHours: 24 });
    const large = { ...answer, body: { items: 'x'.repeat(MAX_KEPT_ANSWER_BYTES) } };
    for (let i = 0; i < 20; i++) store.save(`large-${i}`, large);
    expect(store.find('large-0')).toEqual({ requestHash: 'h', status: 201 });
    store.close();
    const bytes = filesUnder(dir).reduce((sum, { bytes }) => sum + bytes.length, 0);
    expect(bytes).toBeLessThan(MAX_KEPT_ANSWER_BYTES);
  });
});

describe('settings', () => {
  it('LEDGER_IDEMPOTENCY_TTL_HOURS defaults to 24 hours and a wrong value stops start-up naming the variable', () => {
    expect(apiConfigFromEnv({}).idempotencyTtlHours).toBe(24);
    expect(apiConfigFromEnv({ LEDGER_IDEMPOTENCY_TTL_HOURS: '72' }).idempotencyTtlHours).toBe(72);
    for (const wrong of ['0', '-1', '1.5', 'a day', '9000']) {
      expect(() => apiConfigFromEnv({ LEDGER_IDEMPOTENCY_TTL_HOURS: wrong })).toThrow(
        `LEDGER_IDEMPOTENCY_TTL_HOURS must be a whole number from 1 to 8760 (got "${wrong}")`,
      );
    }
  });

  it('the crash-test hook is refused unless NODE_ENV=test', () => {
    expect(() => assertNoTestHooks({ [KILL_BEFORE_SAVING]: '1', NODE_ENV: 'production' })).toThrow(ConfigurationError);
    expect(() => assertNoTestHooks({ [KILL_BEFORE_SAVING]: '1' })).toThrow(/refused unless NODE_ENV=test/);
    expect(() => assertNoTestHooks({ [KILL_BEFORE_SAVING]: '1', NODE_ENV: 'test' })).not.toThrow();
    expect(() => assertNoTestHooks({})).not.toThrow();
    expect(() => apiConfigFromEnv({ [KILL_BEFORE_SAVING]: '1' })).toThrow(`${KILL_BEFORE_SAVING} is a crash-test hook and is refused unless NODE_ENV=test`);
  });
});
