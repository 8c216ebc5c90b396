import { randomUUID } from 'node:crypto';
import { API_KEY, crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

const organisation = (name: string, id?: string) => ({ ...(id ? { id } : {}), name, country: 'SE', type: 'enterprise', sizeClass: 'micro' });
const person = { name: 'Åsa Öberg', email: 'asa@example.se' };

describe('input at the edge of the API', () => {
  let api: ApiFixture;
  let projectId: string;
  let otherProjectId: string;
  let staffToken: string;
  beforeAll(async () => {
    api = await startApi();
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
    otherProjectId = (await api.post('/api/projects', { ...crossInnovation, name: 'Interreg Sverige-Norge: Gränslöst' }).expect(201)).body.id;
    staffToken = (await api.post('/api/access/tokens', { name: 'Anna', role: 'staff', projectIds: [projectId] }).expect(201)).body.token;
  });
  afterAll(() => api.close());
  const asStaff = (url: string) => api.raw().get(url).set('Authorization', `Bearer ${staffToken}`);
  const eventCount = async () => (await api.allEvents()).length;

  describe('ids are case-insensitive', () => {
    it('an upper-case twin of an existing id is the same entity: 409 on create, found by either case', async () => {
      const id = randomUUID();
      await api.post('/api/organisations', organisation('Karlshamns Kreativa AB', id)).expect(201);
      const before = await eventCount();
      const twin = await api.post('/api/organisations', organisation('Karlshamns Kreativa AB', id.toUpperCase())).expect(409);
      expect(twin.body.message).toContain(id);
      expect(await eventCount()).toBe(before);
      const found = await api.get(`/api/organisations/${id.toUpperCase()}`).expect(200);
      expect(found.body.id).toBe(id);
    });

    it('an id created in upper case is stored in lower case', async () => {
      const id = randomUUID();
      const created = await api.post('/api/organisations', organisation('Ronneby Design AB', id.toUpperCase())).expect(201);
      expect(created.body.id).toBe(id);
      expect(created.body.streamName).toBe(`organisation-${id}`);
    });

    it('ids in the query and in stream names are canonical too', async () => {
      await api.post(`/api/projects/${projectId}/participants`, { person, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' }).expect(201);
      const lower = await api.get(`/api/projects/${projectId}/participants`).expect(200);
      const upper = await api.get(`/api/projects/${projectId.toUpperCase()}/participants`).expect(200);
      expect(upper.body.total).toBe(lower.body.total);
      const stream = await api.get(`/api/streams/project-${projectId.toUpperCase()}/events`).expect(200);
      expect(JSON.stringify(stream.body)).toContain(projectId);
      const events = await api.get(`/api/events?stream=project-${projectId.toUpperCase()}`).expect(200);
      expect(events.body.events.length).toBeGreaterThan(0);
    });

    it("an upper-case id does not slip past the project check", async () => {
      await asStaff(`/api/projects/${otherProjectId.toUpperCase()}`).expect(403);
      await asStaff(`/api/projects/${otherProjectId.toUpperCase()}/participants`).expect(403);
    });
  });

  describe('text', () => {
    it('is normalised to NFC: a name typed with a + combining ring is found by a search for å', async () => {
      const decomposed = 'Ka\u030Arlsro Ma\u0308rkesbyra\u030A AB';
      await api.post('/api/organisations', organisation(decomposed)).expect(201);
      await api.post('/api/projects', { ...crossInnovation, name: 'A\u030Aterbruk i Blekinge' }).expect(201);
      const organisations = await api.get(`/api/organisations?name=${encodeURIComponent('kårlsro märkesbyrå')}`).expect(200);
      expect(organisations.body.items.map((o: { name: string }) => o.name)).toEqual(['Kårlsro Märkesbyrå AB']);
      // and the other way round: a decomposed search finds a composed name
      const projects = await api.get(`/api/projects?name=${encodeURIComponent('a\u030Aterbruk')}`).expect(200);
      expect(projects.body.items.map((p: { name: string }) => p.name)).toEqual(['Återbruk i Blekinge']);
    });

    it.each([
      ['NUL', 'Nul\u0000AB'],
      ['a right-to-left override', 'Evil\u202Egnp.exe AB'],
      ['a left-to-right isolate', 'Isolate\u2066AB'],
      ['a line break', 'Two\nLines AB'],
      ['an escape character', 'Bell\u001b[31m AB'],
    ])('refuses %s in a name with a 400 naming the field and rule, writing nothing', async (_, name) => {
      const before = await eventCount();
      const response = await api.post('/api/organisations', organisation(name)).expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ field: 'name', rule: 'noControlCharacters' })]);
      expect(await eventCount()).toBe(before);
    });

    it("refuses control characters in a person's name, naming the nested field", async () => {
      const before = await eventCount();
      const response = await api
        .post(`/api/projects/${projectId}/participants`, { person: { name: 'Anna\u202E', email: 'a@example.se' }, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' })
        .expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ field: 'person.name', rule: 'noControlCharacters' })]);
      expect(await eventCount()).toBe(before);
    });

    it('keeps line breaks in free text, where they belong', async () => {
      const outcome = { kind: 'product-innovation', description: 'A wave-powered buoy.\nTested in Karlshamn harbour.', date: '2024-03-01' };
      const { id } = (await api.post(`/api/projects/${projectId}/outcomes`, outcome).expect(201)).body;
      expect((await api.get(`/api/outcomes/${id}`).expect(200)).body.description).toBe(outcome.description);
    });
  });

  it('answers a 403 that says only that the caller has no access', async () => {
    const refused = await asStaff(`/api/projects/${otherProjectId}`).expect(403);
    expect(refused.body.message).toBe('You have no access to this');
    expect(JSON.stringify(refused.body)).not.toContain(otherProjectId);
  });

  it('takes the Authorization scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      await api.raw().get('/api/projects').set('Authorization', `${scheme} ${API_KEY}`).expect(200);
    }
  });

  it.each([
    ['application/x-www-form-urlencoded', 'name=Formul%C3%A4r+AB&country=SE&type=enterprise&sizeClass=micro'],
    ['text/plain', JSON.stringify(organisation('Text AB'))],
    ['application/xml', '<organisation><name>XML AB</name></organisation>'],
  ])('refuses a %s body on a write route with a 415 naming what is accepted, writing nothing', async (type, body) => {
    const before = await eventCount();
    const response = await api.raw().post('/api/organisations').set('Authorization', `Bearer ${API_KEY}`).set('Content-Type', type).send(body).expect(415);
    expect(response.body.message).toContain('application/json');
    expect(await eventCount()).toBe(before);
  });

  it('still takes JSON with a charset, and body-less writes', async () => {
    await api.raw().post('/api/organisations').set('Authorization', `Bearer ${API_KEY}`).set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(organisation('Charset AB'))).expect(201);
  });
});
