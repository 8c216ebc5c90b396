import ExcelJS from 'exceljs';
import { startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * Issue 16 end to end: an enterprise's de minimis declaration, a lab place valued in hours, a voucher refused over
 * the ceiling with the figures, its subsidiary counted against the same ceiling, the same voucher granted three
 * years and a day after the declared aid, the certificate and the register; and the ceiling under parallel grants.
 */
const project = {
  name: 'Cross Innovation Southern Sweden',
  programme: 'Regionalfonden Skåne-Blekinge',
  fund: 'ERDF',
  startDate: '2024-01-01',
  endDate: '2029-12-31',
  countries: ['SE'],
};

describe('state aid to enterprises', () => {
  let api: ApiFixture;
  let clock = new Date('2026-11-22T10:00:00Z');
  let projectId: string;
  let havsbruk: string;
  let dotter: string;

  const created = async (url: string, body: unknown) => (await api.post(url, body).expect(201)).body.id as string;
  const enterprise = (name: string, organisationNumber?: string, country = 'SE') =>
    created('/api/organisations', { name, country, type: 'enterprise', sizeClass: 'small', ...(organisationNumber ? { organisationNumber } : {}) });
  const support = (organisationId: string, aid: Record<string, unknown>, kind = 'voucher', date = aid.grantedOn) =>
    api.post(`/api/projects/${projectId}/support`, { organisationId, kind, date, ...(kind === 'voucher' ? { amountEur: aid.amount } : {}), aid });
  const voucher = (amount: number, grantedOn: string) => ({ basis: 'de-minimis', grantedOn, amount, currency: 'EUR' });

  beforeAll(async () => {
    api = await startApi(clock, { clock: () => clock });
    projectId = await created('/api/projects', project);
  });
  afterAll(() => api.close());

  describe('organisation numbers', () => {
    it('validates a Swedish number by its Luhn digit (400 naming the rule) and stores one canonical form', async () => {
      const refused = await api.post('/api/organisations', { name: 'Fel AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '559123-0001' }).expect(400);
      expect(refused.body.message).toContain('organisationNumber 559123-0001 fails the Luhn check digit of a Swedish organisation number');
      havsbruk = await enterprise('Blekinge Havsbruk & Söner <AB>', '5561234567');
      expect((await api.get(`/api/organisations/${havsbruk}`).expect(200)).body.organisationNumber).toBe('556123-4567');
    });

    it('validates a Norwegian number by its mod 11 digit', async () => {
      const refused = await api.post('/api/organisations', { name: 'Feil AS', country: 'NO', type: 'enterprise', sizeClass: 'micro', organisationNumber: '923609017' }).expect(400);
      expect(refused.body.message).toContain('fails the mod 11 check digit of a Norwegian organisation number');
      const id = await enterprise('Trøndelag Havbruk AS', '923 609 016', 'NO');
      expect((await api.get(`/api/organisations/${id}`).expect(200)).body.organisationNumber).toBe('923609016');
    });

    it('refuses a number already registered, written another way, with a 409 naming the organisation', async () => {
      const before = (await api.allEvents()).length;
      const taken = await api.post('/api/organisations', { name: 'Kopia AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '556123 4567' }).expect(409);
      expect(taken.body.message).toBe(`Organisation number 556123-4567 is already registered to Blekinge Havsbruk & Söner <AB> (organisation ${havsbruk})`);
      expect((await api.allEvents()).length).toBe(before);
    });

    it('keeps a NACE code and refuses one that is not', async () => {
      await api.post('/api/organisations', { name: 'Sektor AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', naceCode: 'fish' }).expect(400);
      const id = await created('/api/organisations', { name: 'Sektor AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', naceCode: '03.21' });
      expect((await api.get(`/api/organisations/${id}`).expect(200)).body.naceCode).toBe('03.21');
    });
  });

  describe('the de minimis ceiling over a single undertaking', () => {
    let labPlace: string;
    let lastVoucher: string;

    it('records the enterprise’s declaration of EUR 290,000 received 18 months ago', async () => {
      await api
        .post(`/api/organisations/${havsbruk}/de-minimis-declarations`, {
          declaredOn: '2026-11-20',
          grants: [{ grantedOn: '2025-05-22', amount: 290_000, currency: 'EUR', grantor: 'Tillväxtverket' }],
        })
        .expect(201);
    });

    it('grants a lab place valued 10 h x EUR 100: EUR 291,000 used', async () => {
      const lab = await created(`/api/projects/${projectId}/labs`, { name: 'Lab Karlshamn', theme: 'hav och vatten', startDate: '2026-11-01', endDate: '2027-03-31' });
      await api.post(`/api/labs/${lab}/companies`, { organisationId: havsbruk, admittedOn: '2026-11-22' }).expect(200);
      const aid = { basis: 'de-minimis', grantedOn: '2026-11-22', amount: 1_000, currency: 'EUR', valuation: { method: 'hours', hours: 10, hourlyRate: 100 } };
      labPlace = (await support(havsbruk, aid, 'non-financial').expect(201)).body.id;
      const status = (await api.get(`/api/organisations/${havsbruk}/de-minimis?on=2026-11-22`).expect(200)).body;
      expect(status).toMatchObject({ usedEur: 291_000, headroomEur: 9_000, ceilingEur: 300_000, window: { from: '2023-11-22', to: '2026-11-22' } });
      expect(status.grants).toEqual([
        { source: 'declared', organisationId: havsbruk, grantor: 'Tillväxtverket', grantedOn: '2025-05-22', amountEur: 290_000 },
        { source: 'ledger', organisationId: havsbruk, projectId, supportId: labPlace, grantedOn: '2026-11-22', amountEur: 1_000 },
      ]);
    });

    it('refuses a voucher of EUR 9,500 with the figures, and writes nothing', async () => {
      const before = (await api.allEvents()).length;
      const refused = await support(havsbruk, voucher(9_500, '2026-11-22')).expect(422);
      expect(refused.body.message).toContain('EUR 9,500.00 refused');
      expect(refused.body.message).toContain('received EUR 291,000.00 of de minimis aid from 2023-11-22 to 2026-11-22');
      expect(refused.body.message).toContain('would have EUR 300,500.00');
      expect(refused.body.message).toContain('over the ceiling of EUR 300,000.00');
      expect((await api.allEvents()).length).toBe(before);
    });

    it('counts a grant to its subsidiary against the same ceiling once they are linked', async () => {
      dotter = await enterprise('Havsbruk Förädling AB', '559123-0007');
      await support(dotter, voucher(9_500, '2026-11-22')).expect(201);
      const undo = await enterprise('Havsbruk Förädling 2 AB', '559123-0015');
      await api.post(`/api/organisations/${havsbruk}/links`, { organisationId: undo, relation: 'controls', from: '2024-01-01', reason: 'Äger samtliga aktier' }).expect(201);
      const refused = await support(undo, voucher(9_500, '2026-11-22')).expect(422);
      expect(refused.body.message).toContain('the single undertaking of Havsbruk Förädling 2 AB (2 enterprises) received EUR 291,000.00');
      await support(undo, voucher(5_000, '2026-11-22')).expect(201);
      const status = (await api.get(`/api/organisations/${undo}/de-minimis?on=2026-11-22`).expect(200)).body;
      expect(status.singleUndertaking.map((m: { name: string }) => m.name).sort()).toEqual(['Blekinge Havsbruk & Söner <AB>', 'Havsbruk Förädling 2 AB']);
      expect(status.usedEur).toBe(296_000);
    });

    it('grants the same voucher 3 years and 1 day after the declared grant, not a day earlier', async () => {
      clock = new Date('2028-05-23T09:00:00Z');
      const refused = await support(havsbruk, voucher(9_500, '2028-05-22')).expect(422);
      expect(refused.body.message).toContain('from 2025-05-22 to 2028-05-22');
      lastVoucher = (await support(havsbruk, voucher(9_500, '2028-05-23')).expect(201)).body.id;
      const status = (await api.get(`/api/organisations/${havsbruk}/de-minimis`).expect(200)).body;
      expect(status).toMatchObject({ on: '2028-05-23', usedEur: 15_500, window: { from: '2025-05-23', to: '2028-05-23' } });
    });

    it('answers a certificate stating the amounts, in Swedish, with everything typed escaped and a CSP for a static page', async () => {
      const response = await api.get(`/api/support/${lastVoucher}/de-minimis-certificate?lang=sv`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; frame-ancestors 'none'$/);
      const html = response.text;
      expect(html).toContain('Intyg om stöd av mindre betydelse');
      expect(html).toContain('Blekinge Havsbruk &amp; Söner &lt;AB&gt;');
      expect(html).not.toContain('<AB>');
      expect(html).toContain('556123-4567');
      expect(html).toContain('EUR 9,500.00');
      expect(html).toContain('EUR 15,500.00');
      expect(html).toContain('förordning (EU) 2023/2831');
      const json = (await api.get(`/api/support/${lastVoucher}/de-minimis-certificate?format=json`).expect(200)).body;
      expect(json).toMatchObject({ aid: { basis: 'de-minimis', amountEur: 9_500 }, status: { usedEur: 15_500, ceilingEur: 300_000 }, grantor: { projectName: project.name } });
      const english = (await api.get(`/api/support/${labPlace}/de-minimis-certificate?lang=en`).expect(200)).text;
      expect(english).toContain('Certificate of de minimis aid');
      expect(english).toContain('10 hours at 100 EUR');
      expect(english).toContain('EUR 296,000.00');
    });

    it('lists every grant in the register, as JSON, CSV and XLSX', async () => {
      const noAid = await created(`/api/projects/${projectId}/support`, { organisationId: dotter, kind: 'non-financial', date: '2026-11-21' });
      const page = (await api.get(`/api/projects/${projectId}/state-aid?limit=10`).expect(200)).body;
      expect(page.total).toBe(5);
      expect(page.items.map((r: { supportId: string; basis: string; amountEur: number | null; organisationNumber: string }) => [r.basis, r.amountEur, r.organisationNumber])).toEqual([
        ['not-recorded', null, '559123-0007'],
        ['de-minimis', 1_000, '556123-4567'],
        ['de-minimis', 9_500, '559123-0007'],
        ['de-minimis', 5_000, '559123-0015'],
        ['de-minimis', 9_500, '556123-4567'],
      ]);
      expect(page.items[0].supportId).toBe(noAid);
      expect(page.items[1].valuation).toEqual({ method: 'hours', hours: 10, hourlyRate: 100 });
      const csv = (await api.get(`/api/projects/${projectId}/state-aid.csv`).expect(200)).text;
      expect(csv.split('\r\n')).toHaveLength(7);
      expect(csv).toContain('Blekinge Havsbruk & Söner <AB>;556123-4567;SE;;voucher;de-minimis;;2028-05-23;9500;EUR;;9500');
      const xlsx = await api.get(`/api/projects/${projectId}/state-aid.xlsx`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as never);
      const sheet = workbook.worksheets[0];
      expect(sheet.rowCount).toBe(6);
      expect(sheet.getRow(3).getCell(2).value).toBe('Blekinge Havsbruk & Söner <AB>');
      expect(sheet.getRow(3).getCell(13).value).toBe(1_000);
    });

    it('never lets typed text start a formula in the CSV or XLSX', async () => {
      const other = await created('/api/projects', { ...project, name: 'Formula' });
      const evil = await created('/api/organisations', { name: '=HYPERLINK("http://evil.example","x")', country: 'DK', type: 'enterprise', sizeClass: 'micro', organisationNumber: '+4512345678' });
      await api.post(`/api/projects/${other}/support`, { organisationId: evil, kind: 'non-financial', date: '2028-05-01', aid: { basis: 'no-aid', grantedOn: '2028-05-01', amount: 0, currency: 'EUR', valuation: { method: 'market-price', note: '@SUM(1)' } } }).expect(201);
      const csv = (await api.get(`/api/projects/${other}/state-aid.csv`).expect(200)).text;
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")";'+4512345678;DK`);
      expect(csv).toContain(`'@SUM(1)`);
      const xlsx = await api.get(`/api/projects/${other}/state-aid.xlsx`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as never);
      const row = workbook.worksheets[0].getRow(2);
      expect(row.getCell(2).value).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(row.getCell(2).formula).toBeUndefined();
      expect(row.getCell(3).value).toBe(`'+4512345678`);
    });

    it('refuses a certificate for support that is not de minimis aid', async () => {
      const page = (await api.get(`/api/projects/${projectId}/state-aid`).expect(200)).body;
      const notRecorded = page.items.find((r: { basis: string }) => r.basis === 'not-recorded').supportId;
      const refused = await api.get(`/api/support/${notRecorded}/de-minimis-certificate`).expect(422);
      expect(refused.body.message).toContain('aid not recorded');
      expect((await api.get(`/api/support/${notRecorded}`).expect(200)).body.aid).toBeNull();
    });

    it('refuses aid whose valuation does not add up, and aid in SEK without a rate, writing nothing', async () => {
      const before = (await api.allEvents()).length;
      const wrong = await support(havsbruk, { basis: 'de-minimis', grantedOn: '2028-05-23', amount: 1_200, currency: 'EUR', valuation: { method: 'hours', hours: 10, hourlyRate: 100 } }, 'non-financial').expect(422);
      expect(wrong.body.message).toContain('aid.amount 1200 is not hours x hourlyRate (10 x 100 = 1000)');
      const sek = await support(havsbruk, { basis: 'de-minimis', grantedOn: '2028-05-23', amount: 10_000, currency: 'SEK' }, 'non-financial').expect(422);
      expect(sek.body.message).toContain('an amount in SEK needs eurRate');
      const gber = await support(havsbruk, { basis: 'gber', grantedOn: '2028-05-23', amount: 400_000, currency: 'EUR' }, 'non-financial').expect(422);
      expect(gber.body.message).toContain('aid.article is required with basis gber');
      expect((await api.allEvents()).length).toBe(before);
      // GBER never counts towards the de minimis ceiling, however large.
      await support(havsbruk, { basis: 'gber', grantedOn: '2028-05-23', amount: 400_000, currency: 'EUR', article: 'Article 28' }, 'non-financial').expect(201);
      expect((await api.get(`/api/organisations/${havsbruk}/de-minimis?on=2028-05-23`).expect(200)).body.usedEur).toBe(15_500);
    });
  });

  describe('the catalogue of state-aid rules', () => {
    it('serves the window, ceiling and single-undertaking rules in words, with the ceiling in force', async () => {
      const { body } = await api.get('/api/state-aid/rules').expect(200);
      expect(body.ceilingEur).toBe(300_000);
      expect(body.rules.map((r: { name: string }) => r.name)).toEqual(['de-minimis-window', 'de-minimis-ceiling', 'single-undertaking']);
      expect(body.rules[0].rule).toContain('same calendar date three years earlier');
    });
  });

  describe('follow-up after the project', () => {
    it('accepts solution-taken-up up to followUpMonths after the end, counts it for RCR104 and marks it follow-up', async () => {
      const ended = await created('/api/projects', { ...project, name: 'Kickstart S3', startDate: '2026-01-01', endDate: '2027-06-30', followUpMonths: 12 });
      const outcome = { kind: 'solution-taken-up', date: '2028-01-15', description: 'Plattformen drivs vidare av Blue Science Park' };
      const { position } = (await api.post(`/api/projects/${ended}/outcomes`, outcome).expect(201)).body;
      const refused = await api.post(`/api/projects/${ended}/outcomes`, { ...outcome, kind: 'business-idea' }).expect(422);
      expect(refused.body.message).toContain("lies outside the project's period (2026-01-01 to 2027-06-30)");
      await api.post(`/api/projects/${ended}/outcomes`, { ...outcome, date: '2028-07-01' }).expect(422);
      const evidence = (await api.get(`/api/projects/${ended}/indicators/RCR104/evidence?minPosition=${position}`).expect(200)).body;
      expect(evidence.value).toBe(1);
      expect(evidence.items[0]).toMatchObject({ kind: 'solution-taken-up', followUp: 1 });
    });
  });

  describe('indicators', () => {
    it('do not change with the aid a project records', async () => {
      const figures = async (id: string, minPosition: number) =>
        ((await api.get(`/api/projects/${id}/indicators?minPosition=${minPosition}`).expect(200)).body.indicators as Array<{ code: string; value: number; breakdown: unknown }>).map(
          ({ code, value, breakdown }) => ({ code, value, breakdown }),
        );
      const withAid = await created('/api/projects', { ...project, name: 'Med stöd' });
      const without = await created('/api/projects', { ...project, name: 'Utan stöd' });
      const company = await enterprise('Jämförelse AB');
      const lab = { kind: 'non-financial', date: '2028-05-02' };
      await api.post(`/api/projects/${without}/support`, { organisationId: company, ...lab }).expect(201);
      const last = await api
        .post(`/api/projects/${withAid}/support`, { organisationId: company, ...lab, aid: { basis: 'de-minimis', grantedOn: '2028-05-02', amount: 5_000, currency: 'EUR', valuation: { method: 'market-price' } } })
        .expect(201);
      expect(await figures(withAid, last.body.position)).toEqual(await figures(without, last.body.position));
    });
  });

  describe('who sees an enterprise’s de minimis', () => {
    it('shows staff the enterprises their projects supported, and no other', async () => {
      const own = await created('/api/projects', { ...project, name: 'Eget projekt' });
      const supported = await enterprise('Stödd AB');
      const elsewhere = await enterprise('Annans AB');
      await api.post(`/api/projects/${own}/support`, { organisationId: supported, kind: 'non-financial', date: '2028-05-01' }).expect(201);
      await api.post(`/api/projects/${projectId}/support`, { organisationId: elsewhere, kind: 'non-financial', date: '2028-05-01' }).expect(201);
      const { token } = (await api.post('/api/access/tokens', { name: 'Projektledare', role: 'staff', projectIds: [own] }).expect(201)).body;
      const as = (url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`);
      await as(`/api/organisations/${supported}/de-minimis`).expect(200);
      const refused = await as(`/api/organisations/${elsewhere}/de-minimis`).expect(403);
      expect(refused.body.message).toBe('You have no access to this');
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of two parallel grants that only fit one at a time succeed, across the two enterprises of a single undertaking', async () => {
      for (let round = 0; round < 4; round++) {
        const parent = await enterprise(`Parallell ${round} AB`);
        const child = await enterprise(`Parallell ${round} Dotter AB`);
        await api.post(`/api/organisations/${parent}/links`, { organisationId: child, relation: 'controls', from: '2025-01-01', reason: 'Äger 60 % av rösterna' }).expect(201);
        await api.post(`/api/organisations/${child}/de-minimis-declarations`, { declaredOn: '2028-05-01', grants: [{ grantedOn: '2027-01-10', amount: 2_970_000, currency: 'SEK', eurRate: 10, grantor: 'Region Skåne' }] }).expect(201);
        const [a, b] = await Promise.all([support(parent, voucher(2_000, '2028-05-20')), support(child, voucher(2_000, '2028-05-20'))]);
        expect([a.status, b.status].sort()).toEqual([201, 422]);
        expect((await api.get(`/api/organisations/${parent}/de-minimis?on=2028-05-20`).expect(200)).body.usedEur).toBe(299_000);
      }
    });
  });
});
