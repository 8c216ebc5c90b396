import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@app/event-store';
import {
  openReadModelDatabase,
  ProjectionEngine,
  PROJECTIONS,
  readProjectionStates,
  ReadModelReplay,
  rebuildProjections,
} from '@app/reporting';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { dumpReadModels } from '../support/read-model-dump.js';

/** Runs the child until it reports a position past `killAt`, then kills it; answers the last position seen. */
async function killWhenPast(mode: 'live' | 'rebuild', dir: string, killAt: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/crash/project-until-killed.ts', mode, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  let last = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'finished') break;
    last = Number(line);
    if (last > killAt) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return last;
}

/**
 * kill -9 in the middle of projecting, then a restart: the read models must equal what a replay of the
 * whole log from scratch builds, with nothing counted twice and nothing skipped.
 */
describe('read models after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-projection-crash-'));
  let head = 0;
  let expected: Record<string, unknown[]>;

  beforeAll(async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    await writeSyntheticProgramme(store, { projects: 6, organisations: 1_200, participants: 12_000, attendancePerParticipant: 5 });
    const all = await store.readAll();
    head = all[all.length - 1].position;
    const replay = new ReadModelReplay().apply(all);
    expected = dumpReadModels(replay.db);
    replay.close();
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('during live projection: the restarted engine resumes from the committed checkpoint', async () => {
    const reached = await killWhenPast('live', dir, head * 0.1);
    expect(reached).toBeLessThan(head);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    const checkpoint = Math.min(...[...readProjectionStates(db).values()].map((s) => s.checkpoint));
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThan(head);
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
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

    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    const result = await rebuildProjections(store, db, PROJECTIONS);
    // Resumed: it read only what the killed run had not committed.
    expect(result.events).toBeLessThanOrEqual(head - shadow.shadowCheckpoint!);
    expect(result.position).toBe(head);
    expect(dumpReadModels(db)).toEqual(expected);
    expect(readProjectionStates(db).get('participants')).toMatchObject({ checkpoint: head, shadowVersion: null });
    db.close();
    await store.close();
  }, 120_000);
});
