import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AccessRegistry, hashToken, legacyTokenLookup } from '@app/access';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { API_KEY, crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';
import { cliRunner } from '../support/cli-runner.js';

const anna = { name: 'Anna Söderberg', email: 'anna.soderberg@example.se', phone: '+46 70 123 45 67' };

describe('access tokens', () => {
  let api: ApiFixture;
  let projectId: string;
  beforeAll(async () => {
    api = await startApi();
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
  });
  afterAll(() => api.close());

  it('shows a new token once, stores only a salted hash, and records grant and revocation with who did them', async () => {
    const granted = await api.post('/api/access/tokens', { name: 'Anna, projektekonom', role: 'staff', projectIds: [projectId] }).expect(201);
    const { id, token } = granted.body;
    // The grant's id (public) beside 256 random bits: the id finds the grant, only the secret proves anything.
    expect(token).toMatch(new RegExp(`^plt_${id}_[A-Za-z0-9_-]{43}$`));
    const list = await api.get('/api/access/tokens').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, role: 'staff', projectIds: [projectId], status: 'active' })]));
    const log = JSON.stringify(await api.allEvents());
    expect(log).not.toContain(token);

    await api.raw().get(`/api/projects/${projectId}`).set('Authorization', `Bearer ${token}`).expect(200);
    await api.post(`/api/access/tokens/${id}/revocation`, { reason: 'Slutat i projektet' }).expect(200);
    const refused = await api.raw().get(`/api/projects/${projectId}`).set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.message).toBe('This token has been revoked');
    await api.post(`/api/access/tokens/${id}/revocation`, {}).expect(422);

    const history = await api.get('/api/events?stream=accessToken&limit=1000').expect(200);
    const admin = history.body.events.find((e: { type: string; metadata: { actor: string } }) => e.type === 'AccessGranted' && e.metadata.actor === 'system:first-start');
    expect(admin).toBeDefined();
    const adminActor = `token:${admin.data.tokenId}`;
    const ours = history.body.events.filter((e: { streamName: string }) => e.streamName === `accessToken-${id}`);
    expect(ours.map((e: { type: string; metadata: { actor: string; command: string } }) => [e.type, e.metadata.actor, e.metadata.command])).toEqual([
      ['AccessGranted', adminActor, 'GrantAccess'],
      ['AccessRevoked', adminActor, 'RevokeAccess'],
    ]);
    expect(ours[1].data.reason).toBe('Slutat i projektet');
  });

  it('records the caller as actor on every event, never anonymous', async () => {
    const { token, id } = (await api.post('/api/access/tokens', { name: 'Bodil', role: 'staff', projectIds: [projectId] }).expect(201)).body;
    const written = await api.raw().post(`/api/projects/${projectId}/participants`).set('Authorization', `Bearer ${token}`)
      .send({ person: anna, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' }).expect(201);
    const events = await api.allEvents();
    expect(events.find((e) => e.position === written.body.position)!.metadata.actor).toBe(`token:${id}`);
    expect(events.every((e) => typeof e.metadata.actor === 'string' && e.metadata.actor.length > 0 && e.metadata.actor !== 'anonymous')).toBe(true);
  });

  it('refuses a grant that breaks the rules, naming the field, and writes nothing', async () => {
    const before = (await api.allEvents()).length;
    const wrongRole = await api.post('/api/access/tokens', { name: 'X', role: 'superuser' }).expect(400);
    expect(wrongRole.body.problems).toEqual([expect.objectContaining({ field: 'role', rule: 'isIn' })]);
    await api.post('/api/access/tokens', { name: 'X', role: 'staff' }).expect(422);
    await api.post('/api/access/tokens', { name: 'X', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' }).expect(422);
    await api.post('/api/access/tokens', { name: 'X', role: 'viewer', projectIds: ['not-a-uuid'] }).expect(400);
    expect((await api.allEvents()).length).toBe(before);
  });

  it("gives a viewer figures and no one's name, e-mail address or phone number", async () => {
    await api.post(`/api/projects/${projectId}/participants`, { person: anna, gender: 'woman', role: 'creative', registeredOn: '2024-02-10' }).expect(201);
    const { token } = (await api.post('/api/access/tokens', { name: 'Styrgruppen', role: 'viewer', projectIds: [projectId] }).expect(201)).body;
    const asViewer = (url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`);
    const answers: string[] = [];
    for (const url of [
      `/api/projects/${projectId}`,
      `/api/projects/${projectId}/indicators`,
      `/api/projects/${projectId}/indicators.csv`,
      `/api/projects/${projectId}/indicators/participants/evidence`,
      `/api/projects/${projectId}/activities`,
      `/api/projects/${projectId}/outcomes`,
      `/api/projects/${projectId}/pilot-cases`,
      `/api/projects/${projectId}/reports`,
      '/api/projects',
      '/api/organisations',
      '/api/indicators/catalogue',
    ]) {
      const response = await asViewer(url).expect(200);
      answers.push(response.text);
    }
    for (const url of [`/api/projects/${projectId}/participants`, `/api/projects/${projectId}/history`, '/api/events']) {
      await asViewer(url).expect(403);
    }
    const everything = answers.join('\n');
    expect(everything).toContain('participants');
    for (const secret of [anna.name, anna.email, anna.phone, 'Söderberg', 'example.se']) expect(everything).not.toContain(secret);
  });
});

describe('what a grant keeps of its token', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  /** Every cheap, unkeyed digest one could test a guess against, in every usual encoding. */
  const unkeyedDigests = (token: string) =>
    ['md5', 'sha1', 'sha256', 'sha512', 'sha3-256'].flatMap((algorithm) =>
      (['hex', 'base64', 'base64url'] as const).map((encoding) => createHash(algorithm).update(token).digest(encoding)),
    );
  /** Fields that hold the token, part of it beyond its public id, or a prefix of an unkeyed digest of it. */
  const leaks = ({ tokenId: _publicId, ...data }: Record<string, unknown>, token: string) =>
    Object.entries(data).filter(
      ([, value]) =>
        typeof value === 'string' &&
        value.length >= 8 &&
        (token.includes(value) || unkeyedDigests(token).some((digest) => digest.startsWith(value) || value.startsWith(digest.slice(0, 8)))),
    );

  it('holds nothing a guess of a hand-chosen token (LEDGER_ADMIN_TOKEN) can be checked against without the server key or scrypt', async () => {
    const [first] = await api.allEvents();
    expect(first.type).toBe('AccessGranted');
    const data = first.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['hash', 'keyedLookup', 'role', 'salt', 'sealedName', 'tokenId']);
    expect(leaks(data, API_KEY)).toEqual([]);
    // The lookup is keyed with the server's own secret, which lives in the data directory, not in the log.
    const serverKey = Buffer.from(readFileSync(join(api.dataDir, 'server.key'), 'utf8').trim(), 'base64url');
    expect(data.keyedLookup).toBe(createHmac('sha256', serverKey).update(API_KEY).digest('hex').slice(0, 16));
    expect(JSON.stringify(await api.allEvents())).not.toContain(serverKey.toString('base64url'));
  });

  it('holds only the scrypt hash of a token the ledger makes (its id finds the grant)', async () => {
    const { id, token } = (await api.post('/api/access/tokens', { name: 'Revisor', role: 'auditor' }).expect(201)).body;
    const granted = (await api.allEvents()).find((e) => e.streamName === `accessToken-${id}`)!;
    const data = granted.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['hash', 'role', 'salt', 'sealedName', 'tokenId']);
    expect(leaks(data, token)).toEqual([]);
    await api.raw().get('/api/events?limit=1').set('Authorization', `Bearer ${token}`).expect(200);
    // The id alone, or the id with another secret, is no token.
    await api.raw().get('/api/events?limit=1').set('Authorization', `Bearer plt_${id}_${randomBytes(32).toString('base64url')}`).expect(401);
  });

  it('still signs in a generated token granted before keyed lookups, and refuses a chosen one whose old lookup is in the log', async () => {
    const store = api.app.get<EventStore>(EVENT_STORE);
    const registry = api.app.get(AccessRegistry);
    const grantTheOldWay = async (token: string) => {
      const tokenId = randomUUID();
      const stream = `accessToken-${tokenId}`;
      const data = { tokenId, name: 'Granted by an older version', role: 'auditor', lookup: legacyTokenLookup(token), ...(await hashToken(token)) };
      await store.appendToStream(stream, [{ id: randomUUID(), type: 'AccessGranted', data, metadata: { actor: 'system:first-start', correlationId: tokenId, causationId: tokenId, command: 'GrantAccess', recordedAt: '2026-01-01T00:00:00.000Z' } }]);
      for (const event of await store.readStream(stream)) registry.apply(event);
    };
    const generated = `plt_${randomBytes(32).toString('base64url')}`;
    const chosen = 'Kalmar-2026-our-shared-admin-password';
    await grantTheOldWay(generated);
    await grantTheOldWay(chosen);
    await api.raw().get('/api/events?limit=1').set('Authorization', `Bearer ${generated}`).expect(200);
    const refused = await api.raw().get('/api/events?limit=1').set('Authorization', `Bearer ${chosen}`).expect(401);
    expect(refused.body.message).toContain('ledger access grant-admin');
  });

  it('keeps a chosen admin token working across restarts (the server key stays in the data directory)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-restart-'));
    const config = { dataDir, eventStore: { kind: 'sqlite' as const, file: join(dataDir, 'events.sqlite') } };
    try {
      const first = await startApi(undefined, config);
      await first.get('/api/projects').expect(200);
      await first.close();
      const second = await startApi(undefined, config);
      await second.get('/api/projects').expect(200);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the last admin', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());
  const ledger = cliRunner(() => api.dataDir);
  const activeAdmins = async () =>
    (await api.get('/api/access/tokens').expect(200)).body.items.filter((t: { role: string; status: string }) => t.role === 'admin' && t.status === 'active');

  it('cannot revoke itself (422 saying why, nothing written); with another admin it can', async () => {
    const [first] = await activeAdmins();
    const before = (await api.allEvents()).length;
    const refused = await api.post(`/api/access/tokens/${first.id}/revocation`, { reason: 'Tidying up' }).expect(422);
    expect(refused.body.message).toContain('last active admin token');
    expect((await api.allEvents()).length).toBe(before);

    const second = (await api.post('/api/access/tokens', { name: 'Second admin', role: 'admin' }).expect(201)).body;
    const asSecond = (url: string, body: object) => api.raw().post(url).set('Authorization', `Bearer ${second.token}`).send(body);
    await asSecond(`/api/access/tokens/${first.id}/revocation`, {}).expect(200);
    expect((await asSecond(`/api/access/tokens/${second.id}/revocation`, {}).expect(422)).body.message).toContain('last active admin token');
  });

  it('is recovered on the server host with "ledger access grant-admin", recorded as system:cli and shown once', async () => {
    const { code, out, err } = await ledger(['access', 'grant-admin', '--name', 'Driftansvarig, Region Blekinge']);
    expect(err).toContain('shown this once');
    expect(code).toBe(0);
    const token = out.trim();
    expect(token).toMatch(/^plt_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    const granted = (await api.allEvents()).filter((e) => e.type === 'AccessGranted' && e.metadata.actor === 'system:cli');
    expect(granted).toHaveLength(1);
    expect(granted[0].data).toMatchObject({ role: 'admin', sealedName: { algorithm: 'AES-256-GCM' } });
    expect(JSON.stringify(granted[0].data)).not.toContain('Blekinge');
    expect(JSON.stringify(await api.allEvents())).not.toContain(token);
    // The running service follows the log: the new token works without a restart.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = (await api.raw().get('/api/access/tokens').set('Authorization', `Bearer ${token}`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });

  it('refuses wrong usage of the recovery command, writing nothing', async () => {
    const before = (await api.allEvents()).length;
    expect((await ledger(['access', 'grant-admin', '--name', 'x\u202eevil'])).code).toBe(2);
    expect((await ledger(['access', 'grant-admin', '--role', 'viewer'])).code).toBe(2);
    expect((await ledger(['access', 'revoke-everything'])).code).toBe(2);
    expect((await api.allEvents()).length).toBe(before);
  });
});

describe('first start', () => {
  it('without LEDGER_ADMIN_TOKEN creates an admin token of its own, recorded as granted at first start', async () => {
    const api = await startApi(undefined, { adminToken: undefined });
    try {
      const events = await api.allEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'AccessGranted', data: { role: 'admin' }, metadata: { actor: 'system:first-start' } });
      await api.get('/api/projects').expect(401);
    } finally {
      await api.close();
    }
  });
});

describe('hardening', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi(undefined, { rateLimitPerMinute: 20 });
  });
  afterAll(() => api.close());

  it('sends security headers and no CORS headers unless origins are configured', async () => {
    const response = await api.get('/api/projects').set('Origin', 'https://evil.example').expect(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('bounds the URL and the nesting of JSON bodies, writing nothing', async () => {
    await api.get(`/api/projects?name=${'a'.repeat(5000)}`).expect(414);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const response = await api.post('/api/organisations', { name: 'Djup AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', deep }).expect(400);
    expect(response.body.message).toContain('deeper than 32');
    expect(JSON.stringify(response.body)).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('answers 429 with Retry-After once a token has used its requests for the minute', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 25; i++) {
      const response = await api.get('/api/indicators/catalogue');
      statuses.push(response.status);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('slows down guessing: wrong tokens from one address run into 429 as well', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await api.raw().get('/api/projects').set('Authorization', `Bearer guess-${i}-${'x'.repeat(30)}`)).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses).toContain(429);
  });
});

describe('CORS when configured', () => {
  it('answers the configured origin and no other', async () => {
    const api = await startApi(undefined, { corsOrigins: ['https://dashboard.example.se'] });
    try {
      const allowed = await api.get('/api/projects').set('Origin', 'https://dashboard.example.se').expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example.se');
      const other = await api.get('/api/projects').set('Origin', 'https://evil.example').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});

/** A local OpenID Connect issuer on 127.0.0.1 with its own keys: discovery document and JWKS. */
async function localIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    response.setHeader('Content-Type', 'application/json');
    if (request.url === '/.well-known/openid-configuration') response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (request.url === '/jwks') response.end(JSON.stringify({ keys: [jwk] }));
    else response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; audience?: string; expires?: string | Date | null; issuer?: string; issuedAt?: Date; subject?: string } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? 'programme-ledger')
      .setSubject(options.subject ?? 'anna@region.se')
      .setIssuedAt(options.issuedAt);
    // null: a token without any expiry
    if (options.expires !== null) jwt.setExpirationTime(options.expires ?? '5m');
    return jwt.sign(options.key ?? privateKey);
  };
  return { issuer, sign, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('single sign-on through an OpenID Connect issuer', () => {
  let api: ApiFixture;
  let idp: Awaited<ReturnType<typeof localIssuer>>;
  let projectId: string;
  let otherProjectId: string;
  beforeAll(async () => {
    idp = await localIssuer();
    // The issuer's tokens carry real expiry times, so this service reads the real clock.
    api = await startApi(undefined, {
      clock: () => new Date(),
      oidc: { issuer: idp.issuer, audience: 'programme-ledger', roleClaim: 'ledger_role', projectsClaim: 'ledger_projects' },
    });
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
    otherProjectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
  });
  afterAll(async () => {
    await api.close();
    await idp.close();
  });
  const withJwt = (jwt: string) => ({
    get: (url: string) => api.raw().get(url).set('Authorization', `Bearer ${jwt}`),
    post: (url: string, body: object) => api.raw().post(url).set('Authorization', `Bearer ${jwt}`).send(body),
  });

  it('accepts a signed-in staff member for her projects, records her as actor, and refuses other projects', async () => {
    const jwt = await idp.sign({ ledger_role: 'staff', ledger_projects: [projectId] });
    const written = await withJwt(jwt)
      .post(`/api/projects/${projectId}/participants`, { person: anna, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' })
      .expect(201);
    const event = (await api.allEvents()).find((e) => e.position === written.body.position)!;
    expect(event.metadata.actor).toBe('oidc:anna@region.se');
    await withJwt(jwt).get(`/api/projects/${otherProjectId}`).expect(403);
    await withJwt(jwt).get('/api/events').expect(403);
  });

  it('refuses tokens for another audience, from another issuer, signed with another key, expired, or without a role', async () => {
    const stranger = (await generateKeyPair('RS256')).privateKey;
    for (const jwt of [
      await idp.sign({ ledger_role: 'admin' }, { audience: 'someone-else' }),
      await idp.sign({ ledger_role: 'admin' }, { issuer: 'http://127.0.0.1:1' }),
      await idp.sign({ ledger_role: 'admin' }, { key: stranger }),
      await idp.sign({ ledger_role: 'admin' }, { expires: new Date('2020-01-01T00:00:00Z') }),
      await idp.sign({}),
      await idp.sign({ ledger_role: 'staff' }),
    ]) {
      const before = (await api.allEvents()).length;
      await withJwt(jwt).post('/api/organisations', { name: 'Obehörig AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' }).expect(401);
      expect((await api.allEvents()).length).toBe(before);
    }
  });

  it('refuses a token without an expiry, one issued in the future, and a subject that would forge a log line', async () => {
    const cases: Array<[Promise<string>, string]> = [
      [idp.sign({ ledger_role: 'admin' }, { expires: null }), 'no expiry'],
      [idp.sign({ ledger_role: 'admin' }, { issuedAt: new Date(Date.now() + 3_600_000), expires: '2h' }), 'issued in the future'],
      [idp.sign({ ledger_role: 'admin' }, { subject: 'x\nforged-log-line' }), 'control characters'],
      [idp.sign({ ledger_role: 'admin' }, { subject: 'anna\u202egnp.exe' }), 'control characters'],
    ];
    for (const [signed, reason] of cases) {
      const before = (await api.allEvents()).length;
      const refused = await withJwt(await signed).post('/api/organisations', { name: 'Obehörig AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' }).expect(401);
      expect(refused.body.message).toContain(reason);
      expect((await api.allEvents()).length).toBe(before);
    }
  });

  it('lets an auditor signed in through the issuer read the log and write nothing', async () => {
    const jwt = await idp.sign({ ledger_role: 'auditor' });
    await withJwt(jwt).get('/api/events?limit=3').expect(200);
    await withJwt(jwt).post('/api/organisations', { name: 'Revisor AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' }).expect(403);
  });

  it('still takes the ledger tokens', async () => {
    await api.raw().get('/api/projects').set('Authorization', `Bearer ${API_KEY}`).expect(200);
  });
});
