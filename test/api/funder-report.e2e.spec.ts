import ExcelJS from 'exceljs';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

interface Row {
  code: string;
  name: string;
  unit: string;
  rule: string;
  target: number | null;
  baseline: number | null;
  previouslyReported: number;
  thisReport: number;
  cumulative: number;
  breakdown: Array<{ dimension: string; category: string; previouslyReported: number; thisReport: number; cumulative: number }>;
}
interface FunderReport {
  reportId: string;
  previousReport: { reportId: string; position: number } | null;
  position: number;
  digest: string;
  indicators: Row[];
}

/**
 * A project reports twice to its funder (Jems: target, previously reported, this report, cumulative). The
 * second report continues from what the first one said, counts an enterprise supported in both periods once,
 * and comes out the same however often, and however much later, it is produced.
 */
describe('the funder report layout', () => {
  let api: ApiFixture;
  let projectId: string;
  let first: string;
  let second: string;
  let last = 0;
  const enterprises: Record<string, string> = {};

  const write = async (url: string, body: unknown, status = 201) => {
    const response = await api.post(url, body).expect(status);
    last = response.body.position;
    return response.body.id as string;
  };
  const participant = (name: string, gender: string, registeredOn: string) =>
    write(`/api/projects/${projectId}/participants`, { person: { name }, gender, role: 'creative', registeredOn });
  const support = (name: string, date: string) =>
    write(`/api/projects/${projectId}/support`, { organisationId: enterprises[name], kind: 'non-financial', date });
  const funderReport = async (reportId: string, query = '') =>
    (await api.get(`/api/reports/${reportId}/funder-report${query}`).expect(200)).body as FunderReport & { language: string };
  const row = (report: FunderReport, code: string) => report.indicators.find((i) => i.code === code)!;
  const xlsx = async (reportId: string, lang: string) => {
    const response = await api
      .get(`/api/reports/${reportId}/funder-report?format=xlsx&lang=${lang}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as never);
    return workbook;
  };

  beforeAll(async () => {
    api = await startApi();
    projectId = await write('/api/projects', { ...crossInnovation, countries: ['SE', 'NO'] });
    await write(`/api/projects/${projectId}/targets`, { code: 'RCO01', target: 10, baseline: 0 }, 200);
    for (const [name, sizeClass] of [
      ['Åkesson Design AB', 'micro'],
      ['Öresund Verkstad AB', 'small'],
      ['Karlshamn Havsbruk AB', 'medium'],
    ] as const) {
      enterprises[name] = await write('/api/organisations', { name, country: 'SE', type: 'enterprise', sizeClass });
    }
    const meeting = await write(`/api/projects/${projectId}/activities`, {
      name: 'Gränslöst möte Halden-Strömstad',
      format: 'workshop',
      crossBorder: true,
      startDate: '2024-03-01',
      endDate: '2024-09-30',
    });

    // First period, 2024 H1: two enterprises supported, two participants, two participations across the border.
    const anna = await participant('Anna', 'woman', '2024-01-15');
    const bo = await participant('Bo', 'man', '2024-02-10');
    await support('Åkesson Design AB', '2024-02-01');
    await support('Öresund Verkstad AB', '2024-03-01');
    await write(`/api/activities/${meeting}/attendance`, { participantId: anna, date: '2024-03-01' }, 200);
    await write(`/api/activities/${meeting}/attendance`, { participantId: bo, date: '2024-03-01' }, 200);
    first = (await api.post(`/api/projects/${projectId}/reports`, { label: 'Lägesrapport 2024 H1', from: '2024-01-01', to: '2024-06-30', minPosition: last }).expect(201)).body.id;

    // Recorded after the first report, dated in its period: new since that report, never rewriting what it said.
    await participant('Cecilia', 'woman', '2024-05-02');
    // Second period, 2024 H2: Öresund Verkstad supported again (counted once), Karlshamn Havsbruk new.
    await participant('Dan', 'man', '2024-08-01');
    await support('Öresund Verkstad AB', '2024-08-01');
    await support('Karlshamn Havsbruk AB', '2024-09-01');
    await write(`/api/activities/${meeting}/attendance`, { participantId: anna, date: '2024-08-15' }, 200);
    second = (await api.post(`/api/projects/${projectId}/reports`, { label: 'Lägesrapport 2024 H2', from: '2024-07-01', to: '2024-12-31', minPosition: last }).expect(201)).body.id;
  });
  afterAll(() => api.close());

  it("shows the first report's cumulative values as the second report's \"previously reported\"", async () => {
    const h1 = await funderReport(first);
    const h2 = await funderReport(second);
    expect(h1.previousReport).toBeNull();
    expect(h2.previousReport).toMatchObject({ reportId: first, position: h1.position });
    expect(h2.indicators.map((i) => i.code)).toEqual(h1.indicators.map((i) => i.code));
    for (const indicator of h2.indicators) {
      expect([indicator.code, indicator.previouslyReported]).toEqual([indicator.code, row(h1, indicator.code).cumulative]);
      const before = new Map(row(h1, indicator.code).breakdown.map((b) => [`${b.dimension}/${b.category}`, b.cumulative]));
      for (const b of indicator.breakdown) expect([indicator.code, b.category, b.previouslyReported]).toEqual([indicator.code, b.category, before.get(`${b.dimension}/${b.category}`) ?? 0]);
    }
    expect(row(h1, 'participants')).toMatchObject({ previouslyReported: 0, thisReport: 2, cumulative: 2 });
    // Cecilia, recorded late for H1, is new in the second report: the first one said 2, and that stays what it said.
    expect(row(h2, 'participants')).toMatchObject({ rule: 'distinct-new', previouslyReported: 2, thisReport: 2, cumulative: 4 });
  });

  it('counts an enterprise supported in both periods once: cumulative is distinct, this report only the new ones', async () => {
    const h2 = await funderReport(second);
    const stated = (await api.get(`/api/reports/${second}`).expect(200)).body.figures.indicators.find((i: { code: string }) => i.code === 'RCO01');
    // The second period on its own reached two enterprises (one of them already counted): summing periods would say 4.
    expect(stated.value).toBe(2);
    expect(row(h2, 'RCO01')).toMatchObject({ rule: 'distinct-new', target: 10, baseline: 0, previouslyReported: 2, thisReport: 1, cumulative: 3 });
    expect(row(h2, 'RCO01').breakdown.filter((b) => b.cumulative > 0 || b.previouslyReported > 0)).toEqual([
      { dimension: 'sizeClass', category: 'micro', previouslyReported: 1, thisReport: 0, cumulative: 1 },
      { dimension: 'sizeClass', category: 'small', previouslyReported: 1, thisReport: 0, cumulative: 1 },
      { dimension: 'sizeClass', category: 'medium', previouslyReported: 0, thisReport: 1, cumulative: 1 },
    ]);
    // Participations add up: this report is the period's own value.
    expect(row(h2, 'RCO81')).toMatchObject({ rule: 'period-value', previouslyReported: 2, thisReport: 1, cumulative: 3 });
  });

  it('gives the same document and digest whenever it is produced, later events and later reports notwithstanding', async () => {
    const firstBefore = await funderReport(first);
    const once = await funderReport(second);
    const twice = await funderReport(second);
    expect(twice).toEqual(once);
    expect(once.digest).toMatch(/^[0-9a-f]{64}$/);

    await participant('Eva', 'woman', '2024-04-01');
    await support('Karlshamn Havsbruk AB', '2024-05-01');
    await write(`/api/projects/${projectId}/targets`, { code: 'RCO01', target: 20, baseline: 1 }, 200);
    await api.post(`/api/projects/${projectId}/reports`, { label: 'Rättad rapport 2024 H1', from: '2024-01-01', to: '2024-06-30', minPosition: last }).expect(201);

    const later = await funderReport(second);
    expect(later).toEqual(once);
    // A corrected H1 submitted after the second report does not become its previous report, nor changes the first.
    expect(await funderReport(first)).toEqual(firstBefore);
    const today = (await api.get(`/api/projects/${projectId}/indicators?to=2024-12-31&minPosition=${last}`).expect(200)).body.indicators;
    expect(today.find((i: { code: string }) => i.code === 'RCO01').target).toBe(20);
  });

  it('names indicators in Swedish with lang=sv, with the same figures and digest', async () => {
    const en = await funderReport(second);
    const sv = await funderReport(second, '?lang=sv');
    expect(sv.language).toBe('sv');
    expect(row(sv, 'RCO01').name).toBe('Företag som får stöd (varav mikroföretag, små, medelstora, stora)');
    expect(row(sv, 'participants')).toMatchObject({ name: 'Deltagare', unit: 'personer' });
    expect(row(en, 'participants')).toMatchObject({ name: 'Participants', unit: 'persons' });
    expect(sv.digest).toBe(en.digest);
    expect(sv.indicators.map(({ name: _, unit: __, ...figures }) => figures)).toEqual(en.indicators.map(({ name: _, unit: __, ...figures }) => figures));
  });

  it('parses back from XLSX with the same numbers and the digest in a cell, headers per language', async () => {
    const json = await funderReport(second);
    for (const lang of ['en', 'sv'] as const) {
      const workbook = await xlsx(second, lang);
      const [indicators, breakdowns, facts] = workbook.worksheets;
      expect(indicators.name).toBe(lang === 'sv' ? 'Indikatorer' : 'Indicators');
      const header = (indicators.getRow(1).values as unknown[]).slice(1);
      expect(header).toEqual(
        lang === 'sv'
          ? ['Kod', 'Indikator', 'Enhet', 'Målvärde', 'Utgångsvärde', 'Tidigare rapporterat', 'Denna rapport', 'Ackumulerat', 'Denna rapport avser']
          : ['Code', 'Indicator', 'Unit', 'Target', 'Baseline', 'Previously reported', 'This report', 'Cumulative', 'This report is'],
      );
      const rows = new Map<string, unknown[]>();
      indicators.eachRow((r, n) => {
        if (n > 1) rows.set(String(r.getCell(1).value), (r.values as unknown[]).slice(1));
      });
      expect(rows.size).toBe(json.indicators.length);
      for (const i of json.indicators) {
        expect(rows.get(i.code)!.slice(3, 8)).toEqual([i.target ?? undefined, i.baseline ?? undefined, i.previouslyReported, i.thisReport, i.cumulative]);
      }
      expect(rows.get('RCO01')![1]).toBe(lang === 'sv' ? 'Företag som får stöd (varav mikroföretag, små, medelstora, stora)' : 'Enterprises supported (of which: micro, small, medium, large)');
      const medium: unknown[] = [];
      breakdowns.eachRow((r) => {
        if (r.getCell(1).value === 'RCO01' && r.getCell(4).value === 'medium') medium.push(...(r.values as unknown[]).slice(5));
      });
      expect(medium).toEqual([0, 1, 1]);
      const digestColumn = (facts.getRow(1).values as unknown[]).findIndex((h) => String(h).startsWith(lang === 'sv' ? 'Kontrollsumma' : 'Digest'));
      expect(facts.getRow(2).getCell(digestColumn).value).toBe(json.digest);
    }
  });

  it('states the rule per indicator in the catalogue', async () => {
    const catalogue = (await api.get('/api/indicators/catalogue').expect(200)).body as Array<{ code: string; funderReport: { rule: string; text: string } }>;
    expect(catalogue.find((i) => i.code === 'RCO01')!.funderReport).toMatchObject({ rule: 'distinct-new', text: expect.stringContaining('never a sum of periods') });
    expect(catalogue.find((i) => i.code === 'RCO81')!.funderReport.rule).toBe('period-value');
    expect(catalogue.every((i) => ['distinct-new', 'period-value'].includes(i.funderReport.rule))).toBe(true);
  });

  it('answers 404 for an unknown report and 400 naming the field for a bad format or language', async () => {
    await api.get('/api/reports/00000000-0000-4000-8000-000000000000/funder-report').expect(404);
    const format = await api.get(`/api/reports/${second}/funder-report?format=pdf`).expect(400);
    expect(format.body.problems).toEqual([expect.objectContaining({ field: 'format' })]);
    const lang = await api.get(`/api/reports/${second}/funder-report?lang=de`).expect(400);
    expect(lang.body.problems).toEqual([expect.objectContaining({ field: 'lang' })]);
  });
});
