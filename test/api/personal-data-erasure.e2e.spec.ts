import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/** Every file under the data directory: event store, key store, idempotency records and their WALs. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function filesContaining(dir: string, needle: Buffer): string[] {
  return filesUnder(dir).filter((file) => readFileSync(file).includes(needle));
}

describe('personal data: encrypted per person, erasable while the statistics stay', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const person = { name: 'Ingrid Kvarnström-Öberg', email: 'ingrid.kvarnstrom@example.se', phone: '+46 70 555 12 34' };

  it('never stores a name, e-mail or phone in plaintext, and after erasure not even the key', async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const registered = await api
      .post(`/api/projects/${project.body.id}/participants`, {
        person,
        gender: 'woman',
        birthYear: 1979,
        role: 'creative',
        registeredOn: '2023-10-02',
      })
      .expect(201);
    const participantId = registered.body.id as string;

    const before = await api.get(`/api/participants/${participantId}`).expect(200);
    expect(before.body.person).toEqual(person);
    for (const value of Object.values(person)) {
      expect(filesContaining(api.dataDir, Buffer.from(value, 'utf8'))).toEqual([]);
    }
    const keysDb = new Database(join(api.dataDir, 'keys.sqlite'), { readonly: true });
    const key = keysDb.prepare('SELECT key FROM person_keys WHERE key_id = ?').pluck().get(participantId) as Buffer;
    keysDb.close();
    expect(key).toHaveLength(32);
    const eventsBefore = await api.allEvents();

    const erased = await api.post(`/api/participants/${participantId}/erasure`, { reason: 'Asked to be forgotten (GDPR art. 17)' });
    expect(erased.status).toBe(200);

    const after = await api.get(`/api/participants/${participantId}`).expect(200);
    expect(after.body).toMatchObject({ id: participantId, erased: true, person: null, gender: 'woman', birthYear: 1979, role: 'creative' });
    expect(filesContaining(api.dataDir, key)).toEqual([]);
    for (const value of Object.values(person)) {
      expect(filesContaining(api.dataDir, Buffer.from(value, 'utf8'))).toEqual([]);
    }

    // The log only grew: the registration is still there (it is what the counts are built on).
    const eventsAfter = await api.allEvents();
    expect(eventsAfter.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(eventsAfter.filter((e) => e.type === 'ParticipantRegistered')).toHaveLength(1);
    const erasure = eventsAfter.find((e) => e.type === 'ParticipantErased')!;
    expect(erasure.metadata).toMatchObject({ reasonCategory: 'other', command: 'EraseParticipant' });
    expect(erasure.metadata).not.toHaveProperty('reason');
    expect(filesContaining(api.dataDir, Buffer.from('Asked to be forgotten'))).toEqual([]);
  });

  it("seals a reason about a person with their key: shown in the history while they are known, shredded by their erasure", async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const registered = await api
      .post(`/api/projects/${project.body.id}/participants`, {
        person: { name: 'Alice Andersson', email: 'alice.andersson@example.se' },
        gender: 'woman',
        role: 'creative',
        registeredOn: '2024-02-01',
      })
      .expect(201);
    const id = registered.body.id as string;
    const correctionReason = 'Alice rang from 0701-234567: born 1990, not 1909';
    const erasureReason = 'Erased on request of Alice (alice.privat@example.org)';
    await api.post(`/api/participants/${id}/corrections`, { birthYear: 1990, reason: correctionReason, reasonCategory: 'data-entry-error' }).expect(200);

    expect(filesContaining(api.dataDir, Buffer.from(correctionReason))).toEqual([]);
    const history = async () => (await api.get(`/api/streams/participant-${id}/events`).expect(200)).body.events as Array<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>;
    const [, correction] = await history();
    expect(correction.data).toMatchObject({ reason: correctionReason, reasonCategory: 'data-entry-error' });
    expect(correction.metadata).toMatchObject({ reasonCategory: 'data-entry-error' });
    expect(correction.metadata).not.toHaveProperty('reason');
    const projectHistory = await api.get(`/api/projects/${project.body.id}/history?type=ParticipantCorrected`).expect(200);
    expect(projectHistory.body.events.map((e: { data: { reason: string } }) => e.data.reason)).toEqual([correctionReason]);

    await api.post(`/api/participants/${id}/erasure`, { reason: erasureReason, reasonCategory: 'data-subject-request' }).expect(200);

    for (const text of [correctionReason, erasureReason, '0701-234567', 'alice.privat@example.org', 'Alice']) {
      expect(filesContaining(api.dataDir, Buffer.from(text))).toEqual([]);
    }
    const after = await history();
    expect(after.map((e) => [e.type, e.data.reasonCategory ?? null, e.data.reason ?? null])).toEqual([
      ['ParticipantRegistered', null, null],
      ['ParticipantCorrected', 'data-entry-error', null],
      ['ParticipantErased', 'data-subject-request', null],
    ]);
    // A statistical correction after the erasure keeps why as a category; the words are not kept at all.
    await api.post(`/api/participants/${id}/corrections`, { role: 'researcher', reason: 'Alice is a researcher now' }).expect(200);
    expect(filesContaining(api.dataDir, Buffer.from('Alice is a researcher now'))).toEqual([]);
    expect((await history()).at(-1)!.data).toMatchObject({ reasonCategory: 'other', reason: null });
  });

  it('refuses a reason category outside the set, naming the field, and writes nothing', async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const registered = await api
      .post(`/api/projects/${project.body.id}/participants`, { person: { name: 'Bo Berg' }, gender: 'man', role: 'student', registeredOn: '2024-01-15' })
      .expect(201);
    const count = (await api.allEvents()).length;
    const response = await api.post(`/api/participants/${registered.body.id}/erasure`, { reason: 'Asked', reasonCategory: 'because' }).expect(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: 'reasonCategory', rule: 'isIn' })]);
    expect((await api.allEvents()).length).toBe(count);
  });

  it('refuses to erase twice or to correct an erased person, writing nothing', async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const registered = await api
      .post(`/api/projects/${project.body.id}/participants`, { person: { name: 'Per Persson' }, gender: 'man', role: 'student', registeredOn: '2024-01-15' })
      .expect(201);
    const id = registered.body.id as string;
    await api.post(`/api/participants/${id}/erasure`, { reason: 'Requested' }).expect(200);
    const count = (await api.allEvents()).length;

    const again = await api.post(`/api/participants/${id}/erasure`, { reason: 'Requested again' });
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/already been erased/);
    const correction = await api.post(`/api/participants/${id}/corrections`, { person: { name: 'Per Persson' }, reason: 'Typo' });
    expect(correction.status).toBe(422);
    expect(correction.body.message).toMatch(/erased/);
    expect((await api.allEvents()).length).toBe(count);
    expect(filesContaining(api.dataDir, Buffer.from('Per Persson'))).toEqual([]);

    // Statistical fields may still be corrected: the counts must stay right.
    await api.post(`/api/participants/${id}/corrections`, { role: 'researcher', reason: 'Was a PhD student' }).expect(200);
    expect((await api.get(`/api/participants/${id}`)).body).toMatchObject({ role: 'researcher', erased: true, person: null });
  });

  it('a registration refused by a rule leaves no key behind', async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const refused = await api.post(`/api/projects/${project.body.id}/participants`, {
      person: { name: 'Too Early' },
      gender: 'man',
      role: 'other',
      registeredOn: '2022-06-01',
    });
    expect(refused.status).toBe(422);
    const keysDb = new Database(join(api.dataDir, 'keys.sqlite'), { readonly: true });
    // Grant holders' names have keys of their own (one per grant, `accessToken-<id>`): count the participants' only.
    const keys = keysDb.prepare("SELECT count(*) FROM person_keys WHERE key_id NOT LIKE 'accessToken-%'").pluck().get() as number;
    keysDb.close();
    const events = await api.allEvents();
    const registered = events.filter((e) => e.type === 'ParticipantRegistered').length;
    const erased = events.filter((e) => e.type === 'ParticipantErased').length;
    expect(keys).toBe(registered - erased);
  });
});
