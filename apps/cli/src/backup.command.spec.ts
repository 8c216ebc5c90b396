import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@app/event-store';
import { startApi } from '../../../test/support/api-fixture.js';
import { cliRunner } from '../../../test/support/cli-runner.js';
import { recordCrossInnovationChallenge } from '../../../test/support/cross-innovation.scenario.js';
import { BACKUP_ORDER, type BackupManifest } from './data-backup.js';

const sqlite = (dataDir: string) => ({ kind: 'sqlite' as const, file: join(dataDir, 'events.sqlite') });

/** `node --import tsx <script>` with the test's environment, as the crash tests run their children. */
function child(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
}

async function waitForLine(stream: NodeJS.ReadableStream, matches: (line: string) => boolean): Promise<string> {
  for await (const line of createInterface({ input: stream })) if (matches(line)) return line;
  throw new Error('the child ended before printing the line waited for');
}

const eventCount = async (file: string) => {
  const store = SqliteEventStore.open({ file });
  try {
    return (await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 }))[0]?.position ?? 0;
  } finally {
    await store.close();
  }
};

describe('ledger backup and ledger restore', () => {
  let root: string;
  let data: string;
  const ledger = cliRunner(() => data);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ledger-backup-'));
    data = join(root, 'data');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The service's four files and server.key, with a recorded programme in them. */
  const recordProgramme = async () => {
    const api = await startApi(undefined, { dataDir: data, eventStore: sqlite(data) });
    try {
      const scenario = await recordCrossInnovationChallenge(api);
      const indicators = (await api.get(`/api/projects/${scenario.projectId}/indicators?minPosition=${scenario.lastPosition}`).expect(200)).body.indicators;
      const participants = (await api.get(`/api/projects/${scenario.projectId}/participants?limit=500`).expect(200)).body.items;
      return { scenario, indicators, participants };
    } finally {
      await api.close();
    }
  };

  it('takes a consistent backup while 8 writers append; it verifies, restores owner-only, the service starts on it and ledger verify counts the backup\'s events', async () => {
    const before = await recordProgramme();
    expect(readdirSync(data)).toEqual(expect.arrayContaining([...BACKUP_ORDER]));
    const writers = child('test/operations/append-with-writers.ts', [join(data, 'events.sqlite'), '8']);
    try {
      await waitForLine(writers.stdout!, (line) => line === 'ready');
      const backup = await ledger(['backup', '--out', join(root, 'backup')]);
      expect(backup).toMatchObject({ code: 0, out: expect.stringMatching(/^Backed up 5 files into /) });
      expect(backup.err).toContain('copied events.sqlite (4 of 5)');
    } finally {
      writers.kill('SIGKILL');
      await new Promise((resolve) => writers.once('exit', resolve));
    }
    const manifest = JSON.parse(readFileSync(join(root, 'backup', 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.files.map((f) => f.name)).toEqual([...BACKUP_ORDER]);
    // The writers were appending before and after the copy: the backup is a point in the middle of the load.
    expect(manifest.eventCount).toBeGreaterThan(before.scenario.lastPosition + 8);
    expect(await eventCount(join(data, 'events.sqlite'))).toBeGreaterThan(manifest.eventCount);
    expect(manifest.logHead).toBe(manifest.eventCount);
    expect(manifest.chainHead).toMatch(/^[0-9a-f]{64}$/);

    const verified = await ledger(['backup', '--verify', join(root, 'backup'), '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, eventCount: manifest.eventCount, chainHead: manifest.chainHead });

    const restored = join(root, 'restored');
    const restore = await ledger(['restore', '--from', join(root, 'backup'), '--to', restored]);
    expect(restore).toMatchObject({ code: 0, err: '' });
    expect(statSync(restored).mode & 0o777).toBe(0o700);
    expect(readdirSync(restored).sort()).toEqual([...BACKUP_ORDER].sort());
    for (const name of readdirSync(restored)) expect([name, statSync(join(restored, name)).mode & 0o777]).toEqual([name, 0o600]);

    const onRestored = cliRunner(() => restored);
    const verify = await onRestored(['verify']);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(new RegExp(`^All ${manifest.eventCount.toLocaleString('en')} events in [\\d,]+ streams verified: .*\\(head ${manifest.chainHead}\\)`));

    // The service starts on it, takes the hand-chosen admin token (server.key came along), and answers the same
    // figures and names (keys.sqlite came along).
    const api = await startApi(undefined, { dataDir: restored, eventStore: sqlite(restored) });
    try {
      await api.get('/health').expect(200);
      const indicators = await api.get(`/api/projects/${before.scenario.projectId}/indicators?minPosition=${manifest.logHead}`).expect(200);
      expect(indicators.body.indicators).toEqual(before.indicators);
      const participants = await api.get(`/api/projects/${before.scenario.projectId}/participants?limit=500`).expect(200);
      expect(participants.body.items).toEqual(before.participants);
    } finally {
      await api.close();
    }
  }, 180_000);

  it('never takes a backup killed half-way for a good one', async () => {
    await recordProgramme();
    const out = join(root, 'backup');
    const cli = child('apps/cli/src/main.ts', ['backup', '--out', out], { LEDGER_DATA_DIR: data, NODE_ENV: 'test', LEDGER_TEST_PAUSE_MS: '600000' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => cli.once('exit', (_code, signal) => resolve(signal)));
    await waitForLine(cli.stderr!, (line) => line.startsWith('copied events.sqlite'));
    cli.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(existsSync(out)).toBe(false);
    const partials = readdirSync(root).filter((name) => name.startsWith('backup.partial-'));
    expect(partials).toHaveLength(1);
    const partial = join(root, partials[0]);
    // Killed with the log copied and keys.sqlite and the manifest still to come.
    expect(readdirSync(partial).sort()).toEqual(['events.sqlite', 'reporting.sqlite', 'server.key', 'service.sqlite']);

    const atOut = await ledger(['backup', '--verify', out]);
    expect(atOut).toMatchObject({ code: 1, out: `Backup verification FAILED: there is no backup directory ${out}.\n` });
    const atPartial = await ledger(['backup', '--verify', partial, '--json']);
    expect(atPartial.code).toBe(1);
    expect(JSON.parse(atPartial.out)).toMatchObject({ ok: false, problem: expect.stringContaining('has no manifest.json: it is not a finished backup') });
    const restore = await ledger(['restore', '--from', partial, '--to', join(root, 'restored')]);
    expect(restore).toMatchObject({ code: 1, err: expect.stringContaining('The backup does not verify') });
    expect(existsSync(join(root, 'restored'))).toBe(false);

    // The next backup to the same place is not in the way of the leftover.
    expect((await ledger(['backup', '--out', out])).code).toBe(0);
    expect((await ledger(['backup', '--verify', out])).code).toBe(0);
  }, 180_000);

  it('fails --verify when a file of the backup changed, or the manifest is missing, naming what is wrong', async () => {
    await recordProgramme();
    const out = join(root, 'backup');
    expect((await ledger(['backup', '--out', out])).code).toBe(0);
    const keys = join(out, 'keys.sqlite');
    const bytes = readFileSync(keys);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(keys, bytes);
    const changed = await ledger(['backup', '--verify', out]);
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/^Backup verification FAILED: keys\.sqlite does not match its SHA-256 in the manifest/);

    rmSync(join(out, 'manifest.json'));
    expect((await ledger(['backup', '--verify', out])).out).toContain('has no manifest.json');
  });

  it('restores only into a new or empty directory, and touches nothing when refused', async () => {
    await recordProgramme();
    const out = join(root, 'backup');
    expect((await ledger(['backup', '--out', out])).code).toBe(0);
    const target = join(root, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'events.sqlite'), 'not yours');
    const refused = await ledger(['restore', '--from', out, '--to', target]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not empty \(1 entry: events\.sqlite\); restore into a new or empty directory/);
    expect(readdirSync(target)).toEqual(['events.sqlite']);
    expect(readFileSync(join(target, 'events.sqlite'), 'utf8')).toBe('not yours');
    expect(readdirSync(root).filter((name) => name.includes('.restoring-'))).toEqual([]);

    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect((await ledger(['restore', '--from', out, '--to', empty])).code).toBe(0);
    expect(statSync(empty).mode & 0o777).toBe(0o700);

    // A backup into a directory that holds something is refused the same way.
    const again = await ledger(['backup', '--out', target]);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('is not empty') });
  });

  it('refuses the test-only slow-down outside the test suite, in one line', async () => {
    await recordProgramme();
    const result = await ledger(['backup', '--out', join(root, 'backup')], { env: { LEDGER_TEST_PAUSE_MS: '10', NODE_ENV: 'production' } });
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toBe('Invalid configuration: LEDGER_TEST_PAUSE_MS slows commands down for the test suite only (with NODE_ENV=test); unset it\n');
    expect(existsSync(join(root, 'backup'))).toBe(false);
    expect(dirname(data)).toBe(root);
  });
});
