import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@app/event-store';
import { PROJECTIONS } from '@app/reporting';
import { cliRunner } from '../../../test/support/cli-runner.js';
import { PROJECT, projectRegistered, registration } from '../../../test/support/new-events.js';
import { COMMANDS } from './ledger.cli.js';

const words = (name: string) => name.split(' ');

/** The least each command needs to get as far as reading the configuration. */
const READS_CONFIGURATION: Array<[string, string[]]> = [
  ['projections status', []],
  ['projections rebuild', []],
  ['verify', []],
  ['audit export', ['--project', PROJECT, '--out', 'x.jsonl']],
  ['replay', ['--as-of', '1', '--project', PROJECT]],
  ['access grant-admin', []],
  ['backup', ['--out', 'backup']],
  ['migrate', ['--to', 'eventstoredb']],
];

describe('every ledger command', () => {
  let dir: string;
  const run = cliRunner(() => dir);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-commands-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, out: `ledger ${version}\n`, err: '' });
  });

  it('lists every command, the exit codes and the configuration in ledger --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(out).toContain(`  ${command.name} `);
    expect(out).toContain('Exit codes: 0 done (or verified), 1 failed');
    expect(out).toContain('2 wrong usage');
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))('answers "ledger %s --help" with its usage and every option, exit 0', async (name, command) => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await run([...words(name), flag]);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toMatch(new RegExp(`^Usage: ledger ${name} `));
      for (const option of Object.keys(command.options)) expect(out).toContain(`--${option}`);
      expect(out).toContain('--help, -h');
    }
  });

  it('answers help for a group of commands', async () => {
    const { code, out } = await run(['projections', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: ledger projections status');
    expect(out).toContain('Usage: ledger projections rebuild');
  });

  it.each(COMMANDS.map((command) => [command.name]))('refuses an unknown option to "ledger %s" with exit 2 and its usage', async (name) => {
    const { code, out, err } = await run([...words(name), '--bogus']);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain("Unknown option '--bogus'");
    expect(err).toContain(`Usage: ledger ${name}`);
  });

  it.each(READS_CONFIGURATION)('answers a bad configuration to "ledger %s" with one line and exit 1', async (name, args) => {
    for (const env of [
      { LEDGER_EVENT_STORE: 'postgres' },
      { LEDGER_EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://127.0.0.1:2113' },
      { LEDGER_MAX_APPEND_BYTES: 'lots' },
    ]) {
      const { code, out, err } = await run([...words(name), ...args], { env });
      expect({ code, out }).toEqual({ code: 1, out: '' });
      expect(err).toMatch(/^Invalid configuration: [^\n]+\n$/);
    }
  });

  it('prints one line and no stack trace from the real process (ledger replay with a bad LEDGER_EVENT_STORE)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'replay', '--as-of', '1', '--project', PROJECT], {
      env: { ...process.env, NODE_OPTIONS: '', LEDGER_DATA_DIR: dir, LEDGER_EVENT_STORE: 'postgres' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Invalid configuration: LEDGER_EVENT_STORE must be one of sqlite, eventstoredb (got "postgres"); leave it unset for sqlite\n');
  });

  describe('--json', () => {
    const append = async () => {
      const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
      try {
        await store.appendToStream(`project-${PROJECT}`, [projectRegistered]);
        await store.appendToStream('participant-p-1', [registration(1)]);
      } finally {
        await store.close();
      }
    };

    it('projections status --json: every projection with its version, the code\'s, checkpoint and state', async () => {
      await append();
      expect((await run(['projections', 'rebuild'])).code).toBe(0);
      const { code, out } = await run(['projections', 'status', '--json']);
      expect(code).toBe(0);
      const { projections } = JSON.parse(out) as { projections: Array<Record<string, unknown>> };
      expect(projections.map((p) => p.name)).toEqual(PROJECTIONS.map((p) => p.name));
      for (const [index, projection] of PROJECTIONS.entries()) {
        expect(projections[index]).toMatchObject({ version: projection.version, codeVersion: projection.version, checkpoint: 2, state: 'live' });
      }
    });

    it('verify --json: the counts and chain head, or the problem with exit 1', async () => {
      await append();
      const good = await run(['verify', '--json']);
      expect(good.code).toBe(0);
      expect(JSON.parse(good.out)).toMatchObject({ ok: true, events: 2, streams: 2, lastPosition: 2, chainHead: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const db = new Database(join(dir, 'events.sqlite'));
      try {
        // The store's triggers refuse edits; an attacker with the file drops them first.
        for (const name of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all() as string[]) db.exec(`DROP TRIGGER "${name}"`);
        db.prepare(`UPDATE events SET data = json_set(data, '$.gender', 'man') WHERE position = 2`).run();
      } finally {
        db.close();
      }
      const bad = await run(['verify', '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.out)).toMatchObject({ ok: false, events: 1, problem: { kind: 'hash-mismatch', position: 2, streamName: 'participant-p-1' } });
    });
  });
});
