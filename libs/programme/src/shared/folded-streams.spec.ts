import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, streamName, type EventStore, type NewEvent, type ReadStreamOptions } from '@app/event-store';
import { activityDecider, type ActivityCommand } from '../activity/activity.decider.js';
import { AggregateStore, ConcurrencyConflict } from './aggregate-store.js';
import { idempotencyKeyHash, REPLAYED, type CommandContext } from './command-context.js';
import { RuleViolation } from './domain-errors.js';
import { FoldedStreams, unfolded } from './folded-streams.js';

const project = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const today = '2026-11-22';
const day = (n: number) => new Date(Date.UTC(2023, 0, 2 + n)).toISOString().slice(0, 10);

function context(idempotencyKey?: string): CommandContext {
  const correlationId = randomUUID();
  return {
    actor: 'test',
    correlationId,
    causationId: correlationId,
    now: new Date(`${today}T10:00:00Z`),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    newEntityId: () => randomUUID(),
  };
}

/** The store, counting how many events each stream read hands back. */
function counting(store: EventStore) {
  const counted = { events: 0 };
  const wrapper: EventStore = {
    appendToStream: (name, events, options) => store.appendToStream(name, events, options),
    readStream: async (name: string, options?: ReadStreamOptions) => {
      const events = await store.readStream(name, options);
      counted.events += events.length;
      return events;
    },
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { wrapper, counted };
}

describe('AggregateStore on a long stream (folded streams kept in memory)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const activityId = 'series-1';
  const stream = streamName('activity', activityId);
  const record = (participantId: string, date: string): ActivityCommand => ({
    type: 'RecordAttendance',
    data: { activityId, participantId, date },
    participant: { participantId, projectId: 'cis', role: 'creative' },
    project,
    today,
  });
  const handle = (aggregates: AggregateStore, participantId: string, date: string, key?: string) =>
    aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'RecordAttendance', context(key), () => record(participantId, date));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-folded-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    const metadata = () => ({ actor: 'seed', correlationId: randomUUID(), causationId: randomUUID(), recordedAt: `${today}T09:00:00Z`, command: 'RecordAttendance' });
    const opened: NewEvent = {
      type: 'ActivityOpened',
      data: { activityId, projectId: 'cis', format: 'network-meeting', name: 'Nätverksträffar', startDate: '2023-01-02', endDate: '2026-11-01', crossBorder: false },
      metadata: { ...metadata(), command: 'OpenActivity' },
    };
    const attendance: NewEvent[] = Array.from({ length: 2_000 }, (_, i) => ({
      type: 'AttendanceRecorded',
      data: { activityId, participantId: `p-${i % 20}`, date: day(Math.floor(i / 20)) },
      metadata: metadata(),
    }));
    await store.appendToStream(stream, [opened, ...attendance], { expectedRevision: 'no_stream' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the first command, a command reads only what was appended since, not the whole stream', async () => {
    const { wrapper, counted } = counting(store);
    const aggregates = new AggregateStore(wrapper);
    await handle(aggregates, 'p-1', day(100));
    expect(counted.events).toBe(2_001);
    counted.events = 0;
    for (let n = 2; n < 12; n++) await handle(aggregates, `p-${n}`, day(100));
    // What the command before appended is kept folded with it: nothing new in the store, nothing read.
    expect(counted.events).toBe(0);
    await store.appendToStream(stream, [{ type: 'AttendanceRecorded', data: { activityId, participantId: 'p-19', date: day(100) }, metadata: { actor: 'cli', correlationId: 'c', causationId: 'c', recordedAt: `${today}T09:00:00Z` } }]);
    await expect(handle(aggregates, 'p-19', day(100))).rejects.toThrow('already recorded');
    expect(counted.events).toBe(1);
  });

  it('sees what another writer appended in between, and decides on it', async () => {
    const here = new AggregateStore(store);
    const elsewhere = new AggregateStore(store);
    await handle(here, 'p-1', day(100));
    await handle(elsewhere, 'p-2', day(100));
    await expect(handle(here, 'p-2', day(100))).rejects.toThrow(RuleViolation);
    await expect(handle(here, 'p-3', day(100))).resolves.toMatchObject({ revision: 2_003 });
  });

  it('refuses a participant twice on a day recorded at the start of the stream', async () => {
    const aggregates = new AggregateStore(store);
    await handle(aggregates, 'p-1', day(100));
    await expect(handle(aggregates, 'p-0', day(0))).rejects.toThrow('Attendance of participant p-0 on 2023-01-02 is already recorded');
  });

  it('answers a retry under the same key with its first outcome, however many commands came after, kept or not', async () => {
    const key = idempotencyKeyHash('test', 'client-key-1');
    const aggregates = new AggregateStore(store);
    const first = await handle(aggregates, 'p-1', day(100), key);
    for (let n = 2; n < 20; n++) await handle(aggregates, `p-${n}`, day(100));
    const warm = await handle(aggregates, 'p-1', day(100), key);
    expect(warm).toEqual({ ...first, [REPLAYED]: true });
    const cold = await handle(new AggregateStore(store), 'p-1', day(100), key);
    expect(cold).toEqual({ ...first, [REPLAYED]: true });
    expect((await store.readStream(stream)).length).toBe(2_001 + 19);
  });

  it('under concurrent commands, each pair is recorded once', async () => {
    const aggregates = new AggregateStore(store);
    await handle(aggregates, 'p-1', day(100));
    // As a client would, each tries again when it lost the race for the stream five times in a row.
    const persistently = async (participantId: string) => {
      for (;;) {
        try {
          return await handle(aggregates, participantId, day(101));
        } catch (error) {
          if (!(error instanceof ConcurrencyConflict)) throw error;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => persistently(`p-${i % 8}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof RuleViolation)).toBe(true);
    const events = await store.readStream(stream, { fromRevision: 2_002 });
    expect(new Set(events.map((e) => JSON.stringify(e.data))).size).toBe(8);
  });
});

describe('FoldedStreams', () => {
  const decider = { initialState: () => 0, evolve: (n: number) => n + 1 };
  const folded = (revision: number) => ({ ...unfolded(decider), state: revision + 1, revision });

  it('keeps only long streams, and never an older fold over a newer one', () => {
    const kept = new FoldedStreams({ minEvents: 10, maxEvents: 100, maxStreams: 10 });
    kept.keep(decider, 'short', folded(8));
    expect(kept.get(decider, 'short')).toBeUndefined();
    kept.keep(decider, 'long', folded(20));
    kept.keep(decider, 'long', folded(15));
    expect(kept.get(decider, 'long')?.revision).toBe(20);
    expect(kept.get({ ...decider }, 'long')).toBeUndefined();
  });

  it('stays within its budget of streams, however short they are', () => {
    const kept = new FoldedStreams({ minEvents: 1, maxEvents: 100, maxStreams: 2 });
    kept.keep(decider, 'a', folded(0));
    kept.keep(decider, 'b', folded(1));
    kept.get(decider, 'a');
    kept.keep(decider, 'c', folded(2));
    expect(kept.size).toEqual({ streams: 2, events: 4 });
    expect(kept.get(decider, 'b')).toBeUndefined();
    expect(kept.get(decider, 'a')?.revision).toBe(0);
  });

  it('stays within its budget of events, dropping the least recently used first', () => {
    const kept = new FoldedStreams({ minEvents: 10, maxEvents: 100, maxStreams: 10 });
    kept.keep(decider, 'a', folded(39));
    kept.keep(decider, 'b', folded(39));
    kept.get(decider, 'a');
    kept.keep(decider, 'c', folded(39));
    expect(kept.size).toEqual({ streams: 2, events: 80 });
    expect(kept.get(decider, 'b')).toBeUndefined();
    expect(kept.get(decider, 'a')?.revision).toBe(39);
    kept.keep(decider, 'huge', folded(200));
    expect(kept.get(decider, 'huge')).toBeUndefined();
    expect(kept.size.events).toBeLessThanOrEqual(100);
  });
});
