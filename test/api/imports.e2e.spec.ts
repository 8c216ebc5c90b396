import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/programme';
import { ImportService } from '../../apps/api/src/imports/import.service.js';
import { ImportsController, MAX_CONCURRENT_IMPORTS } from '../../apps/api/src/imports/imports.controller.js';
import { API_KEY, crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';
import { xlsxFixture, type XlsxFixtureCell } from '../support/xlsx-fixture.js';

type Row = XlsxFixtureCell[];
const xlsx = (header: string[], rows: Row[]) => xlsxFixture(header, rows);

/** A zip of one part that inflates to `size` bytes of zeros from a few hundred kilobytes. */
function zipBomb(size: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = deflateRawSync(Buffer.alloc(size), { level: 1 });
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  // The declared size lies, as a hostile file's would: the check must not trust it.
  central.writeUInt32LE(1000, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

const SWEDISH_HEADER = ['E-POST', 'Namn', 'kön', 'Födelseår', 'Roll', 'Registrerad', 'Organisation'];

describe('Spreadsheet imports', () => {
  let api: ApiFixture;
  let projectId: string;
  let organisationId: string;

  const upload = (file: Buffer, fields: Record<string, string>, query = '', name = 'list.xlsx', id = projectId) => {
    let test = request(api.app.getHttpServer()).post(`/api/projects/${id}/imports${query}`).set('Authorization', `Bearer ${API_KEY}`);
    for (const [field, value] of Object.entries(fields)) test = test.field(field, value);
    return test.attach('file', file, name);
  };
  const participants = async () => (await api.get(`/api/projects/${projectId}/participants?limit=500&minPosition=${await head()}`).expect(200)).body.items;
  const head = async () => (await api.allEvents()).at(-1)!.position;

  beforeAll(async () => {
    api = await startApi();
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
    organisationId = (await api.post('/api/organisations', { name: 'Havsfabriken AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '556036-0793' }).expect(201)).body.id;
  });
  afterAll(() => api.close());

  describe('participants from a Swedish-header XLSX with bad rows', () => {
    let file: Buffer;
    beforeAll(async () => {
      file = await xlsx(SWEDISH_HEADER, [
        ['anna@example.se', 'Anna Söderberg', 'Kvinna', 1987, 'Kreatör', new Date(Date.UTC(2024, 2, 1)), null],
        ['bo@example.se', 'Bo Ek', 'Okänt', 1990, 'Forskare', '2024-03-02', null],
        ['cia@example.se', 'Cia Lund', 'Man', 1975, 'Student', '2022-05-01', null],
        ['ANNA@example.se', 'Anna S', 'Kvinna', 1987, 'Kreatör', '2024-03-03', null],
        ['dan@example.se', null, 'Man', 1980, 'Forskare', '2024-03-04', null],
        // An Excel serial day (45356 is 2024-03-05) and an organisation by its number.
        ['erik@example.se', 'Erik Berg', 'man', null, 'Företagsrepresentant', 45356, '556036-0793'],
      ]);
    });

    it('a dry run names exactly the bad rows and their columns, and records nothing', async () => {
      const before = (await api.allEvents()).length;
      const res = await upload(file, { kind: 'participants' }).expect(200);
      expect(res.body).toMatchObject({ kind: 'participants', rows: 6, valid: 2, invalid: 4, recorded: 0, skipped: 0 });
      expect(res.body.fileSha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(res.body.errors.map(({ row, column }: { row: number; column: string }) => [row, column])).toEqual([
        [3, 'kön'],
        [4, 'Registrerad'],
        [5, 'E-POST'],
        [6, 'Namn'],
      ]);
      expect(res.body.errors[1].rule).toContain('outside');
      expect(res.body.errors[2].rule).toBe('the same e-mail as row 2');
      expect((await api.allEvents()).length).toBe(before);
    });

    it('applying with onError=refuse is a 422 with the same report, and records nothing', async () => {
      const before = (await api.allEvents()).length;
      const res = await upload(file, { kind: 'participants' }, '?dryRun=false').expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, rows: 6, invalid: 4, recorded: 0 });
      expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5, 6]);
      expect((await api.allEvents()).length).toBe(before);
      expect(await participants()).toEqual([]);
    });

    it('onError=skip records the valid rows, sealed, each event naming its import and row; the same file again records nothing', async () => {
      const res = await upload(file, { kind: 'participants' }, '?dryRun=false&onError=skip').expect(201);
      expect(res.body).toMatchObject({ rows: 6, valid: 2, invalid: 4, recorded: 2, skipped: 4, matched: 0 });
      const listed = await participants();
      expect(listed.map((p: { person: { name: string } }) => p.person.name).sort()).toEqual(['Anna Söderberg', 'Erik Berg']);
      const erik = listed.find((p: { person: { name: string } }) => p.person.name === 'Erik Berg');
      expect(erik).toMatchObject({ gender: 'man', role: 'company-representative', registeredOn: '2024-03-05', organisationId });

      const events = await api.allEvents();
      const registered = events.filter((e) => e.type === 'ParticipantRegistered');
      expect(registered.map((e) => e.metadata)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ importId: res.body.importId, importRow: 2 }),
          expect.objectContaining({ importId: res.body.importId, importRow: 7 }),
        ]),
      );
      expect(JSON.stringify(events)).not.toContain('anna@example.se');
      expect(JSON.stringify(events)).not.toContain('Söderberg');

      const again = await upload(file, { kind: 'participants' }, '?dryRun=false&onError=skip').expect(200);
      expect(again.body).toEqual(res.body);
      expect((await api.allEvents()).length).toBe(events.length);

      // A dry run of the applied file answers what was applied (the file's digest names the import), marked so:
      // its rows are not checked again, as if they were still to be recorded.
      const dry = await upload(file, { kind: 'participants' }).expect(200);
      expect(dry.body).toEqual({ ...res.body, alreadyApplied: true, appliedAt: '2026-11-22T10:00:00.000Z' });
      expect((await api.allEvents()).length).toBe(events.length);

      const list = await api.get(`/api/projects/${projectId}/imports`).expect(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({ importId: res.body.importId, fileSha256: res.body.fileSha256, kind: 'participants', recorded: 2, skipped: 4, errorCount: 4, actor: expect.any(String), recordedAt: '2026-11-22T10:00:00.000Z' }),
      ]);
    });

    it('a participant whose e-mail the project already has is matched, not registered again', async () => {
      const csv = Buffer.from('Name;Email;Gender;Role\nAnna Söderberg;Anna@Example.se;woman;creative\nFrida Holm;frida@example.se;Not stated;Other\n');
      const res = await upload(csv, { kind: 'participants' }, '?dryRun=false', 'list.csv').expect(201);
      expect(res.body).toMatchObject({ rows: 2, valid: 2, invalid: 0, recorded: 1, matched: 1, errors: [] });
      const names = (await participants()).map((p: { person: { name: string } }) => p.person.name).sort();
      expect(names).toEqual(['Anna Söderberg', 'Erik Berg', 'Frida Holm']);
    });
  });

  it('an import interrupted half-way and sent again records every row exactly once', async () => {
    const rows: Row[] = Array.from({ length: 40 }, (_, i) => [`Person ${i}`, `crash${i}@example.se`, 'Kvinna', 'Forskare', '2024-04-01']);
    const file = await xlsx(['Namn', 'E-post', 'Kön', 'Roll', 'Registrerad'], rows);
    const service = api.app.get(ImportService);
    let recorded = 0;
    service.afterRowRecorded = () => {
      if (++recorded === 5) throw new Error('crash in the middle of an import');
    };
    await upload(file, { kind: 'participants' }, '?dryRun=false').expect(500);
    service.afterRowRecorded = undefined;
    const partial = (await participants()).filter((p: { person: { email: string } }) => p.person.email.startsWith('crash')).length;
    expect(partial).toBeGreaterThanOrEqual(5);
    expect(partial).toBeLessThan(40);

    const res = await upload(file, { kind: 'participants' }, '?dryRun=false').expect(201);
    expect(res.body).toMatchObject({ rows: 40, valid: 40, recorded: 40, matched: 0 });
    const crashed = (await participants()).filter((p: { person: { email: string } }) => p.person.email.startsWith('crash'));
    expect(crashed).toHaveLength(40);
    const registered = (await api.allEvents()).filter((e) => e.type === 'ParticipantRegistered' && e.metadata.importId === res.body.importId);
    expect(registered.map((e) => e.metadata.importRow).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
  });

  it('a participant erased between an interruption and the retry gets no fresh vault key from the retry', async () => {
    const rows: Row[] = Array.from({ length: 12 }, (_, i) => [`Raderas ${i}`, `erased${i}@example.se`, 'Kvinna', 'Forskare', '2024-04-01']);
    const file = await xlsx(['Namn', 'E-post', 'Kön', 'Roll', 'Registrerad'], rows);
    const service = api.app.get(ImportService);
    let recorded = 0;
    service.afterRowRecorded = () => {
      if (++recorded === 3) throw new Error('crash in the middle of an import');
    };
    await upload(file, { kind: 'participants' }, '?dryRun=false').expect(500);
    service.afterRowRecorded = undefined;
    const first = (await participants()).find((p: { person: { email: string } }) => p.person.email.startsWith('erased'));
    await api.post(`/api/participants/${first.id}/erasure`, { reasonCategory: 'data-subject-request', reason: 'asked to be forgotten' }).expect(200);
    const vault = api.app.get<PersonalDataVault>(PERSONAL_DATA_VAULT);
    expect(vault.hasKey(first.id)).toBe(false);

    const res = await upload(file, { kind: 'participants' }, '?dryRun=false').expect(201);
    expect(res.body).toMatchObject({ rows: 12, recorded: 12, errors: [] });
    expect(vault.hasKey(first.id)).toBe(false);
    const left = (await participants()).filter((p: { person?: { email: string } }) => p.person?.email.startsWith('erased'));
    expect(left).toHaveLength(11);
  });

  it('an organisation import interrupted half-way and sent again registers every organisation (and claims its number) once', async () => {
    const csv = Buffer.from(
      'Name,Organisation number,Country,Type,Size class\n' +
        ['559100-0012', '559100-0020', '559100-0038', '559100-0046'].map((number, i) => `Avbrutet ${i} AB,${number},SE,enterprise,small`).join('\n'),
    );
    const service = api.app.get(ImportService);
    service.afterRowRecorded = (row) => {
      if (row === 3) throw new Error('crash in the middle of an import');
    };
    await upload(csv, { kind: 'organisations' }, '?dryRun=false', 'orgs.csv').expect(500);
    service.afterRowRecorded = undefined;
    const res = await upload(csv, { kind: 'organisations' }, '?dryRun=false', 'orgs.csv').expect(201);
    expect(res.body).toMatchObject({ rows: 4, valid: 4, recorded: 4, matched: 0, errors: [] });
    const events = (await api.allEvents()).filter((e) => e.metadata.importId === res.body.importId);
    expect(events.filter((e) => e.type === 'OrganisationRegistered').map((e) => e.metadata.importRow).sort()).toEqual([2, 3, 4, 5]);
    expect(events.filter((e) => e.type !== 'OrganisationRegistered').map((e) => e.metadata.importRow).sort()).toEqual([2, 3, 4, 5]);
  });

  describe('hostile files are refused with a 4xx', () => {
    it('a file of 10 MB + 1 byte is a 413 naming the field and the limit', async () => {
      const res = await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 'a'), { kind: 'participants' }, '', 'big.csv');
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'file: at most 10485760 bytes (10 MB); nothing was read' });
    });

    it('a zip bomb is a 413 as soon as its inflated bytes (counted as they inflate, never kept) pass the 40 MB budget', async () => {
      // 60 MB of zeros: far more than a sheet to import, though less than the 120 MB the reader once took in.
      const res = await upload(zipBomb(60 * 1024 * 1024), { kind: 'participants' });
      expect(res.status).toBe(413);
      expect(res.body.message).toContain('zip bomb');
    });

    it('a third import while two are running is a 503 with Retry-After, reading nothing', async () => {
      const controller = api.app.get(ImportsController) as unknown as { running: number };
      controller.running = MAX_CONCURRENT_IMPORTS;
      try {
        const res = await upload(Buffer.from('Namn,Kön,Roll\nAnn,Kvinna,Forskare\n'), { kind: 'participants' }, '', 'a.csv');
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body.message).toContain('imports are running');
      } finally {
        controller.running = 0;
      }
      await upload(Buffer.from('Namn,Kön,Roll\nAnn,Kvinna,Forskare\n'), { kind: 'participants' }, '', 'a.csv').expect(200);
    });

    it('formula text in a CSV is refused like an XLSX formula; the exported apostrophe form is text', async () => {
      const csv = Buffer.from(
        'Namn,Telefon,Kön,Roll\n' +
          '"=HYPERLINK(""http://evil.example"",""click"")",,Kvinna,Forskare\n' +
          '@SUM(A1),,Kvinna,Forskare\n' +
          '-A1+B1,,Man,Forskare\n' +
          "Eva Lind,'+46 70 123 45 67,Kvinna,Forskare\n" +
          'Ola Berg,+46 70 765 43 21,Man,Forskare\n',
      );
      const res = await upload(csv, { kind: 'participants' }, '', 'list.csv').expect(200);
      expect(res.body.errors).toEqual([2, 3, 4].map((row) => ({ row, column: 'Namn', rule: 'a formula is not accepted: the import never evaluates formulas; type the value itself' })));
      expect(res.body).toMatchObject({ rows: 5, valid: 2, invalid: 3 });
    });

    it('a formula cell is never evaluated: its row is refused (422 when applying), naming the column', async () => {
      const file = await xlsx(['Namn', 'Kön', 'Roll'], [[{ formula: 'CONCATENATE("A","nna")', result: 'Anna' }, 'Kvinna', 'Forskare']]);
      const before = (await api.allEvents()).length;
      const res = await upload(file, { kind: 'participants' }, '?dryRun=false').expect(422);
      expect(res.body.errors).toEqual([{ row: 2, column: 'Namn', rule: expect.stringContaining('formula') }]);
      expect((await api.allEvents()).length).toBe(before);
    });

    it('wrong types, unknown columns, a binary file and a form without multipart are 4xx naming the problem', async () => {
      const typed = await upload(
        await xlsx(['Namn', 'Kön', 'Roll', 'Födelseår'], [
          ['Ann', 'Kvinna', 'Forskare', 'nineteen'],
          [null, 'Okänt', 'Forskare', 'nineteen'],
        ]),
        { kind: 'participants' },
      ).expect(200);
      expect(typed.body.errors).toEqual([
        { row: 2, column: 'Födelseår', rule: 'must be a whole number' },
        { row: 3, column: 'Namn', rule: 'is required' },
        { row: 3, column: 'Kön', rule: expect.stringContaining('must be one of') },
        { row: 3, column: 'Födelseår', rule: 'must be a whole number' },
      ]);
      const unknown = await upload(Buffer.from('Namn,Skostorlek\nAnn,38\n'), { kind: 'participants' }, '', 'a.csv').expect(400);
      expect(unknown.body.message).toContain('"Skostorlek" is not a column');
      expect((await upload(Buffer.from([0, 1, 2, 3, 0, 0]), { kind: 'participants' }, '', 'a.bin')).status).toBe(415);
      expect((await upload(Buffer.from('Namn\nAnn\n'), { kind: 'people' }, '', 'a.csv')).status).toBe(400);
      expect((await api.post(`/api/projects/${projectId}/imports`, { kind: 'participants' })).status).toBe(415);
      // A form has no JSON body for the saved-answer check to hash: an import is idempotent by its file instead.
      const keyed = await upload(Buffer.from('Namn,Kön,Roll\nAnn,Kvinna,Forskare\n'), { kind: 'participants' }, '?dryRun=false', 'a.csv').set('Idempotency-Key', 'import-1');
      expect(keyed.status).toBe(400);
      expect(keyed.body.message).toContain('Idempotency-Key');
    });
  });

  it('onError=skip with 20,000 bad rows records the valid ones and logs a small outcome: a retry answers it', async () => {
    const bad = Array.from({ length: 20_000 }, (_, i) => `Person ${i},Okänt,Forskare`).join('\n');
    const csv = Buffer.from(`Namn,Kön,Roll\nGiltig Person,Kvinna,Forskare\n${bad}\n`);
    const res = await upload(csv, { kind: 'participants' }, '?dryRun=false&onError=skip', 'many.csv').expect(201);
    expect(res.body).toMatchObject({ rows: 20_001, valid: 1, invalid: 20_000, recorded: 1, skipped: 20_000, errorCount: 20_000 });
    expect(res.body.errors).toHaveLength(20_000);
    expect(res.body.errorsSha256).toBe(createHash('sha256').update(JSON.stringify(res.body.errors)).digest('hex'));
    const logged = (await api.allEvents()).filter((e) => e.type === 'ImportApplied' && (e.data as { importId: string }).importId === res.body.importId);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0].data).length < 200_000).toBe(true);
    const again = await upload(csv, { kind: 'participants' }, '?dryRun=false&onError=skip', 'many.csv').expect(200);
    expect(again.body).toEqual({ ...res.body, errors: res.body.errors.slice(0, 500) });
  });

  it('no cell of the file is written into the event log by a report: rules are value-free', async () => {
    const cells = ['Värdefri Ett AB', '556036-0794', 'Värdefri Två AB', '99.99x', 'Värdefri Tre AB', '2999'];
    const csv = Buffer.from(
      'Namn,Organisationsnummer,Land,Typ,Storlek,SNI,Grundat\n' +
        `${cells[0]},${cells[1]},SE,enterprise,small,,\n` +
        `${cells[2]},,SE,enterprise,small,${cells[3]},\n` +
        `${cells[4]},,SE,enterprise,small,,${cells[5]}\n`,
    );
    const res = await upload(csv, { kind: 'organisations' }, '?dryRun=false&onError=skip', 'orgs.csv').expect(201);
    expect(res.body).toMatchObject({ rows: 3, invalid: 3, recorded: 0 });
    expect(res.body.errors.map((e: { column: string }) => e.column)).toEqual(['Organisationsnummer', 'SNI', 'Grundat']);
    const events = (await api.allEvents()).filter((e) => e.metadata.importId === res.body.importId || e.type === 'ImportApplied');
    expect(JSON.stringify(events)).toContain(res.body.importId);
    // Hashes and ids are hex: a digit run such as 2999 turns up in them by chance, and says nothing of the file.
    const logged = JSON.stringify(events).replace(/[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
    const leaked = [...cells, '5560360794', '556036'].filter((cell) => logged.includes(cell));
    expect(leaked).toEqual([]);
  });

  it("no decider's refusal carries a cell into ImportApplied: dates and participant ids are answered to the sender only", async () => {
    // Each row breaks a rule whose answer to a single request shows the value sent (a date, a participant id):
    // ImportApplied keeps the rules, and must keep none of those values.
    const loggedErrors = async (importId: string) => {
      const logged = (await api.allEvents()).filter((e) => e.type === 'ImportApplied' && (e.data as { importId: string }).importId === importId);
      expect(logged).toHaveLength(1);
      return JSON.stringify((logged[0].data as { errors: unknown[] }).errors);
    };
    const people = ['Värdefri Person', 'vardefri.person@example.se', '2022-05-01', '2026-12-05', '556036-0794'];
    const participantsCsv = Buffer.from(
      'Namn,E-post,Kön,Roll,Registrerad,Organisation\n' +
        `${people[0]},${people[1]},Kvinna,Forskare,${people[2]},\n` +
        `${people[0]} Två,två.${people[1]},Kvinna,Forskare,${people[3]},\n` +
        `${people[0]} Tre,tre.${people[1]},Kvinna,Forskare,2024-01-10,${people[4]}\n`,
    );
    const registered = await upload(participantsCsv, { kind: 'participants' }, '?dryRun=false&onError=skip', 'people.csv').expect(201);
    expect(registered.body.errors.map((e: { column: string }) => e.column)).toEqual(['Registrerad', 'Registrerad', 'Organisation']);
    expect(registered.body.errors.map((e: { rule: string }) => e.rule)).toEqual([
      "The registration date lies outside the project's period (2023-01-01 to 2026-12-31)",
      'The registration date is in the future (today is 2026-11-22)',
      'names no organisation of the ledger (give its organisation number or id)',
    ]);
    const participantsLogged = await loggedErrors(registered.body.importId);
    expect(people.filter((cell) => participantsLogged.includes(cell))).toEqual([]);

    const own = (await api.post(`/api/projects/${projectId}/participants`, { person: { name: 'Närvaro Egen' }, gender: 'woman', role: 'researcher', registeredOn: '2024-01-10' }).expect(201)).body.id;
    const elsewhere = (await api.post('/api/projects', { ...crossInnovation, name: 'Another project' }).expect(201)).body.id;
    const stranger = (await api.post(`/api/projects/${elsewhere}/participants`, { person: { name: 'Närvaro Främling' }, gender: 'man', role: 'researcher', registeredOn: '2024-01-10' }).expect(201)).body.id;
    const activityId = (
      await api
        .post(`/api/projects/${projectId}/activities`, { name: 'Workshop Värdefri', format: 'workshop', crossBorder: false, startDate: '2026-11-01', endDate: '2026-12-20' })
        .expect(201)
    ).body.id;
    await upload(Buffer.from(`Deltagar-id,Datum\n${own},2026-11-02\n`), { kind: 'attendance', activityId }, '?dryRun=false', 'first.csv').expect(201);
    const cells = [own, stranger, '2026-11-02', '2026-11-03', '2026-10-15', '2026-12-10'];
    const sheet = Buffer.from(`Deltagar-id,Datum\n${own},${cells[2]}\n${stranger},${cells[3]}\n${own},${cells[4]}\n${own},${cells[5]}\n`);
    const attendance = await upload(sheet, { kind: 'attendance', activityId }, '?dryRun=false&onError=skip', 'second.csv').expect(201);
    expect(attendance.body.errors).toEqual([
      { row: 2, column: 'Deltagar-id', rule: "The participant's attendance on that day is already recorded" },
      { row: 3, column: 'Deltagar-id', rule: 'The participant belongs to another project than "Workshop Värdefri": a participant takes part only in their own project' },
      { row: 4, column: 'Datum', rule: 'The attendance date lies outside "Workshop Värdefri" (its dates) (2026-11-01 to 2026-12-20)' },
      { row: 5, column: 'Datum', rule: 'The attendance date is in the future (today is 2026-11-22)' },
    ]);
    const attendanceLogged = await loggedErrors(attendance.body.importId);
    expect(cells.filter((cell) => attendanceLogged.includes(cell))).toEqual([]);

    // The same refusal to a single request shows its sender what they sent.
    const single = await api.post(`/api/activities/${activityId}/attendance`, { participantId: own, date: cells[4] });
    expect([single.status, single.body.message]).toEqual([422, `The attendance date ${cells[4]} lies outside "Workshop Värdefri" (its dates) (2026-11-01 to 2026-12-20)`]);
  });

  it('an exported participant list imports back: apostrophe-guarded cells come back as typed, export-only columns are read past', async () => {
    const source = (await api.post('/api/projects', { ...crossInnovation, name: 'Export source' }).expect(201)).body.id;
    for (const person of [
      { name: '=Eva Lind', email: 'eva.roundtrip@example.se', phone: '+46 70 123 45 67' },
      { name: '@Ola Berg', email: 'ola.roundtrip@example.se', phone: '+46 70 765 43 21' },
    ]) {
      const made = await api.post(`/api/projects/${source}/participants`, { person, gender: 'woman', role: 'researcher', registeredOn: '2024-05-02', organisationId });
      expect([made.status, made.body.message]).toEqual([201, undefined]);
    }
    const exported = await request(api.app.getHttpServer())
      .get(`/api/projects/${source}/participants.xlsx?lang=sv&minPosition=${await head()}`)
      .set('Authorization', `Bearer ${API_KEY}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const target = (await api.post('/api/projects', { ...crossInnovation, name: 'Import target' }).expect(201)).body.id;
    const res = await upload(exported.body as Buffer, { kind: 'participants' }, '?dryRun=false', 'export.xlsx', target).expect(201);
    expect(res.body).toMatchObject({ rows: 2, valid: 2, recorded: 2, errors: [] });
    const people = async (id: string) =>
      (await api.get(`/api/projects/${id}/participants?limit=500&minPosition=${await head()}`).expect(200)).body.items
        .map((p: { person: object; gender: string; role: string; registeredOn: string; organisationId: string }) => [p.person, p.gender, p.role, p.registeredOn, p.organisationId])
        .sort((a: [{ name: string }], b: [{ name: string }]) => a[0].name.localeCompare(b[0].name));
    expect(await people(target)).toEqual(await people(source));
  });

  it('organisations from a CSV, and attendance from an XLSX, with Swedish words', async () => {
    const csv = Buffer.from(
      'Namn;Organisationsnummer;Land;Typ;Storlek;Grundat\n' +
        'Ronneby Ljud AB;556677-8899;Sverige;Företag;Mikro;2019\n' +
        'Karlshamns kommun;;SE;Kommun;;\n' +
        'Havsfabriken AB;5560360793;SE;Företag;Liten;2001\n' +
        'Trasigt AB;;SE;Företag;;\n',
    );
    const orgs = await upload(csv, { kind: 'organisations' }, '?dryRun=false&onError=skip', 'orgs.csv').expect(201);
    expect(orgs.body).toMatchObject({ rows: 4, valid: 3, invalid: 1, recorded: 2, matched: 1 });
    expect(orgs.body.errors).toEqual([{ row: 5, column: 'Storlek', rule: expect.stringContaining('sizeClass') }]);

    const activityId = (
      await api
        .post(`/api/projects/${projectId}/activities`, { name: 'Workshop Ronneby', format: 'workshop', crossBorder: false, startDate: '2024-04-10', endDate: '2024-04-12' })
        .expect(201)
    ).body.id;
    const sheet = await xlsx(['Datum', 'E-post'], [
      [new Date(Date.UTC(2024, 3, 10)), 'anna@example.se'],
      ['2024-04-11', 'ANNA@example.se'],
      ['2024-04-11', 'anna@example.se'],
      ['2024-04-20', 'frida@example.se'],
      ['2024-04-11', 'nobody@example.se'],
    ]);
    const res = await upload(sheet, { kind: 'attendance', activityId }, '?dryRun=false&onError=skip').expect(201);
    expect(res.body).toMatchObject({ rows: 5, valid: 2, invalid: 3, recorded: 2 });
    expect(res.body.errors.map(({ row, column }: { row: number; column: string }) => [row, column])).toEqual([
      [4, 'E-post'],
      [5, 'Datum'],
      [6, 'E-post'],
    ]);
    const activity = await api.get(`/api/activities/${activityId}`).expect(200);
    expect(activity.body.attendance.total).toBe(2);
    expect((await upload(sheet, { kind: 'attendance' })).status).toBe(400);
  });
});
