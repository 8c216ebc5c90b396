import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@app/event-store';
import { IndicatorCalculator, openReadModelDatabase, PROJECTIONS, readProjectionStates, ReadModelReplay } from '@app/reporting';
import { dumpReadModels } from '../../../test/support/read-model-dump.js';
import { cliRunner } from '../../../test/support/cli-runner.js';
import { PROJECT, projectRegistered, registration } from '../../../test/support/new-events.js';


const NAMES = PROJECTIONS.map((p) => p.name);

describe('the ledger command line', () => {
  let dir: string;

  /** Runs the CLI against the temporary data directory, capturing what it writes. */
  const run = cliRunner(() => dir);

  /** Appends to `<dir>/events.sqlite` as the service would, then closes the store; answers the last position. */
  const append = async (streams: Array<[string, NewEvent[]]>) => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    try {
      let position = 0;
      for (const [stream, events] of streams) position = (await store.appendToStream(stream, events)).position;
      return position;
    } finally {
      await store.close();
    }
  };
  const readAll = async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    try {
      return await store.readAll();
    } finally {
      await store.close();
    }
  };

  /** The rows of `projections status`, by projection name. */
  const statusRows = (out: string) => {
    const [header, ...lines] = out.trimEnd().split('\n');
    expect(header).toMatch(/^projection\s+version\s+checkpoint\s+last rebuilt$/);
    return new Map(
      lines.map((line) => {
        // Fixed-width columns: projection 16, version 10, checkpoint 14, then the time of the last rebuild.
        const cells = [line.slice(16, 32), line.slice(32, 46), line.slice(46)].map((cell) => cell.trim());
        return [line.slice(0, 16).trim(), { line, cells }];
      }),
    );
  };
  const status = async () => {
    const result = await run(['projections', 'status']);
    expect(result).toMatchObject({ code: 0, err: '' });
    return statusRows(result.out);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('usage', () => {
    it('prints the usage and exits 2 without arguments', async () => {
      const { code, out, err } = await run([]);
      expect(code).toBe(2);
      expect(out).toContain('Usage: ledger <command>');
      expect(out).toContain('projections status');
      expect(out).toContain('projections rebuild [name...]');
      expect(out).toContain(`Projections: ${NAMES.join(', ')}`);
      expect(err).toBe('');
    });

    it.each([['help'], ['--help'], ['-h']])('prints the usage and exits 0 on %s', async (flag) => {
      const { code, out, err } = await run([flag]);
      expect(code).toBe(0);
      expect(out).toContain('Usage: ledger <command>');
      expect(err).toBe('');
    });

    it.each([[['frobnicate']], [['projections']], [['projections', 'delete']], [['status']]])('exits 2 naming an unknown command: %j', async (args) => {
      const { code, out, err } = await run(args);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`Unknown command "${args.join(' ')}"`);
      expect(err).toContain('Usage: ledger <command>');
    });

    it('exits 2 naming an unknown projection and listing the known ones, before touching any file', async () => {
      const one = await run(['projections', 'rebuild', 'nope']);
      expect(one.code).toBe(2);
      expect(one.out).toBe('');
      expect(one.err).toMatch(new RegExp(`^Unknown projection nope; known: ${NAMES.join(', ')}\nUsage: ledger projections rebuild \\[name\\.\\.\\.\\]\n`));
      const two = await run(['projections', 'rebuild', 'participants', 'nope', 'bogus']);
      expect(two.code).toBe(2);
      expect(two.err).toContain('Unknown projections nope, bogus; known: ');
      expect(existsSync(join(dir, 'reporting.sqlite'))).toBe(false);
      expect(existsSync(join(dir, 'events.sqlite'))).toBe(false);
    });

    it('exits 2 when status is given arguments', async () => {
      const { code, err } = await run(['projections', 'status', 'participants']);
      expect(code).toBe(2);
      expect(err).toContain("Unexpected argument 'participants'");
      expect(err).toContain('Usage: ledger projections status [--json]');
    });
  });

  it('lists every projection as not built in a fresh data directory', async () => {
    const { code, out, err } = await run(['projections', 'status']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const rows = statusRows(out);
    expect([...rows.keys()]).toEqual(NAMES);
    for (const name of NAMES) expect(rows.get(name)!.cells).toEqual(['not built', '0', '-']);
  });

  it('rebuilds every projection from the log, reporting progress on stderr, then status shows version and checkpoint', async () => {
    await append([[`project-${PROJECT}`, [projectRegistered]], ['participant-p-1', [registration(1)]]]);
    const last = await append([['participant-p-2', [registration(2, 'man')]]]);
    expect(last).toBe(3);

    const { code, out, err } = await run(['projections', 'rebuild']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Rebuilt ${NAMES.join(', ')} from 3 events in \\d+\\.\\d s \\([\\d,]+ events/s\\); swapped in at position 3\\n$`));
    const lines = err.split('\n');
    expect(lines[0]).toBe(`Rebuilding ${NAMES.join(', ')} into ${join(dir, 'reporting.sqlite')}`);
    // Not a terminal: whole lines, no carriage returns or escape codes.
    expect(err).not.toMatch(/[\r\x1b]/);
    expect(lines).toContainEqual(expect.stringMatching(/^\[#{30}\] 100% {2}3 events {2}[\d,]+ events\/s {2}\d+ s left$/));
    expect(lines).toContain('swapping the rebuilt tables in');
    expect(err.endsWith('\n')).toBe(true);

    const rows = await status();
    expect([...rows.keys()]).toEqual(NAMES);
    for (const projection of PROJECTIONS) {
      const [version, checkpoint, rebuiltAt] = rows.get(projection.name)!.cells;
      expect(version).toBe(String(projection.version));
      expect(checkpoint).toBe(String(last));
      expect(new Date(rebuiltAt).toISOString()).toBe(rebuiltAt);
    }
  });

  it('builds read models with the right figures, equal to a replay of the log', async () => {
    await append([
      [`project-${PROJECT}`, [projectRegistered]],
      ['participant-p-1', [registration(1)]],
      ['participant-p-2', [registration(2, 'man')]],
      ['participant-p-3', [registration(3, 'not-stated')]],
    ]);
    expect((await run(['projections', 'rebuild'])).code).toBe(0);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    try {
      const { position, indicators } = new IndicatorCalculator(db).compute({ kind: 'project', projectId: PROJECT }, {});
      expect(position).toBe(4);
      expect(indicators.find((i) => i.code === 'participants')).toMatchObject({
        value: 3,
        breakdown: { gender: { woman: 1, man: 1, another: 0, 'not-stated': 1 } },
      });
      const programme = new IndicatorCalculator(db).compute({ kind: 'programme', fund: 'ERDF' }, {});
      expect(programme.indicators.find((i) => i.code === 'participants')!.value).toBe(3);
      expect(new IndicatorCalculator(db).compute({ kind: 'programme', fund: 'Interreg' }, {}).indicators.find((i) => i.code === 'participants')!.value).toBe(0);
      expect(dumpReadModels(db)).toEqual(dumpReadModels(new ReadModelReplay().apply(await readAll()).db));
      // Nothing of the rebuild is left behind.
      expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE '%\\_\\_rebuild%' ESCAPE '\\' OR name LIKE '%\\_\\_retired%' ESCAPE '\\'`).pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('rebuilds only the projections named', async () => {
    await append([[`project-${PROJECT}`, [projectRegistered]], ['participant-p-1', [registration(1)]]]);
    expect((await run(['projections', 'rebuild'])).code).toBe(0);
    const before = await status();
    const last = await append([['participant-p-2', [registration(2, 'man')]]]);

    const { code, out, err } = await run(['projections', 'rebuild', 'participants']);
    expect(code).toBe(0);
    expect(err.split('\n')[0]).toBe(`Rebuilding participants into ${join(dir, 'reporting.sqlite')}`);
    expect(out).toMatch(/^Rebuilt participants from 3 events in .*; swapped in at position 3\n$/);

    const after = await status();
    expect(after.get('participants')!.cells.slice(0, 2)).toEqual([String(PROJECTIONS.find((p) => p.name === 'participants')!.version), String(last)]);
    for (const name of NAMES.filter((n) => n !== 'participants')) expect(after.get(name)!.line).toBe(before.get(name)!.line);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    try {
      expect(readProjectionStates(db).get('projects')!.checkpoint).toBe(2);
      const figures = new IndicatorCalculator(db).compute({ kind: 'project', projectId: PROJECT }, {}).indicators;
      expect(figures.find((i) => i.code === 'participants')).toMatchObject({ value: 2, breakdown: { gender: { woman: 1, man: 1 } } });
    } finally {
      db.close();
    }
  });

  it('redraws one progress line on a terminal, and clears it when done', async () => {
    await append([[`project-${PROJECT}`, [projectRegistered]], ['participant-p-1', [registration(1)]]]);
    const { code, out, err } = await run(['projections', 'rebuild'], { interactive: true });
    expect(code).toBe(0);
    expect(out).toContain('from 2 events');
    const [first, ...rest] = err.split('\n');
    expect(first).toBe(`Rebuilding ${NAMES.join(', ')} into ${join(dir, 'reporting.sqlite')}`);
    // After the first line, progress is redrawn in place: no further line breaks.
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/^\r\x1b\[2K\[/);
    expect(err).toContain('\r\x1b[2Kswapping the rebuilt tables in');
    expect(err.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('shows a stored version that differs from the code\'s next to the code\'s', async () => {
    await SqliteEventStore.open({ file: join(dir, 'events.sqlite') }).close();
    expect((await run(['projections', 'rebuild'])).code).toBe(0);
    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    try {
      db.prepare(`UPDATE projection_state SET version = 0 WHERE name = 'participants'`).run();
    } finally {
      db.close();
    }
    const participants = PROJECTIONS.find((p) => p.name === 'participants')!;
    expect((await status()).get('participants')!.line).toMatch(new RegExp(`^participants +0 \\(code: ${participants.version}\\)`));
  });

  it('refuses to rebuild when the data directory holds no event store, and creates nothing', async () => {
    const { code, out, err } = await run(['projections', 'rebuild']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`There is no event store at ${join(dir, 'events.sqlite')}`);
    expect(existsSync(join(dir, 'reporting.sqlite'))).toBe(false);
  });

  it('exits 1 naming LEDGER_EVENT_STORE when it is not a known kind', async () => {
    const { code, out, err } = await run(['projections', 'rebuild'], { env: { LEDGER_EVENT_STORE: 'bogus' } });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('Invalid configuration: LEDGER_EVENT_STORE must be one of sqlite, eventstoredb (got "bogus"); leave it unset for sqlite\n');
  });

  it('exits 1 naming EVENTSTORE_CONNECTION_STRING when eventstoredb is chosen without one', async () => {
    const { code, err } = await run(['projections', 'rebuild'], { env: { LEDGER_EVENT_STORE: 'eventstoredb' } });
    expect(code).toBe(1);
    expect(err).toContain('EVENTSTORE_CONNECTION_STRING is required');
  });

  it('exits 1 when the data directory holds a file that is not a reporting database', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'reporting.sqlite') });
    await store.close();
    const { code, err } = await run(['projections', 'status']);
    expect(code).toBe(1);
    expect(err).toMatch(/^ledger failed: .*reporting\.sqlite is not a Programme Ledger reporting database/);
  });
});
