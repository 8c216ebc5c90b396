import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AccessRegistry } from '@app/access';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { cliRunner } from '../support/cli-runner.js';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/** Every file under the data directory: event store, key store, idempotency records and their WALs. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function filesContaining(dir: string, text: string | Buffer): string[] {
  const needle = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return filesUnder(dir).filter((file) => readFileSync(file).includes(needle));
}

interface TokenItem {
  id: string;
  name: string | null;
  role: string;
  projectIds?: string[];
  status: string;
  grantedBy: string;
  holderErasedAt?: string;
  holderErasedBy?: string;
}

describe("access grants: the holder's name sealed with the grant's own key, erasable while the grant stays", () => {
  let api: ApiFixture;
  let projectId: string;
  beforeAll(async () => {
    api = await startApi();
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
  });
  afterAll(() => api.close());

  const tokens = async () => (await api.get('/api/access/tokens').expect(200)).body.items as TokenItem[];
  const tokenItem = async (id: string) => (await tokens()).find((t) => t.id === id)!;
  const as = (token: string) => ({
    get: (url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object) => api.raw().post(url).set('Authorization', `Bearer ${token}`).send(body),
  });
  const keyOf = (tokenId: string) => {
    const db = new Database(join(api.dataDir, 'keys.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT key FROM person_keys WHERE key_id = ?').pluck().get(`accessToken-${tokenId}`) as Buffer | undefined;
    } finally {
      db.close();
    }
  };
  const keyCount = () => {
    const db = new Database(join(api.dataDir, 'keys.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM person_keys').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('never writes the name in plaintext; the admin list shows it; after erasure it is in no file, and the token still works as staff', async () => {
    const name = 'Anna Svensson, projektekonom';
    const { id, token } = (await api.post('/api/access/tokens', { name, role: 'staff', projectIds: [projectId] }).expect(201)).body;

    const granted = (await api.allEvents()).find((e) => e.type === 'AccessGranted' && e.streamName === `accessToken-${id}`)!;
    expect(Object.keys(granted.data as object)).not.toContain('name');
    expect((granted.data as { sealedName: { keyId: string } }).sealedName.keyId).toBe(`accessToken-${id}`);
    for (const part of [name, 'Svensson', 'projektekonom']) expect(filesContaining(api.dataDir, part)).toEqual([]);
    expect(await tokenItem(id)).toMatchObject({ name, role: 'staff', projectIds: [projectId], status: 'active', grantedBy: 'token:' + (await tokens())[0].id });
    const key = keyOf(id)!;
    expect(key).toHaveLength(32);

    const reason = 'Anna Svensson bad om radering efter avslutad anställning';
    const erased = await api.post(`/api/access/tokens/${id}/erasure`, { reasonCategory: 'data-subject-request', reason }).expect(200);
    expect(erased.body).toMatchObject({ streamName: `accessToken-${id}`, revision: 1 });

    const event = (await api.allEvents()).find((e) => e.type === 'AccessHolderErased' && e.streamName === `accessToken-${id}`)!;
    expect(event.data).toMatchObject({ tokenId: id, reasonCategory: 'data-subject-request', sealedReason: { keyId: `accessToken-${id}` } });
    expect(Object.keys(event.data as object)).not.toContain('reason');
    expect(keyOf(id)).toBeUndefined();
    expect(filesContaining(api.dataDir, key)).toEqual([]);
    for (const part of [name, 'Svensson', 'projektekonom', reason, 'radering']) expect(filesContaining(api.dataDir, part)).toEqual([]);

    // The grant stays for the audit: who granted what to which projects, and who erased the holder.
    expect(await tokenItem(id)).toMatchObject({ name: null, role: 'staff', projectIds: [projectId], status: 'active', holderErasedBy: expect.stringMatching(/^token:/) });
    await as(token).get(`/api/projects/${projectId}`).expect(200);
    await as(token).post('/api/projects', crossInnovation).expect(403);
    // The history shows the erasure's reason as gone, not as ciphertext.
    const history = (await api.get(`/api/streams/accessToken-${id}/events`).expect(200)).body;
    expect(JSON.stringify(history)).not.toContain('Svensson');
  });

  it('erases the holder of a revoked token: it stays revoked, its name and the revocation\'s reason gone', async () => {
    const { id, token } = (await api.post('/api/access/tokens', { name: 'Bertil Revisorsson', role: 'auditor' }).expect(201)).body;
    await api.post(`/api/access/tokens/${id}/revocation`, { reason: 'Bertil gick i pension' }).expect(200);
    const revoked = (await api.allEvents()).find((e) => e.type === 'AccessRevoked' && e.streamName === `accessToken-${id}`)!;
    expect(revoked.data).toEqual({ tokenId: id, sealedReason: expect.objectContaining({ keyId: `accessToken-${id}` }) });
    expect(filesContaining(api.dataDir, 'pension')).toEqual([]);
    // Until the erasure, the history shows the reason in words to those who may read the log.
    const shown = (await api.get(`/api/streams/accessToken-${id}/events`).expect(200)).body;
    expect(JSON.stringify(shown)).toContain('Bertil gick i pension');
    await api.post(`/api/access/tokens/${id}/erasure`, {}).expect(200);
    const after = (await api.get(`/api/streams/accessToken-${id}/events`).expect(200)).body;
    expect(JSON.stringify(after)).not.toContain('pension');
    expect(await tokenItem(id)).toMatchObject({ name: null, role: 'auditor', status: 'revoked' });
    expect(filesContaining(api.dataDir, 'Revisorsson')).toEqual([]);
    await as(token).get('/api/events?limit=1').expect(401);
    // Without a reason only the category (the default) is recorded.
    const event = (await api.allEvents()).find((e) => e.type === 'AccessHolderErased' && e.streamName === `accessToken-${id}`)!;
    expect(event.data).toEqual({ tokenId: id, reasonCategory: 'other' });
  });

  it('refuses a second erasure (422), an unknown token (404) and a bad category (400 naming it), writing nothing', async () => {
    const { id } = (await api.post('/api/access/tokens', { name: 'Cecilia Två', role: 'viewer', projectIds: [projectId] }).expect(201)).body;
    await api.post(`/api/access/tokens/${id}/erasure`, {}).expect(200);
    const before = (await api.allEvents()).length;
    expect((await api.post(`/api/access/tokens/${id}/erasure`, {}).expect(422)).body.message).toContain('already been erased');
    await api.post(`/api/access/tokens/${randomUUID()}/erasure`, {}).expect(404);
    const bad = await api.post(`/api/access/tokens/${id}/erasure`, { reasonCategory: 'because' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('reasonCategory');
    expect((await api.allEvents()).length).toBe(before);
  });

  it('leaves no key behind for a grant that is refused', async () => {
    const before = keyCount();
    await api.post('/api/access/tokens', { name: 'Dora Utan Projekt', role: 'staff' }).expect(422);
    expect(keyCount()).toBe(before);
  });

  it('seals the name given to "ledger access grant-admin --name" the same way, and erases it', async () => {
    const ledger = cliRunner(() => api.dataDir);
    const name = 'Driftansvarig Erik Lindqvist';
    const { code, out } = await ledger(['access', 'grant-admin', '--name', name]);
    expect(code).toBe(0);
    const token = out.trim();
    const granted = (await api.allEvents()).find((e) => e.type === 'AccessGranted' && e.metadata.actor === 'system:cli')!;
    const id = (granted.data as { tokenId: string }).tokenId;
    expect(filesContaining(api.dataDir, 'Lindqvist')).toEqual([]);
    // The service follows the log: the grant reaches its list within a moment, with the name unsealed.
    let item: TokenItem | undefined;
    for (let attempt = 0; attempt < 100 && !item; attempt++) {
      item = await tokenItem(id);
      if (!item) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(item).toMatchObject({ name, role: 'admin', grantedBy: 'system:cli' });

    await api.post(`/api/access/tokens/${id}/erasure`, { reasonCategory: 'data-subject-request' }).expect(200);
    expect(await tokenItem(id)).toMatchObject({ name: null, role: 'admin', status: 'active' });
    expect(filesContaining(api.dataDir, 'Lindqvist')).toEqual([]);
    await as(token).get('/api/access/tokens').expect(200);
  });

  it('shows a plaintext name of a grant from before names were sealed until its holder is erased (the old event keeps it)', async () => {
    const store = api.app.get<EventStore>(EVENT_STORE);
    const tokenId = randomUUID();
    const stream = `accessToken-${tokenId}`;
    const data = { tokenId, name: 'Gammal Beviljning', role: 'auditor', salt: 'c2FsdA', hash: 'aGFzaA' };
    const metadata = { actor: 'system:first-start', correlationId: tokenId, causationId: tokenId, command: 'GrantAccess', recordedAt: '2026-01-01T00:00:00.000Z' };
    await store.appendToStream(stream, [{ id: randomUUID(), type: 'AccessGranted', data, metadata }]);
    const registry = api.app.get(AccessRegistry);
    for (const event of await store.readStream(stream)) registry.apply(event);
    expect(await tokenItem(tokenId)).toMatchObject({ name: 'Gammal Beviljning', role: 'auditor' });
    await api.post(`/api/access/tokens/${tokenId}/erasure`, { reasonCategory: 'data-subject-request', reason: 'Gammal Beviljning vill bli glömd' }).expect(200);
    expect(await tokenItem(tokenId)).toMatchObject({ name: null, role: 'auditor' });
    // Events are immutable: the old grant's plaintext stays in the log; the erasure's reason is not kept (no key).
    const erasure = (await api.allEvents()).find((e) => e.type === 'AccessHolderErased' && e.streamName === stream)!;
    expect(erasure.data).toEqual({ tokenId, reasonCategory: 'data-subject-request' });
  });
});
