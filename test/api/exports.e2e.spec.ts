import ExcelJS from 'exceljs';
import request from 'supertest';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * What a project manager sends the funder: the figures and the lists as spreadsheets that open in Excel, whose
 * numbers are numbers and dates dates, in Swedish when asked, and in which nothing anyone typed can run as a formula.
 */
describe('exports: XLSX beside every CSV, and the lists funders ask for', () => {
  let api: ApiFixture;
  let projectId: string;
  let otherProjectId: string;
  let hostileProjectId: string;
  let hostileReportId: string;
  let viewerToken: string;
  let last = 0;
  const organisations: Record<string, string> = {};
  /** What people type into names, and what must never run as a formula in a file. */
  const HOSTILE = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', 'Acme,=1+1'];
  const FORMULA_START = /^[=+\-@\t\r]/;
  /** How a typed text shows in a file: with the apostrophe that neutralises it, when it would start a formula. */
  const shown = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);
  /** A project, and the reports of it, named as hostilely as organisations and people. */
  const HOSTILE_PROJECT = '+Hav,=1+1';
  const HOSTILE_LABELS = ['=HYPERLINK("http://x","report")', '@SUM(A1),-2'];

  const write = async (url: string, body: unknown, status = 201) => {
    const response = await api.post(url, body).expect(status);
    last = response.body.position;
    return response.body.id as string;
  };

  const binary = (test: request.Test) =>
    test.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  async function xlsx(url: string, token?: string) {
    const test = token ? api.raw().get(url).set('Authorization', `Bearer ${token}`) : api.get(url);
    const response = await binary(test).expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as never);
    return { workbook, disposition: response.headers['content-disposition'] as string };
  }

  /** A sheet as objects keyed by its header row. */
  function records(sheet: ExcelJS.Worksheet): Array<Record<string, ExcelJS.Cell>> {
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Array<Record<string, ExcelJS.Cell>> = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      rows.push(Object.fromEntries(headers.map((header, index) => [header, row.getCell(index + 1)])));
    }
    return rows;
  }

  /** Every cell holding text, to look for a formula or a formula character at its start. */
  function textCells(workbook: ExcelJS.Workbook): ExcelJS.Cell[] {
    const cells: ExcelJS.Cell[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(cell))));
    return cells;
  }

  /**
   * CSV fields split on `separator`, honouring quotes (a quoted field may hold separators, " CR and LF): as Excel
   * reads a file with the locale's list separator, `;` in Sweden, `,` with English settings.
   */
  function csvRows(text: string, separator = ';'): string[][] {
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === separator) row.push(field), (field = '');
      else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
      else field += c;
    }
    return rows;
  }

  async function csv(url: string, token?: string) {
    const test = token ? api.raw().get(url).set('Authorization', `Bearer ${token}`) : api.get(url);
    const response = await binary(test).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const text = (response.body as Buffer).toString('utf8');
    return { rows: csvRows(text), text, disposition: response.headers['content-disposition'] as string };
  }

  beforeAll(async () => {
    api = await startApi();
    projectId = await write('/api/projects', crossInnovation);
    otherProjectId = await write('/api/projects', { ...crossInnovation, name: 'Gränsløs innovasjon', fund: 'Interreg', countries: ['SE', 'NO'] });
    for (const [name, sizeClass, organisationNumber] of [
      ['Åkesson Design AB', 'micro', '556123-4567'],
      ['Öresund Verkstad AB', 'small', undefined],
      ...HOSTILE.map((name) => [name, 'medium', undefined] as const),
    ] as const) {
      organisations[name] = await write('/api/organisations', { name, country: 'SE', type: 'enterprise', sizeClass, ...(organisationNumber ? { organisationNumber } : {}) });
    }
    organisations['Lunds universitet'] = await write('/api/organisations', { name: 'Lunds universitet', country: 'SE', type: 'university' });
    const lab = await write(`/api/projects/${projectId}/labs`, { name: 'Lab: hav', theme: 'Blå ekonomi', startDate: '2024-02-01', endDate: '2024-06-30' });
    await write(`/api/labs/${lab}/companies`, { organisationId: organisations['@SUM(A1)'], admittedOn: '2024-02-01' }, 200);
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['Åkesson Design AB'], kind: 'grant', date: '2024-03-15', amountEur: 5000 });
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['Åkesson Design AB'], kind: 'non-financial', date: '2024-09-01' });
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['Öresund Verkstad AB'], kind: 'voucher', date: '2024-08-15', amountEur: 2000.5 });
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['=HYPERLINK("http://x","y")'], kind: 'non-financial', date: '2023-05-01' });
    await write(`/api/projects/${otherProjectId}/support`, { organisationId: organisations['Åkesson Design AB'], kind: 'voucher', date: '2024-04-01', amountEur: 1000 });
    const people = [
      { name: 'Anna Söderberg', email: 'anna@example.se', phone: '+46 70 123 45 67' },
      ...HOSTILE.map((name, index) => ({ name, email: `p${index}@example.se` })),
    ];
    for (const [index, person] of people.entries()) {
      await write(`/api/projects/${projectId}/participants`, {
        person,
        gender: index % 2 === 0 ? 'woman' : 'man',
        birthYear: 1980 + index,
        role: 'creative',
        registeredOn: `2024-0${index + 1}-10`,
        ...(index === 0 ? { organisationId: organisations['Åkesson Design AB'] } : {}),
      });
    }
    await write(`/api/projects/${projectId}/targets`, { code: 'participants', target: 120, baseline: 3 }, 200);
    // Another fund's project, so the figures above stay as they are: its state aid and reports carry typed text too.
    hostileProjectId = await write('/api/projects', { ...crossInnovation, name: HOSTILE_PROJECT, fund: 'ESF+' });
    for (const name of HOSTILE) {
      await write(`/api/projects/${hostileProjectId}/support`, {
        organisationId: organisations[name],
        kind: 'non-financial',
        date: '2024-05-01',
        aid: { basis: 'no-aid', grantedOn: '2024-05-01', amount: 0, currency: 'EUR', valuation: { method: 'market-price', note: '@SUM(1),=2' } },
      });
    }
    for (const [index, label] of HOSTILE_LABELS.entries()) {
      const from = index === 0 ? '2024-01-01' : '2024-07-01';
      const to = index === 0 ? '2024-06-30' : '2024-12-31';
      hostileReportId = (await api.post(`/api/projects/${hostileProjectId}/reports`, { label, from, to, minPosition: last }).expect(201)).body.id;
    }
    viewerToken = (await api.post('/api/access/tokens', { name: 'Styrgruppen', role: 'viewer', projectIds: [projectId] }).expect(201)).body.token;
  });
  afterAll(() => api.close());

  describe('indicators', () => {
    it("gives a project's figures as a workbook equal to the JSON: numbers as numeric cells, the period as date cells", async () => {
      const query = `from=2024-01-01&to=2024-12-31&minPosition=${last}`;
      const json = (await api.get(`/api/projects/${projectId}/indicators?${query}`).expect(200)).body;
      const { workbook, disposition } = await xlsx(`/api/projects/${projectId}/indicators.xlsx?${query}`);
      expect(disposition).toBe(`attachment; filename="indicators-${projectId}-from-2024-01-01-to-2024-12-31.xlsx"`);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Indicators', 'Breakdowns', 'About']);
      const indicators = records(workbook.getWorksheet('Indicators')!);
      expect(indicators.map((r) => r.Code.value)).toEqual(json.indicators.map((i: { code: string }) => i.code));
      for (const [index, figure] of (json.indicators as Array<{ name: string; value: number; target: number | null; baseline: number | null }>).entries()) {
        const row = indicators[index];
        expect(row.Name.value).toBe(figure.name);
        expect(row.Value.type).toBe(ExcelJS.ValueType.Number);
        expect(row.Value.value).toBe(figure.value);
        expect(row.Target.value).toBe(figure.target);
        expect(row.Baseline.value).toBe(figure.baseline);
      }
      const participants = indicators.find((r) => r.Code.value === 'participants')!;
      expect([participants.Value.value, participants.Target.value, participants.Baseline.value]).toEqual([6, 120, 3]);
      const breakdowns = records(workbook.getWorksheet('Breakdowns')!).map((r) => [r.Code.value, r.Dimension.value, r.Category.value, r.Value.value]);
      const expected = (json.indicators as Array<{ code: string; breakdown: Record<string, Record<string, number>> }>).flatMap((i) =>
        Object.entries(i.breakdown).flatMap(([dimension, counts]) => Object.entries(counts).map(([category, n]) => [i.code, dimension, category, n])),
      );
      expect(breakdowns).toEqual(expected);
      expect(breakdowns).toContainEqual(['participants', 'gender', 'woman', 3]);
      const [about] = records(workbook.getWorksheet('About')!);
      expect(about.Project.value).toBe(projectId);
      expect(about.From.type).toBe(ExcelJS.ValueType.Date);
      expect(about.From.value).toEqual(new Date('2024-01-01T00:00:00Z'));
      expect(about.To.value).toEqual(new Date('2024-12-31T00:00:00Z'));
      expect(about['Log position'].value).toBe(json.position);
    });

    it("gives the programme's figures with the same filters, in Swedish with lang=sv", async () => {
      const json = (await api.get(`/api/indicators?fund=ERDF&lang=sv&minPosition=${last}`).expect(200)).body;
      const { workbook, disposition } = await xlsx(`/api/indicators.xlsx?fund=ERDF&lang=sv&minPosition=${last}`);
      expect(disposition).toBe('attachment; filename="indicators.xlsx"');
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Indikatorer', 'Uppdelningar', 'Om uttaget']);
      expect((workbook.getWorksheet('Indikatorer')!.getRow(1).values as unknown[]).slice(1)).toEqual(['Kod', 'Namn', 'Enhet', 'Värde', 'Målvärde', 'Utgångsvärde']);
      const rows = records(workbook.getWorksheet('Indikatorer')!);
      expect(rows.map((r) => [r.Kod.value, r.Namn.value, r.Enhet.value, r.Värde.value])).toEqual(
        json.indicators.map((i: { code: string; name: string; unit: string; value: number }) => [i.code, i.name, i.unit, i.value]),
      );
      expect(rows.find((r) => r.Kod.value === 'participants')!.Namn.value).toBe('Deltagare');
      const [about] = records(workbook.getWorksheet('Om uttaget')!);
      expect([about.Fond.value, about.Land.value, about.Från.value, about.Loggposition.value]).toEqual(['ERDF', null, null, json.position]);
      // Interreg's project is not in ERDF's figures: RCO01 counts Åkesson, Öresund, =HYPERLINK…, @SUM… here.
      expect(rows.find((r) => r.Kod.value === 'RCO01')!.Värde.value).toBe(4);
    });

    it('refuses what the CSV route refuses: a reversed period, an unknown field, an unknown project', async () => {
      const reversed = await api.get(`/api/projects/${projectId}/indicators.xlsx?from=2024-06-30&to=2024-01-01`).expect(400);
      expect(reversed.body.problems).toEqual([expect.objectContaining({ field: 'to', rule: 'notBeforeFrom' })]);
      const unknown = await api.get('/api/indicators.xlsx?colour=blue').expect(400);
      expect(unknown.body.problems[0]).toMatchObject({ field: 'colour', rule: 'unknownField' });
      await api.get('/api/projects/00000000-0000-4000-8000-000000000000/indicators.xlsx').expect(404);
      // A refusal is JSON, declared as JSON, on the file routes too (it was a 500 while the route set the file's type up front).
      const csvRefused = await api.get(`/api/projects/${projectId}/indicators.csv?from=2024-06-30&to=2024-01-01`).expect(400);
      expect(csvRefused.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('enterprises supported', () => {
    it('lists each supported enterprise once, exactly the ones RCO01 counts, with kinds, dates and amounts', async () => {
      const period = 'from=2024-01-01&to=2024-12-31';
      const figures = (await api.get(`/api/projects/${projectId}/indicators?${period}&minPosition=${last}`).expect(200)).body;
      const rco01 = figures.indicators.find((i: { code: string }) => i.code === 'RCO01').value;
      const page = (await api.get(`/api/projects/${projectId}/enterprises-supported?${period}`).expect(200)).body;
      expect(page.total).toBe(rco01);
      expect(page.period).toEqual({ from: '2024-01-01', to: '2024-12-31' });
      expect(page.items.map((r: { name: string }) => r.name)).toEqual(['@SUM(A1)', 'Åkesson Design AB', 'Öresund Verkstad AB']);
      expect(page.items[1]).toEqual({
        organisationId: organisations['Åkesson Design AB'],
        name: 'Åkesson Design AB',
        organisationNumber: '556123-4567',
        country: 'SE',
        sizeClass: 'micro',
        kinds: ['grant', 'non-financial'],
        firstSupportedOn: '2024-03-15',
        lastSupportedOn: '2024-09-01',
        supports: 2,
        amountEur: 5000,
        aidAmountEur: null,
        projects: 1,
      });
      expect(page.items[0].kinds).toEqual(['lab']);
      const paged = (await api.get(`/api/projects/${projectId}/enterprises-supported?${period}&limit=1&offset=2`).expect(200)).body;
      expect([paged.total, paged.items.map((r: { name: string }) => r.name)]).toEqual([3, ['Öresund Verkstad AB']]);

      const { workbook, disposition } = await xlsx(`/api/projects/${projectId}/enterprises-supported.xlsx?${period}`);
      expect(disposition).toBe(`attachment; filename="enterprises-supported-${projectId}-from-2024-01-01-to-2024-12-31.xlsx"`);
      const rows = records(workbook.worksheets[0]);
      expect(rows.map((r) => r['Organisation id'].value)).toEqual(page.items.map((i: { organisationId: string }) => i.organisationId));
      const akesson = rows[1];
      expect(akesson['Kinds of support'].value).toBe('grant, non-financial');
      expect(akesson['Amount (EUR)'].type).toBe(ExcelJS.ValueType.Number);
      expect(akesson['Amount (EUR)'].value).toBe(5000);
      expect(akesson['First supported on'].type).toBe(ExcelJS.ValueType.Date);
      expect(akesson['First supported on'].value).toEqual(new Date('2024-03-15T00:00:00Z'));
      expect(akesson['Last supported on'].value).toEqual(new Date('2024-09-01T00:00:00Z'));
      expect(akesson.Supports.value).toBe(2);
      expect(rows[2]['Amount (EUR)'].value).toBe(2000.5);
      expect(rows[0].Name.value).toBe(`'@SUM(A1)`);
      // The second view: each support record and lab place, by date, whose amounts add up to the enterprise's.
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Enterprises supported', 'Support']);
      const support = records(workbook.getWorksheet('Support')!);
      expect(support.map((r) => [r.Date.value, r.Name.value, r['Kind of support'].value, r['Amount (EUR)'].value])).toEqual([
        [new Date('2024-02-01T00:00:00Z'), `'@SUM(A1)`, 'lab place', null],
        [new Date('2024-03-15T00:00:00Z'), 'Åkesson Design AB', 'grant', 5000],
        [new Date('2024-08-15T00:00:00Z'), 'Öresund Verkstad AB', 'voucher', 2000.5],
        [new Date('2024-09-01T00:00:00Z'), 'Åkesson Design AB', 'non-financial', null],
      ]);
      expect(support.every((r) => r.Project.value === crossInnovation.name)).toBe(true);

      const file = await csv(`/api/projects/${projectId}/enterprises-supported.csv?${period}&lang=sv`);
      expect(file.disposition).toBe(`attachment; filename="enterprises-supported-${projectId}-from-2024-01-01-to-2024-12-31.csv"`);
      expect(file.rows[0].slice(0, 5)).toEqual(['Namn', 'Organisationsnummer', 'Land', 'Storlek', 'Typer av stöd']);
      expect(file.rows[2].slice(0, 10)).toEqual(['Åkesson Design AB', '556123-4567', 'SE', 'micro', 'bidrag, icke-finansiellt', '2024-03-15', '2024-09-01', '2', '5000', '']);
    });

    it("programme-wide (programme:read): one row per enterprise across projects, each project's support summed", async () => {
      const page = (await api.get(`/api/enterprises-supported?minPosition=${last}`).expect(200)).body;
      const akesson = page.items.find((r: { name: string }) => r.name === 'Åkesson Design AB');
      expect(akesson).toMatchObject({ kinds: ['grant', 'non-financial', 'voucher'], supports: 3, amountEur: 6000, projects: 2 });
      const rco01 = (await api.get('/api/indicators').expect(200)).body.indicators.find((i: { code: string }) => i.code === 'RCO01').value;
      expect(page.total).toBe(rco01);
      const interreg = (await api.get('/api/enterprises-supported?fund=Interreg').expect(200)).body;
      expect(interreg.items.map((r: { name: string; amountEur: number }) => [r.name, r.amountEur])).toEqual([['Åkesson Design AB', 1000]]);
      const { workbook } = await xlsx('/api/enterprises-supported.xlsx?fund=Interreg&lang=sv');
      expect(workbook.worksheets[0].name).toBe('Företag som fått stöd');
      expect(records(workbook.worksheets[0]).map((r) => [r.Namn.value, r['Belopp (EUR)'].value, r['Typer av stöd'].value])).toEqual([['Åkesson Design AB', 1000, 'check']]);
      await api.raw().get('/api/enterprises-supported.csv').set('Authorization', `Bearer ${viewerToken}`).expect(403);
      await api.raw().get(`/api/projects/${projectId}/enterprises-supported.xlsx`).set('Authorization', `Bearer ${viewerToken}`).expect(403);
    });
  });

  describe('participants and organisations', () => {
    it('gives staff-level callers every participant with name, e-mail and phone, in Swedish with lang=sv', async () => {
      const list = (await api.get(`/api/projects/${projectId}/participants?minPosition=${last}`).expect(200)).body;
      const { workbook, disposition } = await xlsx(`/api/projects/${projectId}/participants.xlsx?lang=sv`);
      expect(disposition).toBe(`attachment; filename="participants-${projectId}.xlsx"`);
      const sheet = workbook.worksheets[0];
      expect(sheet.name).toBe('Deltagare');
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
        'Deltagar-id', 'Namn', 'E-post', 'Telefon', 'Kön', 'Födelseår', 'Roll', 'Organisation', 'Organisationens namn', 'Registrerad', 'Raderad',
      ]);
      const rows = records(sheet);
      expect(rows.map((r) => r['Deltagar-id'].value)).toEqual(list.items.map((p: { id: string }) => p.id));
      expect(rows[0].Namn.value).toBe('Anna Söderberg');
      expect(rows[0]['E-post'].value).toBe('anna@example.se');
      expect(rows[0].Telefon.value).toBe(`'+46 70 123 45 67`);
      expect(rows[0].Kön.value).toBe('Kvinna');
      expect(rows[0]['Organisationens namn'].value).toBe('Åkesson Design AB');
      expect(rows[0].Födelseår.type).toBe(ExcelJS.ValueType.Number);
      expect(rows[0].Födelseår.value).toBe(1980);
      expect(rows[0].Registrerad.type).toBe(ExcelJS.ValueType.Date);
      expect(rows[0].Registrerad.value).toEqual(new Date('2024-01-10T00:00:00Z'));
      const filtered = await csv(`/api/projects/${projectId}/participants.csv?gender=man`);
      expect(filtered.rows.slice(1).map((r) => r[1])).toEqual([`'=HYPERLINK("http://x","y")`, `'-2`, 'Acme,=1+1']);
    });

    it('refuses a viewer (figures only) the participants file, as the JSON list: gender, organisation and date can single a person out', async () => {
      for (const route of ['participants', 'participants.csv', 'participants.xlsx']) {
        const refused = await api.raw().get(`/api/projects/${projectId}/${route}`).set('Authorization', `Bearer ${viewerToken}`).expect(403);
        expect(refused.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.stringify(refused.body)).not.toContain('Anna');
      }
      // What a viewer may have: the figures, counted, never a row per person.
      await xlsx(`/api/projects/${projectId}/indicators.xlsx`, viewerToken);
    });

    it('exports organisations with the JSON list filters', async () => {
      const { workbook, disposition } = await xlsx(`/api/organisations.xlsx?type=enterprise&name=verkstad`);
      expect(disposition).toBe('attachment; filename="organisations.xlsx"');
      expect(records(workbook.worksheets[0]).map((r) => [r.Name.value, r.Type.value, r['Size class'].value])).toEqual([['Öresund Verkstad AB', 'enterprise', 'small']]);
      const all = await csv('/api/organisations.csv?lang=sv');
      expect(all.rows[0]).toEqual(['Organisations-id', 'Namn', 'Organisationsnummer', 'Land', 'Typ', 'Storlek', 'Grundat']);
      expect(all.rows).toHaveLength(1 + 8);
    });

    it('refuses paging and unknown filters on a file with a 400 naming the field, and an unknown project with 404', async () => {
      const limit = await api.get(`/api/projects/${projectId}/participants.xlsx?limit=5`).expect(400);
      expect(limit.body.problems[0]).toMatchObject({ field: 'limit', rule: 'unknownField' });
      const gender = await api.get(`/api/projects/${projectId}/participants.csv?gender=robot`).expect(400);
      expect(gender.body.problems[0]).toMatchObject({ field: 'gender', rule: 'isIn' });
      const lang = await api.get('/api/organisations.xlsx?lang=de').expect(400);
      expect(lang.body.problems[0]).toMatchObject({ field: 'lang', rule: 'isIn' });
      const reversed = await api.get(`/api/projects/${projectId}/enterprises-supported?from=2024-06-30&to=2024-01-01`).expect(400);
      expect(reversed.body.problems[0]).toMatchObject({ field: 'to', rule: 'notBeforeFrom' });
      await api.get('/api/projects/00000000-0000-4000-8000-000000000000/participants.csv').expect(404);
      await api.get('/api/projects/00000000-0000-4000-8000-000000000000/enterprises-supported').expect(404);
    });
  });

  describe('formula injection', () => {
    /** Every file route that writes something a user typed, with the typed texts it must hold. */
    const files = () => [
      { url: `/api/projects/${projectId}/participants`, typed: HOSTILE },
      { url: `/api/projects/${projectId}/participants`, query: 'lang=sv', typed: HOSTILE },
      { url: '/api/organisations', typed: HOSTILE },
      { url: `/api/projects/${projectId}/enterprises-supported`, typed: ['@SUM(A1)'] },
      { url: `/api/projects/${hostileProjectId}/enterprises-supported`, typed: HOSTILE },
      { url: '/api/enterprises-supported', typed: HOSTILE },
      { url: `/api/projects/${hostileProjectId}/state-aid`, typed: [...HOSTILE, '@SUM(1),=2'] },
      // The figures hold no typed text today (codes, catalogue names, ids): checked so that a typed label added later is covered.
      { url: `/api/projects/${hostileProjectId}/indicators`, typed: [] },
      { url: '/api/indicators', typed: [] },
    ];

    it('never lets typed text become a formula, nor begin with a formula character, in any XLSX', async () => {
      const workbooks = [
        ...files().map(({ url, query, typed }) => ({ url: `${url}.xlsx${query ? `?${query}` : ''}`, typed })),
        { url: `/api/reports/${hostileReportId}/funder-report?format=xlsx`, typed: HOSTILE_LABELS },
        { url: `/api/reports/${hostileReportId}/funder-report?format=xlsx&lang=sv`, typed: HOSTILE_LABELS },
      ];
      for (const { url, typed } of workbooks) {
        const cells = textCells((await xlsx(url)).workbook);
        expect([url, cells.filter((cell) => cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined)]).toEqual([url, []]);
        const strings = cells.filter((cell) => typeof cell.value === 'string').map((cell) => cell.value as string);
        expect([url, strings.filter((text) => FORMULA_START.test(text))]).toEqual([url, []]);
        // Each hostile text is there, whole, as text (after the apostrophe that neutralises it).
        for (const text of typed) expect([url, strings]).toEqual([url, expect.arrayContaining([shown(text)])]);
      }
    });

    it('never begins a CSV field with a formula character, whether Excel splits it on ; or on , (English settings) or tabs', async () => {
      for (const { url, query, typed } of files()) {
        const file = await csv(`${url}.csv${query ? `?${query}` : ''}`);
        for (const separator of [';', ',', '\t']) {
          // Numbers are written as numbers (a negative amount would be -2, and is not text); none here is negative.
          const fields = csvRows(file.text, separator).flat();
          expect([url, separator, fields.filter((field) => FORMULA_START.test(field))]).toEqual([url, separator, []]);
        }
        // Read with its own separator, each typed text comes back whole, one field.
        const fields = file.rows.flat();
        for (const text of typed) expect([url, fields]).toEqual([url, expect.arrayContaining([shown(text)])]);
      }
    });

    it('refuses a name starting with a tab or a carriage return outright, so it never reaches a file', async () => {
      for (const name of ['\tx', '\rx']) {
        const organisation = await api.post('/api/organisations', { name, country: 'SE', type: 'enterprise', sizeClass: 'micro' }).expect(400);
        expect(organisation.body.problems[0]).toMatchObject({ field: 'name', rule: 'noControlCharacters' });
        const participant = await api
          .post(`/api/projects/${projectId}/participants`, { person: { name }, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' })
          .expect(400);
        expect(participant.body.problems[0]).toMatchObject({ field: 'person.name', rule: 'noControlCharacters' });
      }
    });
  });
});
