import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEsdbTestServer, type EsdbTestServer } from '../../../test/esdb/esdb-test-server.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.port.js';
import { exponentialBackoff, LogFollower, type LogFollowerOptions, type RetryPolicy } from './log-follower.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

const metadata = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' };
const event = (type: string, n: number): NewEvent => ({ type, data: { n }, metadata });
/** Retries at once: the tests are about what is delivered, not about how long the follower waits. */
const NO_WAIT: RetryPolicy = { delayMs: () => 1 };

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('exponentialBackoff', () => {
  it('doubles from the first delay up to the cap, and never waits longer than the cap', () => {
    const policy = exponentialBackoff({ initialMs: 100, maxMs: 5_000, jitter: 0.25, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((n) => policy.delayMs(n))).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('takes up to the jitter share off each delay, so followers dropped together come back spread out', () => {
    const policy = exponentialBackoff({ initialMs: 100, maxMs: 5_000, jitter: 0.25, random: () => 1 });
    expect([1, 3, 20].map((n) => policy.delayMs(n))).toEqual([75, 300, 3_750]);
  });
});

describe('LogFollower on EventStoreDB (wire-level test server)', () => {
  let server: EsdbTestServer;
  let store: EventStore;
  const followers: LogFollower[] = [];
  const follow = (options: Omit<LogFollowerOptions, 'store' | 'name'>) => {
    const follower = new LogFollower({ name: 'test', store, retry: NO_WAIT, ...options });
    followers.push(follower);
    follower.start();
    return follower;
  };

  beforeEach(async () => {
    server = await startEsdbTestServer({ systemEvents: true });
    store = new EventStoreDbEventStore({ connectionString: server.connectionString });
  });
  afterEach(async () => {
    for (const follower of followers.splice(0)) await follower.stop();
    await store.close();
    await server.close();
  });

  it('starts after the position given, then catches up and goes live', async () => {
    for (let n = 0; n < 5; n++) await store.appendToStream(`thing-${n}`, [event('ThingHappened', n)]);
    const log = await store.readAll();
    const seen: RecordedEvent[] = [];
    const follower = follow({ initial: log[1].position, onEvent: (e) => void seen.push(e) });
    await until(() => follower.status.state === 'live', 'live');
    expect(seen.map((e) => e.id)).toEqual(log.slice(2).map((e) => e.id));
    expect(follower.status).toEqual({ name: 'test', state: 'live', reconnects: 0, lastError: null, position: log[4].position });
  });

  it('after a drop, subscribes again from the last event handled: events appended after it arrive, none lost or twice', async () => {
    for (let n = 0; n < 3; n++) await store.appendToStream(`thing-${n}`, [event('ThingHappened', n)]);
    const seen: RecordedEvent[] = [];
    const follower = follow({ onEvent: (e) => void seen.push(e) });
    await until(() => seen.length === 3, 'the first three are handled');

    await server.drop();
    await until(() => follower.status.reconnects >= 1, 'the drop is noticed');
    for (let n = 3; n < 8; n++) await store.appendToStream(`thing-${n}`, [event('ThingHappened', n)]);

    await until(() => seen.length >= 8, 'the events appended after the drop are handled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = await store.readAll();
    expect(seen.map((e) => e.id)).toEqual(log.map((e) => e.id));
    expect(follower.status).toMatchObject({ state: 'live', position: log[7].position, lastError: 'StoreUnavailableError' });
  });

  it('a filtered follower is handed checkpoints in order with the events: never one beyond an event not yet handled', async () => {
    // Mostly events the filter skips, so the server sends checkpoints while the matching ones are still in flight.
    for (let n = 0; n < 400; n++) {
      await store.appendToStream(n % 7 === 0 ? `wanted-${n}` : `other-${n}`, [event(n % 7 === 0 ? 'Wanted' : 'Other', n)]);
    }
    const wanted = (await store.readAll({ filter: { kind: 'streamNamePrefix', prefixes: ['wanted-'] } })).map((e) => e.position);
    const handled: number[] = [];
    const checkpoints: Array<{ checkpoint: number; handledBefore: number }> = [];
    follow({
      filter: { kind: 'streamNamePrefix', prefixes: ['wanted-'] },
      onEvent: async (e) => {
        // A slow consumer: the client keeps reading ahead into its buffer meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
        handled.push(e.position);
      },
      onCheckpoint: (checkpoint) => void checkpoints.push({ checkpoint, handledBefore: handled.length }),
    });
    await until(() => handled.length === wanted.length, 'every wanted event is handled');
    expect(handled).toEqual(wanted);
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const { checkpoint, handledBefore } of checkpoints) {
      // Every wanted event at or before the checkpoint was handled before the checkpoint was.
      expect(wanted.filter((p) => p <= checkpoint).length).toBeLessThanOrEqual(handledBefore);
    }
    expect(checkpoints.map((c) => c.checkpoint)).toEqual([...checkpoints.map((c) => c.checkpoint)].sort((a, b) => a - b));
  });
});

describe('LogFollower on the embedded store', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-follower-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the consumer fails, resubscribes from where the consumer says it is, after backoff, and counts it', async () => {
    for (let n = 0; n < 6; n++) await store.appendToStream(`thing-${n}`, [event('ThingHappened', n)]);
    const log = await store.readAll();
    const committed: number[] = [];
    let failOnce = true;
    const delays: number[] = [];
    const follower = new LogFollower({
      name: 'batches',
      store,
      retry: { delayMs: (attempt) => (delays.push(attempt), 1) },
      // A consumer that commits: it resumes after what it committed, not after what it was handed.
      from: () => committed.at(-1) ?? 'start',
      onEvent: (e) => {
        if (e.position === log[3].position && failOnce) {
          failOnce = false;
          throw new TypeError('a projection failed');
        }
        committed.push(e.position);
      },
    });
    follower.start();
    await until(() => committed.length === 6, 'all six are committed');
    await follower.stop();
    expect(committed).toEqual(log.map((e) => e.position));
    expect(delays).toEqual([1]);
    expect(follower.status).toMatchObject({ name: 'batches', state: 'stopped', reconnects: 1, lastError: 'TypeError' });
  });

  it('restart() without an error resubscribes at once from `from()`, and the handed-but-uncommitted events come again', async () => {
    for (let n = 0; n < 4; n++) await store.appendToStream(`thing-${n}`, [event('ThingHappened', n)]);
    const log = await store.readAll();
    const handed: number[] = [];
    let checkpoint: number | 'start' = 'start';
    let follower!: LogFollower;
    follower = new LogFollower({
      name: 'restartable',
      store,
      retry: NO_WAIT,
      from: () => checkpoint,
      onEvent: (e) => {
        handed.push(e.position);
        if (e.position === log[1].position && checkpoint === 'start') {
          checkpoint = log[0].position;
          follower.restart();
        }
      },
    });
    follower.start();
    await until(() => handed.at(-1) === log[3].position, 'the last is handed');
    await follower.stop();
    expect(handed).toEqual([log[0], log[1], log[1], log[2], log[3]].map((e) => e.position));
    expect(follower.status.reconnects).toBe(0);
  });

  it('is stopped after stop(): nothing more is handed, and it says so', async () => {
    const seen: RecordedEvent[] = [];
    const follower = new LogFollower({ name: 'x', store, onEvent: (e) => void seen.push(e) });
    follower.start();
    await until(() => follower.status.state === 'live', 'live on an empty log');
    await follower.stop();
    await store.appendToStream('thing-1', [event('ThingHappened', 1)]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen).toEqual([]);
    expect(follower.status.state).toBe('stopped');
  });
});
