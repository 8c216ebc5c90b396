import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import { ProjectAudit, ReadModelReplay } from '@app/reporting';
import { ReplayGate } from '../../libs/reporting/src/audit/replay-gate.js';
import { meta, PROJECT, projectRegistered, registration } from '../support/new-events.js';
import { openTestEventStore } from '../support/test-store.js';

/** A promise with its resolver, to hold a run open while the test looks at the gate. */
function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('replay gate: a few replays at a time, one per caller, each answer once per log head', () => {
  it('runs one replay per caller at a time and at most two in all, in arrival order', async () => {
    const gate = new ReplayGate({ global: 2, perCaller: 1, cached: 8 });
    const running = new Set<string>();
    let most = 0;
    const holds = new Map<string, ReturnType<typeof held>>();
    const started: string[] = [];
    const run = (key: string, caller: string) =>
      gate.run(key, caller, async () => {
        started.push(key);
        running.add(key);
        most = Math.max(most, running.size);
        const hold = held();
        holds.set(key, hold);
        await hold.promise;
        running.delete(key);
        return key;
      });
    const answers = [run('a1', 'alice'), run('a2', 'alice'), run('b1', 'bob'), run('c1', 'carol')];
    await turn();
    expect(started).toEqual(['a1', 'b1']);
    holds.get('a1')!.release();
    await turn();
    // alice's second waits behind nobody of hers now; carol came later.
    expect(started).toEqual(['a1', 'b1', 'a2']);
    holds.get('b1')!.release();
    await turn();
    expect(started).toEqual(['a1', 'b1', 'a2', 'c1']);
    holds.get('a2')!.release();
    holds.get('c1')!.release();
    expect(await Promise.all(answers)).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(most).toBe(2);
  });

  it('shares one run between identical questions and keeps the answer; a failure is not kept', async () => {
    const gate = new ReplayGate({ global: 2, perCaller: 1, cached: 2 });
    let runs = 0;
    const work = async () => ++runs;
    expect(await Promise.all([gate.run('k@1', 'alice', work), gate.run('k@1', 'bob', work)])).toEqual([1, 1]);
    expect(await gate.run('k@1', 'carol', work)).toBe(1);
    expect(await gate.run('k@2', 'carol', work)).toBe(2);
    await expect(gate.run('bad', 'alice', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await gate.run('bad', 'alice', work)).toBe(3);
    // Only the two most recent answers are kept.
    await gate.run('x', 'alice', work);
    expect(await gate.run('k@1', 'alice', work)).toBe(5);
  });
});

describe('figures as they stood: other requests get turns while a replay runs', () => {
  let dir: string;
  let store: EventStore;
  let db: ReadModelReplay;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-replay-'));
    store = await openTestEventStore(dir);
    await store.appendToStream(`project-${PROJECT}`, [projectRegistered], { expectedRevision: 'no_stream' });
    for (let n = 0; n < 1_500; n++) {
      await store.appendToStream(`participant-p-${n}`, [registration(n, n % 2 ? 'man' : 'woman')], { expectedRevision: 'no_stream' });
    }
    db = new ReadModelReplay().apply(await store.readAll());
  });
  afterAll(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yields to the event loop between batches of the replay', async () => {
    const audit = new ProjectAudit(store, db.db);
    let turns = 0;
    let done = false;
    const ticker = async () => {
      while (!done) {
        await turn();
        turns++;
      }
    };
    const ticking = ticker();
    const turnsBefore = turns;
    const answer = await audit.figures(PROJECT, {}, { position: 1_000_000 });
    done = true;
    await ticking;
    expect(answer.indicators.find((indicator) => indicator.code === 'participants')?.value).toBe(1_500);
    // 1,501 events: the reading and the replay each let others in several times.
    expect(turns - turnsBefore).toBeGreaterThanOrEqual(8);
  });

  it('answers the same question again from memory until the log moves on', async () => {
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') return (...args: Parameters<EventStore['readStream']>) => (reads++, target.readStream(...args));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const audit = new ProjectAudit(counting, db.db);
    const first = await audit.figures(PROJECT, {}, { position: 1_000_000 });
    const readsOnce = reads;
    expect(readsOnce).toBeGreaterThan(1_500);
    expect(await audit.figures(PROJECT, {}, { position: 1_000_000 })).toEqual(first);
    expect(reads).toBe(readsOnce);
    await store.appendToStream(`participant-p-late`, [{ ...registration(9_999), metadata: meta }], { expectedRevision: 'no_stream' });
    const later = await audit.figures(PROJECT, {}, { position: 1_000_000 });
    expect(reads).toBeGreaterThan(readsOnce);
    expect(later.position).toBe(first.position);
  });
});
