import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY, crossInnovation, startApi } from '../../../test/support/api-fixture.js';
import { cliRunner } from '../../../test/support/cli-runner.js';

/** `ledger import`: the same import as the API, from the command line. */
describe('ledger import', () => {
  let dir: string;
  let projectId: string;
  let file: string;
  const run = cliRunner(() => dir);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-import-'));
    const api = await startApi(undefined, { dataDir: dir });
    projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id;
    await api.close();
    file = join(dir, 'deltagare.csv');
    writeFileSync(
      file,
      'Namn;E-post;Kön;Roll;Registrerad\n' +
        'Anna Söderberg;anna@example.se;Kvinna;Kreatör;2024-03-01\n' +
        'Bo Ek;bo@example.se;Okänt;Forskare;2024-03-02\n' +
        'Cia Lund;cia@example.se;Man;Student;2024-03-03\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks every row in a dry run, refuses to apply with an invalid row, and records the valid ones with --skip-invalid, once', async () => {
    const args = ['import', '--project', projectId, '--kind', 'participants', '--file', file];
    const dry = await run(args);
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.out)).toMatchObject({ rows: 3, valid: 2, invalid: 1, recorded: 0, errors: [{ row: 3, column: 'Kön' }] });
    expect(dry.err).toContain('A dry run: nothing was recorded');

    const refused = await run([...args, '--apply']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ recorded: 0 });
    expect(refused.err).toContain('Nothing was recorded');

    const applied = await run([...args, '--apply', '--skip-invalid']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out)).toMatchObject({ rows: 3, recorded: 2, skipped: 1 });

    const again = await run([...args, '--apply', '--skip-invalid']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toEqual(JSON.parse(applied.out));
    expect(again.err).toContain('imported before');

    // A dry run of the applied file answers what was applied, marked as such, rather than checking its rows again.
    const dryAgain = await run(args);
    expect(dryAgain.code).toBe(0);
    expect(JSON.parse(dryAgain.out)).toEqual({ ...JSON.parse(applied.out), alreadyApplied: true, appliedAt: expect.any(String) });
    expect(dryAgain.err).toContain('This file was applied on');

    // Against the running service: the same import, answered as the first outcome, and the list shows it.
    const api = await startApi(undefined, { dataDir: dir });
    try {
      const url = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
      const remote = await run([...args, '--apply', '--skip-invalid', '--url', url], { env: { LEDGER_TOKEN: API_KEY } });
      expect(remote.code).toBe(0);
      expect(JSON.parse(remote.out)).toEqual(JSON.parse(applied.out));
      const imports = await api.get(`/api/projects/${projectId}/imports`).expect(200);
      expect(imports.body.items).toEqual([expect.objectContaining({ recorded: 2, skipped: 1, actor: 'system:cli' })]);
    } finally {
      await api.close();
    }
  });

  it('answers wrong usage with exit 2 and --help with every option', async () => {
    expect((await run(['import', '--project', projectId, '--file', file])).code).toBe(2);
    expect((await run(['import', '--project', 'nope', '--kind', 'participants', '--file', file])).code).toBe(2);
    expect((await run(['import', '--project', projectId, '--kind', 'attendance', '--file', file])).code).toBe(2);
    const help = await run(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--skip-invalid');
    expect(help.out).toContain('--url');
  });
});
