import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventStore, RecordedEvent } from '@app/event-store';
import {
  openReadModelDatabase,
  ProjectionEngine,
  PROJECTIONS,
  readProjectionStates,
  ReadModelReplay,
  rebuildProjections,
} from '@app/reporting';
import { writeSyntheticProgramme, type ProgrammeScale } from '../../bench/synthetic-programme.js';
import { exactlyOnceProjection, PROJECTIONS_COUNTING_APPLICATIONS } from '../support/exactly-once.projection.js';
import { dumpReadModels } from '../support/read-model-dump.js';
import { esdbTestServerFor, openTestEventStore, TEST_STORE, withAppendLimit } from '../support/test-store.js';

/*
 * Runs on both stores (jest projects `embedded` and `eventstoredb`): on EventStoreDB the children follow the
 * log over gRPC from the wire-level test server in this process. Over gRPC every append is a round trip, so
 * the programme there is smaller; it still takes several of the engine's batches.
 */
const SCALE: ProgrammeScale =
  TEST_STORE === 'eventstoredb'
    ? { projects: 3, organisations: 200, participants: 1_500, attendancePerParticipant: 3 }
    : { projects: 6, organisations: 1_200, participants: 12_000, attendancePerParticipant: 5 };

/** On EventStoreDB, appends go through a limit (see withAppendLimit); the embedded store batches them all. */
const forWriting = (store: EventStore) => (TEST_STORE === 'eventstoredb' ? withAppendLimit(store) : store);

/** What a child needs to open the same store as the test: the test server's address on EventStoreDB. */
async function childEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.EVENTSTORE_CONNECTION_STRING;
  if (TEST_STORE === 'eventstoredb') env.EVENTSTORE_CONNECTION_STRING = (await esdbTestServerFor(join(dir, 'events.sqlite'))).connectionString;
  return env;
}

function spawnChild(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  return { child, exited };
}

/** Runs the child until it reports a position past `killAt`, then kills it; answers the last position seen. */
async function killWhenPast(mode: 'live' | 'rebuild', dir: string, killAt: number): Promise<number> {
  const { child, exited } = spawnChild('test/crash/project-until-killed.ts', [mode, dir], await childEnv(dir));
  let last = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'finished') break;
    last = Number(line);
    if (last > killAt) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return last;
}

async function headOf(store: EventStore): Promise<number> {
  const [head] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
  return head.position;
}

function expectedReadModels(log: RecordedEvent[]): Record<string, unknown[]> {
  const replay = new ReadModelReplay().apply(log);
  const dump = dumpReadModels(replay.db);
  replay.close();
  return dump;
}

/**
 * kill -9 in the middle of projecting, then a restart: the read models must equal what a replay of the
 * whole log from scratch builds, with nothing counted twice and nothing skipped.
 */
describe(`read models after kill -9 (${TEST_STORE})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-projection-crash-'));
  let head = 0;
  let expected: Record<string, unknown[]>;

  beforeAll(async () => {
    const store = await openTestEventStore(dir);
    await writeSyntheticProgramme(forWriting(store), SCALE);
    const all = await store.readAll();
    head = all[all.length - 1].position;
    expected = expectedReadModels(all);
    await store.close();
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('during live projection: the restarted engine resumes from the committed checkpoint', async () => {
    const reached = await killWhenPast('live', dir, head * 0.1);
    expect(reached).toBeLessThan(head);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    const checkpoint = Math.min(...[...readProjectionStates(db).values()].map((s) => s.checkpoint));
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThan(head);
    const store = await openTestEventStore(dir);
    const engine = new ProjectionEngine(store, db, PROJECTIONS, () => openReadModelDatabase(join(dir, 'reporting.sqlite')));
    engine.start();
    expect(await engine.waitForPosition(head, 60_000)).toBe(true);
    await engine.stop();
    expect(dumpReadModels(db)).toEqual(expected);
    db.close();
    await store.close();
  }, 120_000);

  it('during a rebuild: the live tables stay whole, and the next rebuild resumes from the shadow tables', async () => {
    const reached = await killWhenPast('rebuild', dir, head * 0.3);
    expect(reached).toBeLessThan(head);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    // The killed rebuild never swapped: the service's tables are the complete ones from before.
    expect(dumpReadModels(db)).toEqual(expected);
    const shadow = readProjectionStates(db).get('participants')!;
    expect(shadow.shadowCheckpoint).toBeGreaterThan(0);

    const store = await openTestEventStore(dir);
    const result = await rebuildProjections(store, db, PROJECTIONS);
    // Resumed: it read only what the killed run had not committed.
    const log = await store.readAll();
    expect(result.events).toBeLessThanOrEqual(log.filter((e) => e.position > shadow.shadowCheckpoint!).length);
    expect(result.position).toBe(head);
    expect(dumpReadModels(db)).toEqual(expected);
    expect(readProjectionStates(db).get('participants')).toMatchObject({ checkpoint: head, shadowVersion: null });
    db.close();
    await store.close();
  }, 120_000);
});

/**
 * The worst moment for a subscriber: a checkpoint was just stored while the subscription (and, on
 * EventStoreDB, the client's buffer) already holds events after it. After the restart each event must be
 * applied exactly once: counted per event by a projection that only counts, and compared with a replay.
 */
describe(`a subscriber killed right after storing a checkpoint (${TEST_STORE})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-checkpoint-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('projects every event exactly once after the restart', async () => {
    const store = await openTestEventStore(dir);
    await writeSyntheticProgramme(forWriting(store), { projects: 3, organisations: 150, participants: 1_000, attendancePerParticipant: 3 }, undefined, 7);
    const log = await store.readAll();
    const head = await headOf(store);

    const killAt = log[Math.floor(log.length * 0.4)].position;
    const { child, exited } = spawnChild('test/crash/project-until-checkpoint.ts', [dir, String(killAt)], await childEnv(dir));
    const printed: string[] = [];
    for await (const line of createInterface({ input: child.stdout! })) printed.push(line);
    expect(await exited).toBe('SIGKILL');
    const killedAt = Number(printed[0]);
    expect(killedAt).toBeGreaterThanOrEqual(killAt);
    expect(killedAt).toBeLessThan(head);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    // The checkpoint it printed is the one it stored, for every projection.
    expect(new Set([...readProjectionStates(db).values()].map((s) => s.checkpoint))).toEqual(new Set([killedAt]));
    const engine = new ProjectionEngine(store, db, PROJECTIONS_COUNTING_APPLICATIONS, () => openReadModelDatabase(join(dir, 'reporting.sqlite')));
    engine.start();
    expect(await engine.waitForPosition(head, 60_000)).toBe(true);
    await engine.stop();

    const projected = new Set(exactlyOnceProjection.eventTypes);
    const applications = db.prepare('SELECT position, times FROM test_applications ORDER BY position').all() as Array<{ position: number; times: number }>;
    expect(applications.filter((a) => a.times !== 1)).toEqual([]);
    expect(applications.map((a) => a.position)).toEqual(log.filter((e) => projected.has(e.type)).map((e) => e.position));
    expect(dumpReadModels(db)).toEqual(expectedReadModels(log));
    db.close();
    await store.close();
  }, 300_000);
});
