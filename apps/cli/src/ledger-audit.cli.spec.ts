import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { EventStoreDbEventStore, eventHash, SqliteEventStore, type NewEvent, type RecordedEvent } from '@app/event-store';
import { startEsdbTestServer } from '../../../test/esdb/esdb-test-server.js';
import { cliRunner } from '../../../test/support/cli-runner.js';

const PROJECT = '11111111-1111-4111-8111-111111111111';
const OTHER_PROJECT = '22222222-2222-4222-8222-222222222222';
const ORGANISATION = '33333333-3333-4333-8333-333333333333';
const ORGANISATION_NAME = 'Oresundsbron Creative Lab AB';
const meta = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2025-01-01T00:00:00.000Z' };

const projectRegistered = (projectId: string, name: string): NewEvent => ({
  type: 'ProjectRegistered',
  data: { projectId, name, programme: 'x', fund: 'ERDF', startDate: '2024-01-01', endDate: '2026-12-31', countries: ['SE'] },
  metadata: meta,
});
const target = (projectId: string, indicator: string): NewEvent => ({
  type: 'IndicatorTargetSet',
  data: { projectId, indicator, target: 10 },
  metadata: meta,
});
const registration = (projectId: string, n: number, gender = 'woman'): NewEvent => ({
  type: 'ParticipantRegistered',
  data: { participantId: `p-${n}`, projectId, person: { keyId: 'k', ciphertext: '' }, gender, role: 'creative', registeredOn: '2024-03-01' },
  metadata: meta,
});
const correction = (n: number): NewEvent => ({
  type: 'ParticipantCorrected',
  data: { participantId: `p-${n}`, gender: 'man' },
  metadata: { ...meta, reason: 'typo' },
});

/**
 * The log the tests share: two projects, an organisation (no project), participants, an activity, with
 * single and multi-event appends interleaved across streams. 14 events; 11 of them are PROJECT's.
 */
const LOG: Array<[string, NewEvent[]]> = [
  [`project-${PROJECT}`, [projectRegistered(PROJECT, 'Cross Innovation'), target(PROJECT, 'RCO01')]],
  [`organisation-${ORGANISATION}`, [{ type: 'OrganisationRegistered', data: { organisationId: ORGANISATION, name: ORGANISATION_NAME }, metadata: meta }]],
  ['participant-p-1', [registration(PROJECT, 1)]],
  [`project-${OTHER_PROJECT}`, [projectRegistered(OTHER_PROJECT, 'Other')]],
  ['participant-p-2', [registration(PROJECT, 2), correction(2), correction(2)]],
  ['participant-p-9', [registration(OTHER_PROJECT, 9)]],
  ['activity-a-1', [{ type: 'ActivityOpened', data: { activityId: 'a-1', projectId: PROJECT, format: 'challenge' }, metadata: meta }]],
  ['participant-p-1', [correction(1)]],
  [`project-${PROJECT}`, [target(PROJECT, 'RCO02')]],
  ['activity-a-1', [
    { type: 'AttendanceRecorded', data: { activityId: 'a-1', participantId: 'p-1' }, metadata: meta },
    { type: 'AttendanceRecorded', data: { activityId: 'a-1', participantId: 'p-2' }, metadata: meta },
  ]],
];

describe('ledger verify and ledger audit export', () => {
  let dir: string;
  const storeFile = () => join(dir, 'events.sqlite');

  const run = cliRunner(() => dir);

  /** Writes LOG through the store as the service would, and closes it (which checkpoints the WAL). */
  const writeLog = async () => {
    const store = SqliteEventStore.open({ file: storeFile() });
    try {
      for (const [stream, events] of LOG) await store.appendToStream(stream, events);
    } finally {
      await store.close();
    }
    expect(existsSync(`${storeFile()}-wal`)).toBe(false);
  };
  const readAll = async (): Promise<RecordedEvent[]> => {
    const store = SqliteEventStore.open({ file: storeFile() });
    try {
      return await store.readAll();
    } finally {
      await store.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('usage', () => {
    it('lists the new commands', async () => {
      const { code, out } = await run(['help']);
      expect(code).toBe(0);
      expect(out).toContain('  verify [--file <file.jsonl>] [--json]');
      expect(out).toContain('  audit export --project <id> --out <file.jsonl>');
    });

    it.each([
      [['verify', 'everything']],
      [['verify', '--file']],
      [['verify', '--file', 'a', '--file', 'b']],
      [['audit']],
      [['audit', 'import']],
      [['audit', 'export']],
      [['audit', 'export', '--project', PROJECT]],
      [['audit', 'export', '--out', 'x.jsonl']],
      [['audit', 'export', '--project', PROJECT, '--out', 'x.jsonl', '--force', 'yes']],
    ])('exits 2 on wrong usage, touching nothing: %j', async (args) => {
      const { code, out, err } = await run(args);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(args[0] === 'verify' ? /^Usage: ledger verify \[--file <file\.jsonl>\] \[--json\]$/m : /^Usage: ledger /m);
      if (args[0] === 'audit') expect(err).toContain('audit export --project <id> --out <file.jsonl>');
      expect(readdirSync(dir)).toEqual([]);
    });
  });

  describe('ledger verify (the embedded store)', () => {
    it('verifies an untouched log: exit 0 with the count of events and streams', async () => {
      await writeLog();
      const { code, out, err } = await run(['verify']);
      expect(code).toBe(0);
      expect(out).toMatch(/^All 14 events in 7 streams verified: every hash recomputes, every stream's chain is unbroken, positions 1 to 14 have no gap, and the global chain holds \(head [0-9a-f]{64}\)\.\n$/);
      expect(err.split('\n')[0]).toBe(`Verifying the event log in ${storeFile()}`);
      expect(err).toMatch(/\[#{30}\] 100% {2}14 events/);
    });

    it('names the event one byte of which was changed in the file, and exits 1', async () => {
      await writeLog();
      const organisation = (await readAll()).find((e) => e.streamName === `organisation-${ORGANISATION}`)!;
      expect(organisation.position).toBe(3);

      // SQLite leaves stale copies of moved cells in free space: change the copy the row is read from.
      const original = readFileSync(storeFile());
      const copies: number[] = [];
      for (let at = original.indexOf(ORGANISATION_NAME, 0, 'latin1'); at >= 0; at = original.indexOf(ORGANISATION_NAME, at + 1, 'latin1')) {
        copies.push(at);
      }
      expect(copies.length).toBeGreaterThan(0);
      let changed = false;
      for (const at of copies) {
        const bytes = Buffer.from(original);
        const offset = at + ORGANISATION_NAME.indexOf('Creative');
        expect(String.fromCharCode(bytes[offset])).toBe('C');
        bytes[offset] = 'K'.charCodeAt(0);
        writeFileSync(storeFile(), bytes);
        // SQLite itself sees nothing wrong: the row is as well-formed as before.
        const name = ((await readAll()).find((e) => e.position === 3)!.data as { name: string }).name;
        if (name === 'Oresundsbron Kreative Lab AB') {
          changed = true;
          break;
        }
        expect(name).toBe(ORGANISATION_NAME);
      }
      expect(changed).toBe(true);
      const now = readFileSync(storeFile());
      expect(now.length).toBe(original.length);
      expect(now.filter((byte, index) => byte !== original[index]).length).toBe(1);

      const { code, out } = await run(['verify']);
      expect(code).toBe(1);
      expect(out).toContain(
        `Verification FAILED. Event at position 3 (stream organisation-${ORGANISATION}, revision 0, event ${organisation.id}): ` +
          'its content does not match its hash',
      );
      expect(out).toContain('(2 events in 1 stream before it verified.)');
    });

    it('verifies an empty log', async () => {
      await SqliteEventStore.open({ file: storeFile() }).close();
      const { code, out } = await run(['verify']);
      expect(code).toBe(0);
      expect(out).toBe('All 0 events in 0 streams verified: the log is empty.\n');
    });

    it('exits 1 when there is no store, creating nothing', async () => {
      const { code, err } = await run(['verify']);
      expect(code).toBe(1);
      expect(err).toContain(`There is no event store at ${storeFile()}`);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('redraws its progress in place on a terminal and clears it at the end', async () => {
      await writeLog();
      const { code, err } = await run(['verify'], { interactive: true });
      expect(code).toBe(0);
      expect(err.split('\n')).toHaveLength(2);
      expect(err).toMatch(/\r\x1b\[2K\[#+/);
      expect(err.endsWith('\r\x1b[2K')).toBe(true);
    });
  });

  describe('ledger audit export and verify --file', () => {
    const out = () => join(dir, 'audit', 'export.jsonl');
    const lines = (file = out()) => readFileSync(file, 'utf8').trimEnd().split('\n');
    const withLines = (edit: (lines: string[]) => string[]) => {
      const file = join(dir, `edited-${Math.random().toString(36).slice(2)}.jsonl`);
      writeFileSync(file, `${edit(lines()).join('\n')}\n`);
      return file;
    };

    beforeEach(async () => {
      await writeLog();
    });

    const exportProject = async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'audit'));
      return run(['audit', 'export', '--project', PROJECT, '--out', out()]);
    };

    it('writes the header, then every event of the project\'s streams in log order, with metadata and hashes', async () => {
      const result = await exportProject();
      expect(result.code).toBe(0);
      expect(result.out).toBe(`Exported 11 events in 4 streams of project ${PROJECT} to ${out()}\n`);
      expect(result.err.split('\n')[0]).toBe(`Exporting project ${PROJECT} to ${out()}`);

      const all = await readAll();
      const mine = all.filter((e) => ![`organisation-${ORGANISATION}`, `project-${OTHER_PROJECT}`, 'participant-p-9'].includes(e.streamName));
      const [header, ...events] = lines().map((line) => JSON.parse(line));
      expect(header).toEqual({
        format: 'programme-ledger-audit-export',
        version: 1,
        projectId: PROJECT,
        exportedAt: expect.any(String),
        events: 11,
        streams: {
          [`project-${PROJECT}`]: { events: 3, head: all.filter((e) => e.streamName === `project-${PROJECT}`).at(-1)!.metadata.hash },
          'participant-p-1': { events: 2, head: all.filter((e) => e.streamName === 'participant-p-1').at(-1)!.metadata.hash },
          'participant-p-2': { events: 3, head: all.filter((e) => e.streamName === 'participant-p-2').at(-1)!.metadata.hash },
          'activity-a-1': { events: 3, head: all.filter((e) => e.streamName === 'activity-a-1').at(-1)!.metadata.hash },
        },
      });
      expect(Date.parse(header.exportedAt)).not.toBeNaN();
      expect(events).toEqual(mine.map(({ position, streamName, revision, id, type, data, metadata, recordedAt }) => ({ position, streamName, revision, id, type, data, metadata, recordedAt })));
      for (const event of events) expect(eventHash(event)).toBe(event.metadata.hash);
      // Only the finished file is left behind.
      expect(readdirSync(join(dir, 'audit'))).toEqual(['export.jsonl']);
    });

    it('verifies its own export offline: exit 0 with the counts', async () => {
      expect((await exportProject()).code).toBe(0);
      rmSync(storeFile()); // no store needed
      const { code, out: text, err } = await run(['verify', '--file', out()]);
      expect(code).toBe(0);
      expect(text).toMatch(new RegExp(`^All 11 events in 4 streams verified: the export of project ${PROJECT} made .+ is whole`));
      expect(err.split('\n')[0]).toBe(`Verifying the audit export ${out()}`);
    });

    it('exits 1 naming the line and the event after an event removed from the middle of a stream', async () => {
      expect((await exportProject()).code).toBe(0);
      const events = lines().slice(1).map((line) => JSON.parse(line));
      // participant-p-2 has revisions 0, 1, 2: remove revision 1.
      const removed = events.findIndex((e) => e.streamName === 'participant-p-2' && e.revision === 1);
      const next = events.find((e) => e.streamName === 'participant-p-2' && e.revision === 2);
      const file = withLines((all) => all.filter((_, index) => index !== removed + 1));
      const nextLine = lines(file).findIndex((line) => JSON.parse(line).id === next.id) + 1;
      const { code, out: text } = await run(['verify', '--file', file]);
      expect(code).toBe(1);
      expect(text).toBe(
        `Verification FAILED. ${file} line ${nextLine}: Event at position ${next.position} (stream participant-p-2, revision 2, event ${next.id}): ` +
          'revision 2 follows revision 0 in its stream: revision 1 is missing\n',
      );
    });

    it('exits 1 naming the stream\'s last event after the last event of a stream was removed', async () => {
      expect((await exportProject()).code).toBe(0);
      const events = lines().slice(1).map((line) => JSON.parse(line));
      const removed = events.findLastIndex((e) => e.streamName === 'participant-p-1');
      const nowLast = events.filter((e) => e.streamName === 'participant-p-1').at(-2);
      const file = withLines((all) => all.filter((_, index) => index !== removed + 1));
      const { code, out: text } = await run(['verify', '--file', file]);
      expect(code).toBe(1);
      expect(text).toContain(`Event at position ${nowLast.position} (stream participant-p-1, revision 0, event ${nowLast.id}) is the last of its stream in the file (1 event,`);
      expect(text).toContain('but the header lists 2 events');
      expect(text).toMatch(/line \d+: /);
    });

    it.each([
      ['an edited event', (all: string[]) => all.map((line, i) => (i === 4 ? line.replace('"woman"', '"man"') : line)), /line 5: Event at position \d+ .*its content does not match its hash/],
      ['a duplicated line', (all: string[]) => [...all.slice(0, 4), all[3], ...all.slice(4)], /line 5: event [0-9a-f-]{36} appears twice \(first on line 4\)/],
      ['an event of another stream added', (all: string[]) => [...all, JSON.stringify({ ...JSON.parse(all[1]), id: '00000000-0000-4000-8000-000000000000', streamName: 'participant-p-9' })], /line 13: .*its stream is not listed in the header/],
      ['no header', (all: string[]) => all.slice(1), /line 1: is not the header of a Programme Ledger audit export/],
      ['a header with another count', (all: string[]) => [all[0].replace('"events":11', '"events":12'), ...all.slice(1)], /line 1: the header lists 12 events, the file holds 11/],
      ['a line that is not JSON', (all: string[]) => [...all.slice(0, 3), '{"position":', ...all.slice(3)], /line 4: is not valid JSON/],
      ['an empty line', (all: string[]) => [...all.slice(0, 3), '', ...all.slice(3)], /line 4: is empty/],
      [
        'a header whose projectId cannot name a stream',
        (all: string[]) => [all[0].replace(/"projectId":"[^"]*"/, `"projectId":"${'p'.repeat(300)}"`), ...all.slice(1)],
        /line 1: the header's projectId cannot name a project's stream \(Invalid stream name .*must be at most 256 characters\)/,
      ],
    ])('exits 1 on %s', async (_, edit, message) => {
      expect((await exportProject()).code).toBe(0);
      const { code, out: text } = await run(['verify', '--file', withLines(edit)]);
      expect(code).toBe(1);
      expect(text).toMatch(/^Verification FAILED\. /);
      expect(text).toMatch(message);
    });

    it('refuses an unknown project with exit 1 and writes no file', async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'audit'));
      const unknown = '99999999-9999-4999-8999-999999999999';
      const { code, out: text, err } = await run(['audit', 'export', '--project', unknown, '--out', out()]);
      expect(code).toBe(1);
      expect(text).toBe('');
      expect(err).toBe(`There is no project ${unknown} in the event log (no stream project-${unknown}); nothing was written.\n`);
      expect(readdirSync(join(dir, 'audit'))).toEqual([]);
    });

    it('refuses a project id that cannot name a stream as an unknown project', async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'audit'));
      const odd = 'p'.repeat(300);
      const { code, err } = await run(['audit', 'export', '--project', odd, '--out', out()]);
      expect(code).toBe(1);
      expect(err).toBe(`There is no project ${odd} in the event log (no stream project-${odd}); nothing was written.\n`);
      expect(readdirSync(join(dir, 'audit'))).toEqual([]);
    });

    it('leaves no file, not even a partial one, when the export fails half-way', async () => {
      // The target is a directory: the final rename fails after everything was written to the temporary files.
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'audit', 'export.jsonl'), { recursive: true });
      const { code, err } = await run(['audit', 'export', '--project', PROJECT, '--out', out()]);
      expect(code).toBe(1);
      expect(err).toMatch(/ledger failed: /);
      expect(readdirSync(join(dir, 'audit'))).toEqual(['export.jsonl']);
      expect(readdirSync(join(dir, 'audit', 'export.jsonl'))).toEqual([]);
    });

    it('exits 1 when the file to verify does not exist', async () => {
      const { code, err } = await run(['verify', '--file', join(dir, 'nope.jsonl')]);
      expect(code).toBe(1);
      expect(err).toContain('There is no file');
    });
  });

  describe('on EventStoreDB (the wire-level test server in test/esdb)', () => {
    let server: Awaited<ReturnType<typeof startEsdbTestServer>>;
    const env = () => ({ LEDGER_EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: server.connectionString });

    beforeEach(async () => {
      server = await startEsdbTestServer({ systemEvents: true });
      const store = new EventStoreDbEventStore({ connectionString: server.connectionString });
      try {
        for (const [stream, events] of LOG) await store.appendToStream(stream, events);
      } finally {
        await store.close();
      }
    });
    afterEach(async () => {
      await server.close();
    });

    it('walks the log through readAll: exit 0 with the counts', async () => {
      const { code, out, err } = await run(['verify'], { env: env() });
      expect(code).toBe(0);
      expect(out).toBe("All 14 events in 7 streams verified: every hash recomputes, every stream's chain is unbroken, and positions increase.\n");
      expect(err.split('\n')[0]).toBe('Verifying the event log on EventStoreDB');
    });

    it('names an event written past the adapter with a hash that does not match, and exits 1', async () => {
      // A writer that bypasses the ledger: its event claims a hash its content does not have.
      const client = EventStoreDBClient.connectionString(server.connectionString);
      const forged = jsonEvent({
        type: 'ParticipantCorrected',
        data: { participantId: 'p-1', gender: 'another' },
        metadata: { ...meta, previousHash: null, hash: 'f'.repeat(64) },
      });
      await client.appendToStream('participant-p-forged', [forged]);
      await client.dispose();
      const { code, out } = await run(['verify'], { env: env() });
      expect(code).toBe(1);
      expect(out).toMatch(
        new RegExp(`^Verification FAILED\\. Event at position \\d+ \\(stream participant-p-forged, revision 0, event ${forged.id}\\): its content does not match its hash`),
      );
      expect(out).toContain('(14 events in 7 streams before it verified.)');
    });

    it('exports a project that verifies offline', async () => {
      const file = join(dir, 'esdb-export.jsonl');
      const exported = await run(['audit', 'export', '--project', PROJECT, '--out', file], { env: env() });
      expect(exported).toMatchObject({ code: 0, out: `Exported 11 events in 4 streams of project ${PROJECT} to ${file}\n` });
      const { code, out } = await run(['verify', '--file', file]);
      expect(code).toBe(0);
      expect(out).toMatch(/^All 11 events in 4 streams verified/);
    });
  });
});
