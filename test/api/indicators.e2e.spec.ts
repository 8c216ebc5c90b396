import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * What a project manager does before a progress report: record, then open the indicators for the period
 * straight away (minPosition makes the answer include what she just wrote).
 */
describe('indicators and lists over HTTP', () => {
  let api: ApiFixture;
  let projectId: string;
  let otherProjectId: string;
  let labId: string;
  const organisations: Record<string, string> = {};
  const participants: string[] = [];
  let last = 0;

  const write = async (url: string, body: unknown, status = 201) => {
    const response = await api.post(url, body).expect(status);
    last = response.body.position;
    return response.body.id as string;
  };

  beforeAll(async () => {
    api = await startApi();
    projectId = await write('/api/projects', crossInnovation);
    otherProjectId = await write('/api/projects', {
      ...crossInnovation,
      name: 'Gränsløs innovasjon Jämtland-Trøndelag',
      fund: 'Interreg',
      countries: ['SE', 'NO'],
    });
    for (const [name, sizeClass] of [
      ['Åkesson Design AB', 'micro'],
      ['Öresund Verkstad AB', 'small'],
      ['Ystad Stål AB', 'large'],
    ] as const) {
      organisations[name] = await write('/api/organisations', { name, country: 'SE', type: 'enterprise', sizeClass });
    }
    labId = await write(`/api/projects/${projectId}/labs`, {
      name: 'Lab: cirkulära material',
      theme: 'Cirkulär ekonomi',
      startDate: '2024-02-01',
      endDate: '2024-06-30',
    });
    for (const [gender, registeredOn] of [
      ['woman', '2024-01-15'],
      ['woman', '2024-02-10'],
      ['man', '2024-03-01'],
      ['not-stated', '2024-07-01'],
    ] as const) {
      participants.push(
        await write(`/api/projects/${projectId}/participants`, {
          person: { name: `Deltagare ${participants.length + 1}`, email: `d${participants.length + 1}@example.se` },
          gender,
          role: 'creative',
          registeredOn,
        }),
      );
    }
    await write(`/api/labs/${labId}/companies`, { organisationId: organisations['Åkesson Design AB'], admittedOn: '2024-02-01' }, 200);
    await write(`/api/labs/${labId}/creatives`, { participantId: participants[0], admittedOn: '2024-02-01' }, 200);
    await write(`/api/projects/${projectId}/support`, {
      organisationId: organisations['Åkesson Design AB'],
      kind: 'grant',
      date: '2024-03-15',
      amountEur: 5000,
    });
    await write(`/api/projects/${projectId}/support`, {
      organisationId: organisations['Öresund Verkstad AB'],
      kind: 'voucher',
      date: '2024-08-15',
      amountEur: 2000,
    });
    await write(`/api/projects/${otherProjectId}/support`, {
      organisationId: organisations['Öresund Verkstad AB'],
      kind: 'non-financial',
      date: '2024-04-01',
    });
    await write(`/api/projects/${projectId}/support`, {
      organisationId: organisations['Ystad Stål AB'],
      kind: 'non-financial',
      date: '2024-04-01',
    });
    await write(`/api/projects/${projectId}/targets`, { code: 'participants', target: 40, baseline: 0 }, 200);
  });
  afterAll(() => api.close());

  const figure = (body: { indicators: Array<{ code: string }> }, code: string) =>
    body.indicators.find((i) => i.code === code) as unknown as { value: number; breakdown: Record<string, Record<string, number>>; target: number | null };

  it('answers a project\'s indicators for a period, including the writes just made (minPosition)', async () => {
    const response = await api.get(`/api/projects/${projectId}/indicators?from=2024-01-01&to=2024-06-30&minPosition=${last}`).expect(200);
    expect(response.body).toMatchObject({ projectId, period: { from: '2024-01-01', to: '2024-06-30' } });
    expect(response.body.position).toBeGreaterThanOrEqual(last);
    expect(figure(response.body, 'participants')).toMatchObject({
      value: 3,
      breakdown: { gender: { woman: 2, man: 1, another: 0, 'not-stated': 0 } },
      target: 40,
    });
    // The voucher of August lies outside the period; the large enterprise is not an SME.
    expect(figure(response.body, 'smes-reached')).toMatchObject({ value: 1, breakdown: { sizeClass: { micro: 1, small: 0, medium: 0 } } });
    expect(figure(response.body, 'RCO01')).toMatchObject({ value: 2, breakdown: { sizeClass: { micro: 1, small: 0, medium: 0, large: 1 } } });
    expect(figure(response.body, 'activities').breakdown.format.lab).toBe(1);
    expect(response.body.indicators.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(['RCO02', 'RCO04', 'RCO07', 'RCO10', 'RCO81', 'RCO83', 'RCO84', 'RCO87', 'RCO115', 'RCO116', 'RCR03', 'RCR04', 'RCR79', 'RCR104']),
    );
  });

  it('without a period counts the whole project', async () => {
    const response = await api.get(`/api/projects/${projectId}/indicators`).expect(200);
    expect(response.body.period).toEqual({ from: null, to: null });
    expect(figure(response.body, 'participants').value).toBe(4);
    expect(figure(response.body, 'smes-reached').value).toBe(2);
  });

  it('across projects counts an enterprise once, and filters by fund and country', async () => {
    const all = await api.get(`/api/indicators?minPosition=${last}`).expect(200);
    // Öresund Verkstad got support in both projects: one enterprise.
    expect(figure(all.body, 'smes-reached')).toMatchObject({ value: 2, breakdown: { sizeClass: { micro: 1, small: 1, medium: 0 } } });
    const interreg = await api.get('/api/indicators?fund=Interreg').expect(200);
    expect(figure(interreg.body, 'smes-reached').value).toBe(1);
    const norway = await api.get('/api/indicators?country=NO').expect(200);
    expect(figure(norway.body, 'participants').value).toBe(0);
    expect(figure(norway.body, 'RCO04').value).toBe(1);
  });

  it('gives names in Swedish on request', async () => {
    const response = await api.get(`/api/projects/${projectId}/indicators?lang=sv`).expect(200);
    expect(response.body.indicators.find((i: { code: string }) => i.code === 'participants')).toMatchObject({ name: 'Deltagare', unit: 'personer' });
  });

  it('exports CSV that Excel opens with å, ä and ö intact', async () => {
    const response = await api.get(`/api/projects/${projectId}/indicators.csv?from=2024-01-01`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers['content-disposition']).toContain(`indicators-${projectId}-from-2024-01-01.csv`);
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('code;name;namn;unit;dimension;category;value;target;baseline;from;to;position');
    expect(lines).toContain(`smes-reached;SMEs reached;Små och medelstora företag som nåtts;enterprises;;;2;;;2024-01-01;;${lines[1].split(';')[11]}`);
    expect(lines.some((l) => l.startsWith('participants;Participants;Deltagare;persons;gender;woman;2;'))).toBe(true);
    const programme = await api.get('/api/indicators.csv?fund=ERDF').expect(200);
    // A name holding a comma is quoted: English-locale Excel splits on commas.
    expect(programme.text).toContain('RCO01;"Enterprises supported (of which: micro, small, medium, large)"');
  });

  it('refuses a bad period or unknown filter with a 400 naming the field, and an unknown project with 404', async () => {
    const reversed = await api.get(`/api/projects/${projectId}/indicators?from=2024-06-30&to=2024-01-01`).expect(400);
    expect(reversed.body.problems).toEqual([expect.objectContaining({ field: 'to', rule: 'notBeforeFrom' })]);
    const badDate = await api.get(`/api/projects/${projectId}/indicators?from=2024-02-30`).expect(400);
    expect(badDate.body.problems[0]).toMatchObject({ field: 'from', rule: 'isIsoDate' });
    const unknown = await api.get(`/api/indicators?colour=blue`).expect(400);
    expect(unknown.body.problems[0]).toMatchObject({ field: 'colour', rule: 'unknownField' });
    const fund = await api.get(`/api/indicators?fund=Marshall`).expect(400);
    expect(fund.body.problems[0]).toMatchObject({ field: 'fund', rule: 'isIn' });
    const position = await api.get(`/api/indicators?minPosition=-1`).expect(400);
    expect(position.body.problems[0]).toMatchObject({ field: 'minPosition' });
    await api.get('/api/projects/6f1c2a4e-0000-4000-8000-000000000000/indicators').expect(404);
    await api.raw().get(`/api/projects/${projectId}/indicators`).expect(401);
  });

  it('answers 503 with Retry-After when the read models do not reach minPosition in time', async () => {
    const response = await api.get(`/api/indicators?minPosition=${last + 1_000_000}`);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.message).toMatch(/not yet minPosition/);
  }, 20_000);

  it('lists participants paged and filtered, decrypting names for the page; an erased person shows as erased', async () => {
    const erased = await api.post(`/api/participants/${participants[2]}/erasure`, { reason: 'Asked to be forgotten (GDPR art. 17)' }).expect(200);
    const page = await api.get(`/api/projects/${projectId}/participants?limit=2&minPosition=${erased.body.position}`).expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).toMatchObject({ id: participants[0], gender: 'woman', role: 'creative', erased: false, person: { name: 'Deltagare 1' } });
    const next = await api.get(`/api/projects/${projectId}/participants?limit=2&offset=2`).expect(200);
    expect(next.body.items[0]).toMatchObject({ id: participants[2], erased: true, person: null });
    const women = await api.get(`/api/projects/${projectId}/participants?gender=woman`).expect(200);
    expect(women.body.total).toBe(2);
    const inLab = await api.get(`/api/projects/${projectId}/participants?activityId=${labId}`).expect(200);
    expect(inLab.body.items.map((p: { id: string }) => p.id)).toEqual([participants[0]]);
    // Erasure leaves the statistics: still four participants.
    const figures = await api.get(`/api/projects/${projectId}/indicators`).expect(200);
    expect(figure(figures.body, 'participants').value).toBe(4);
    await api.get(`/api/projects/${projectId}/participants?limit=501`).expect(400);
  });

  it('lists projects, organisations and activities with filters', async () => {
    const projects = await api.get('/api/projects?fund=Interreg').expect(200);
    expect(projects.body.items.map((p: { id: string }) => p.id)).toEqual([otherProjectId]);
    expect(projects.body.items[0].countries).toEqual(['SE', 'NO']);
    const named = await api.get('/api/projects?name=cross').expect(200);
    expect(named.body.total).toBe(1);
    const small = await api.get('/api/organisations?sizeClass=small').expect(200);
    expect(small.body.items.map((o: { name: string }) => o.name)).toEqual(['Öresund Verkstad AB']);
    const byName = await api.get(`/api/organisations?name=${encodeURIComponent('åkesson')}`).expect(200);
    expect(byName.body.total).toBe(1);
    const activities = await api.get(`/api/projects/${projectId}/activities?format=lab`).expect(200);
    expect(activities.body.items[0]).toMatchObject({ id: labId, format: 'lab', companies: 1, creatives: 1, status: 'open' });
    await api.get('/api/organisations?type=spaceship').expect(400);
    await api.get('/api/projects/6f1c2a4e-0000-4000-8000-000000000000/activities').expect(404);
  });

  it('lists outcomes (retracted ones marked) and pilot cases', async () => {
    const outcome = await write(`/api/projects/${projectId}/outcomes`, {
      kind: 'product-innovation',
      organisationId: organisations['Åkesson Design AB'],
      date: '2024-05-01',
      description: 'Ny produktlinje i återvunnet glas',
    });
    const retracted = await api.post(`/api/outcomes/${outcome}/retraction`, { reason: 'Recorded on the wrong company' }).expect(200);
    const outcomes = await api.get(`/api/projects/${projectId}/outcomes?minPosition=${retracted.body.position}`).expect(200);
    expect(outcomes.body.items).toEqual([expect.objectContaining({ id: outcome, retracted: true, retractionReason: 'Recorded on the wrong company' })]);
    const standing = await api.get(`/api/projects/${projectId}/outcomes?retracted=false`).expect(200);
    expect(standing.body.total).toBe(0);
    const figures = await api.get(`/api/projects/${projectId}/indicators`).expect(200);
    expect(figure(figures.body, 'RCR03').value).toBe(0);

    const pilot = await write(`/api/projects/${projectId}/pilot-cases`, {
      title: 'Pilotfall: glasåtervinning i Ystad',
      organisationIds: [organisations['Åkesson Design AB'], organisations['Ystad Stål AB']],
      startDate: '2024-05-01',
    });
    const pilots = await api.get(`/api/projects/${projectId}/pilot-cases?status=started&minPosition=${last}`).expect(200);
    expect(pilots.body.items).toEqual([expect.objectContaining({ id: pilot, status: 'started', organisationIds: expect.arrayContaining([organisations['Ystad Stål AB']]) })]);
    const done = await api.get(`/api/projects/${projectId}/pilot-cases?status=completed`).expect(200);
    expect(done.body.total).toBe(0);
  });

  it("lists who attended an activity and how many attendances it has, in the JSON list and the export", async () => {
    const meeting = await write(`/api/projects/${projectId}/activities`, {
      name: 'Nätverksträff: cirkulär design',
      format: 'workshop',
      crossBorder: false,
      startDate: '2024-03-01',
      endDate: '2024-03-31',
    });
    for (const [participant, date] of [
      [participants[1], '2024-03-05'],
      [participants[1], '2024-03-12'],
      [participants[3], '2024-03-12'],
    ] as const) {
      await write(`/api/activities/${meeting}/attendance`, { participantId: participant, date }, 200);
    }
    // A lab's list names its admitted creatives and whoever attended it.
    await write(`/api/activities/${labId}/attendance`, { participantId: participants[2], date: '2024-03-20' }, 200);

    const attended = await api.get(`/api/projects/${projectId}/participants?activityId=${meeting}&minPosition=${last}`).expect(200);
    expect(attended.body.items.map((p: { id: string }) => p.id)).toEqual([participants[1], participants[3]]);
    const inLab = await api.get(`/api/projects/${projectId}/participants?activityId=${labId}`).expect(200);
    expect(inLab.body.items.map((p: { id: string }) => p.id)).toEqual([participants[0], participants[2]]);
    const exported = await api.get(`/api/projects/${projectId}/participants.csv?activityId=${meeting}`).expect(200);
    const lines = exported.text.trim().split(/\r?\n/).slice(1);
    expect(lines.map((line: string) => line.split(';')[0])).toEqual([participants[1], participants[3]]);

    const activities = await api.get(`/api/projects/${projectId}/activities`).expect(200);
    const counts = Object.fromEntries(activities.body.items.map((a: { id: string; attendances: number }) => [a.id, a.attendances]));
    expect(counts).toEqual({ [labId]: 1, [meeting]: 3 });
  });

  it('publishes the catalogue with both languages and the counting rules', async () => {
    const catalogue = await api.get('/api/indicators/catalogue').expect(200);
    expect(catalogue.body.find((d: { code: string }) => d.code === 'RCO01')).toMatchObject({
      name: { en: expect.any(String), sv: expect.stringContaining('Företag') },
      unit: { en: 'enterprises', sv: 'företag' },
      rule: expect.stringContaining('once'),
      breakdowns: [{ dimension: 'sizeClass', categories: ['micro', 'small', 'medium', 'large'] }],
    });
  });
});
