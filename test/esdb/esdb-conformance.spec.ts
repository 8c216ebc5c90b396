/**
 * Conformance of the EventStoreDB test server with the REAL server, one test
 * per fact of /work/shared/notes/eventstoredb.md, driven through the real
 * `@eventstore/db-client` (never through the project's adapter), so an adapter
 * tested against the fake meets what it will meet in production.
 */
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type Position,
  type StreamSubscription,
} from '@eventstore/db-client';
import grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { startEsdbTestServer, type EsdbTestServer, type EsdbTestServerOptions } from './esdb-test-server.js';

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('expected a failure, got success'),
    (err: unknown) => err,
  );

// A bound against hanging, not a speed check: on a loaded 2-core machine a refusal has taken more than 5 s to arrive.
async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Everything a subscription emits, in order. */
function record(sub: AllStreamSubscription | StreamSubscription) {
  const log: string[] = [];
  const events: AllStreamResolvedEvent[] = [];
  const errors: Error[] = [];
  // Stream subscriptions emit the same shape (a stream event also carries its $all position).
  (sub as AllStreamSubscription).on('data', (e: AllStreamResolvedEvent) => {
    events.push(e);
    log.push(e.event!.type);
  });
  sub.on('confirmation', () => log.push('confirmation'));
  sub.on('caughtUp', () => log.push('caughtUp'));
  sub.on('error', (err: Error) => errors.push(err));
  return {
    log,
    events,
    errors,
    caughtUp: () => log.includes('caughtUp'),
  };
}

const uniqueStream = (prefix = 'conf') => `${prefix}-${randomUUID()}`;
const event = (type: string, data: Record<string, unknown> = {}) => jsonEvent({ type, data });

/** Starts a server and a client for one describe block. */
function serverFor(options: EsdbTestServerOptions = {}, perTest = false) {
  const ctx = {} as { server: EsdbTestServer; client: EventStoreDBClient };
  const up = async () => {
    ctx.server = await startEsdbTestServer(options);
    ctx.client = EventStoreDBClient.connectionString(ctx.server.connectionString);
  };
  const down = async () => {
    await ctx.client.dispose();
    await ctx.server.close();
  };
  if (perTest) {
    beforeEach(up);
    afterEach(down);
  } else {
    beforeAll(up);
    afterAll(down);
  }
  return ctx;
}

/** Subscribes with a filter and returns the checkpoints seen until caught up. */
async function checkpointsUntilCaughtUp(
  client: EventStoreDBClient,
  filter: (checkpointReached: Filter['checkpointReached']) => Filter,
  fromPosition: Position | typeof START = START,
) {
  const checkpoints: Position[] = [];
  const sub = client.subscribeToAll({
    fromPosition,
    filter: filter((_s, position) => {
      checkpoints.push(position);
    }),
  });
  const rec = record(sub);
  await waitUntil(rec.caughtUp, 'caughtUp');
  await sub.unsubscribe();
  return { checkpoints, events: rec.events.map((e) => e.event!.type), errors: rec.errors };
}

// ---------------------------------------------------------------------------
// Positions in $all are byte offsets of log records
// ---------------------------------------------------------------------------

describe('positions are byte offsets of variable-size records', () => {
  const ctx = serverFor();

  it('consecutive positions differ by each record size (never by 1); commit == prepare; the append answers the last position', async () => {
    const stream = uniqueStream();
    const small = event('Small', {});
    const large = event('Large', { text: 'x'.repeat(1000) });
    const result = await ctx.client.appendToStream(stream, [small, large, event('Next')]);
    const read = (await collect(ctx.client.readStream(stream))).map((r) => r.event!.position!);

    for (const p of read) expect(p.commit).toBe(p.prepare);
    const smallRecord = read[1]!.commit - read[0]!.commit;
    const largeRecord = read[2]!.commit - read[1]!.commit;
    expect(smallRecord).toBeGreaterThan(1n);
    // The large event's record holds its 1,000+ bytes of data.
    expect(largeRecord - smallRecord).toBeGreaterThanOrEqual(1000n);
    expect(result.position).toEqual(read[2]);
  });

  it('a read or subscription from a position that is not a record start is refused (client: UnknownError)', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('A'), event('B')]);
    const [a] = (await collect(ctx.client.readStream(stream))).map((r) => r.event!.position!);
    const inside = { commit: a!.commit + 1n, prepare: a!.prepare + 1n };

    await expect(collect(ctx.client.readAll({ fromPosition: a! }))).resolves.not.toHaveLength(0);
    expect(await failure(collect(ctx.client.readAll({ fromPosition: inside })))).toBeInstanceOf(UnknownError);

    for (const filter of [undefined, eventTypeFilter({ prefixes: ['A'] })]) {
      const sub = ctx.client.subscribeToAll({ fromPosition: inside, ...(filter ? { filter } : {}) });
      const rec = record(sub);
      await waitUntil(() => rec.errors.length > 0, 'the subscription to fail');
      expect(rec.errors[0]).toBeInstanceOf(UnknownError);
      expect(rec.events).toEqual([]);
    }
  });

  it('the refusal is the same on 23.10', async () => {
    const server = await startEsdbTestServer({ checkpointAtEndOfCatchUp: false });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const r = await client.appendToStream(uniqueStream(), event('A'));
      const inside = { commit: r.position!.commit + 1n, prepare: r.position!.prepare + 1n };
      const sub = client.subscribeToAll({ fromPosition: inside, filter: eventTypeFilter({ prefixes: ['A'] }) });
      const rec = record(sub);
      await waitUntil(() => rec.errors.length > 0, 'the subscription to fail');
      expect(rec.errors[0]).toBeInstanceOf(UnknownError);
    } finally {
      await client.dispose();
      await server.close();
    }
  });

  it('forward readAll from p includes the event at p; a subscription from p starts after it', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('P1'), event('P2'), event('P3')]);
    const p2 = (await collect(ctx.client.readStream(stream)))[1]!.event!.position!;

    const read = await collect(ctx.client.readAll({ fromPosition: p2 }));
    expect(read.map((e) => e.event!.type)).toEqual(['P2', 'P3']);

    const sub = ctx.client.subscribeToAll({ fromPosition: p2 });
    const rec = record(sub);
    await waitUntil(rec.caughtUp, 'caughtUp');
    await sub.unsubscribe();
    expect(rec.events.map((e) => e.event!.type)).toEqual(['P3']);
  });
});

describe('explicit transactions (legacy TCP writers)', () => {
  const ctx = serverFor();

  it('give every event the commit record position as commit, each its own prepare', async () => {
    const stream = uniqueStream();
    const tx = await ctx.server.writeExplicitTransaction(stream, [
      { type: 'T1', data: { n: 1 } },
      { type: 'T2', data: { n: 2 } },
      { type: 'T3', data: { n: 3 } },
    ]);
    await ctx.client.appendToStream(stream, event('After'));

    const all = (await collect(ctx.client.readAll())).map((e) => e.event!);
    const inTx = all.filter((e) => e.type.startsWith('T'));
    expect(inTx.map((e) => e.position!.commit)).toEqual([tx.commitPosition, tx.commitPosition, tx.commitPosition]);
    expect(inTx.map((e) => e.position!.prepare)).toEqual(tx.preparePositions);
    expect(new Set(tx.preparePositions).size).toBe(3);
    for (const p of tx.preparePositions) expect(p).toBeLessThan(tx.commitPosition);
    const after = all.find((e) => e.type === 'After')!;
    expect(after.position!.commit).toBe(after.position!.prepare);
    expect(after.revision).toBe(3n);

    // A subscription sees the same positions.
    const sub = ctx.client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(rec.caughtUp, 'caughtUp');
    await sub.unsubscribe();
    expect(rec.events.filter((e) => e.event!.type.startsWith('T')).map((e) => e.event!.position)).toEqual(
      inTx.map((e) => e.position),
    );
  });
});

// ---------------------------------------------------------------------------
// Subscriptions and checkpoints
// ---------------------------------------------------------------------------

describe('filtered subscription checkpoints, 24.10 (default)', () => {
  const ctx = serverFor({}, true);

  it('a checkpoint every checkpointInterval x window events scanned, at the page start, and one at the end of catch-up', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(
      stream,
      Array.from({ length: 13 }, () => event('Noise')),
    );
    const all = (await collect(ctx.client.readAll())).map((e) => e.event!.position!);
    const pageStart = (i: number) => ({ commit: all[i]!.commit, prepare: 0n });

    // Pages of 2 events, a checkpoint each 3 pages (6 events), then one when catch-up reaches the end.
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], maxSearchWindow: 2, checkpointInterval: 3, checkpointReached }),
    );
    expect(seen.events).toEqual([]);
    expect(seen.checkpoints).toEqual([pageStart(4), pageStart(10), pageStart(12)]);
  });

  it('checkpoints at the end of catch-up (default window 32)', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Match'), event('Noise'), event('Noise')]);
    const match = (await collect(ctx.client.readAll()))[0]!.event!.position!;
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], checkpointReached }),
    );
    expect(seen.events).toEqual(['Match']);
    expect(seen.checkpoints).toEqual([match]);
  });

  it('no end-of-catch-up checkpoint from the last event (it goes live at once), then live checkpoints by interval', async () => {
    const stream = uniqueStream();
    const last = await ctx.client.appendToStream(stream, [event('Noise'), event('Noise')]);
    const checkpoints: Position[] = [];
    const sub = ctx.client.subscribeToAll({
      fromPosition: last.position!,
      filter: eventTypeFilter({ prefixes: ['Match'], maxSearchWindow: 2, checkpointReached: (_s, p) => void checkpoints.push(p) }),
    });
    const rec = record(sub);
    await waitUntil(rec.caughtUp, 'caughtUp');
    expect(checkpoints).toEqual([]);
    const live = await ctx.client.appendToStream(stream, [event('Noise'), event('Match')]);
    await waitUntil(() => checkpoints.length === 1, 'a live checkpoint');
    expect(checkpoints).toEqual([live.position]);
    expect(rec.events.map((e) => e.event!.type)).toEqual(['Match']);
    await sub.unsubscribe();
  });

  it('a subscription from the start that matched nothing checkpoints at the log start (24.10.5 fix), never (-1,-1)', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Noise'), event('Noise')]);
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], checkpointReached }),
    );
    expect(seen.checkpoints).toEqual([{ commit: 0n, prepare: 0n }]);
  });
});

describe('filtered subscription checkpoints, 24.10.4 (checkpointBugAtEnd)', () => {
  const ctx = serverFor({ checkpointBugAtEnd: true }, true);

  it('a subscription from the start that sent nothing gets a checkpoint of (-1,-1), i.e. 2^64-1', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Noise'), event('Noise')]);
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], checkpointReached }),
    );
    expect(seen.checkpoints).toEqual([{ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }]);
  });

  it('resuming from that checkpoint is resuming from the end: every earlier event is skipped', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Match'), event('Noise')]);
    const bogus = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
    const sub = ctx.client.subscribeToAll({ fromPosition: bogus, filter: eventTypeFilter({ prefixes: ['Match'] }) });
    const rec = record(sub);
    await waitUntil(rec.caughtUp, 'caughtUp');
    await ctx.client.appendToStream(uniqueStream(), event('MatchLive'));
    await waitUntil(() => rec.events.length === 1, 'the live event');
    await sub.unsubscribe();
    expect(rec.events.map((e) => e.event!.type)).toEqual(['MatchLive']);
  });

  it('once an event was sent, the end-of-catch-up checkpoint is a real position', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Match'), event('Noise')]);
    const match = (await collect(ctx.client.readAll()))[0]!.event!.position!;
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], checkpointReached }),
    );
    expect(seen.checkpoints).toEqual([match]);
  });
});

describe('filtered subscription checkpoints, 23.10 (checkpointAtEndOfCatchUp: false)', () => {
  const ctx = serverFor({ checkpointAtEndOfCatchUp: false }, true);

  it('no checkpoint at the end of catch-up', async () => {
    await ctx.client.appendToStream(uniqueStream(), [event('Match'), event('Noise'), event('Noise')]);
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], checkpointReached }),
    );
    expect(seen.events).toEqual(['Match']);
    expect(seen.checkpoints).toEqual([]);
  });

  it('checkpoints every checkpointInterval x window events scanned during catch-up', async () => {
    await ctx.client.appendToStream(
      uniqueStream(),
      Array.from({ length: 13 }, () => event('Noise')),
    );
    const all = (await collect(ctx.client.readAll())).map((e) => e.event!.position!);
    const seen = await checkpointsUntilCaughtUp(ctx.client, (checkpointReached) =>
      eventTypeFilter({ prefixes: ['Match'], maxSearchWindow: 2, checkpointInterval: 3, checkpointReached }),
    );
    // Nothing matched: each checkpoint is its page's start (the record after the previous page, prepare 0).
    expect(seen.checkpoints).toEqual([
      { commit: all[4]!.commit, prepare: 0n },
      { commit: all[10]!.commit, prepare: 0n },
    ]);
  });
});

// ---------------------------------------------------------------------------
// Appends
// ---------------------------------------------------------------------------

describe.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append', batchAppend: false },
])('appends over $path', ({ batchAppend }) => {
  const ctx = serverFor({ batchAppend, maxAppendSize: 2000 });

  it('expected revision any: a retry of recently written ids is the same append, not written again', async () => {
    const stream = uniqueStream();
    const a = event('A');
    const first = await ctx.client.appendToStream(stream, a, { expectedRevision: 'any' });
    await ctx.client.appendToStream(stream, event('X'), { expectedRevision: 'any' });
    const count = ctx.server.eventCount;

    const retry = await ctx.client.appendToStream(stream, a, { expectedRevision: 'any' });
    expect(retry).toEqual(first);
    expect(ctx.server.eventCount).toBe(count);
    expect((await collect(ctx.client.readStream(stream))).map((r) => r.event!.type)).toEqual(['A', 'X']);
  });

  it('exact revision: a retry of the same ids at the same revision is idempotent', async () => {
    const stream = uniqueStream();
    const batch = [event('A'), event('B')];
    const first = await ctx.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    const again = await ctx.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    const c = [event('C')];
    const third = await ctx.client.appendToStream(stream, c, { expectedRevision: 1n });
    expect(await ctx.client.appendToStream(stream, c, { expectedRevision: 1n })).toEqual(third);
    expect((await collect(ctx.client.readStream(stream))).map((r) => r.event!.type)).toEqual(['A', 'B', 'C']);
  });

  it('wrong expected version carries expected and actual; actual is no_stream when the stream does not exist', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('A'), event('B')]);
    const wrong = (await failure(ctx.client.appendToStream(stream, event('X'), { expectedRevision: 0n }))) as WrongExpectedVersionError;
    expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
    expect([wrong.streamName, wrong.expectedVersion, wrong.actualVersion]).toEqual([stream, 0n, 1n]);

    const missing = uniqueStream();
    const absent = (await failure(ctx.client.appendToStream(missing, event('X'), { expectedRevision: 3n }))) as WrongExpectedVersionError;
    expect(absent).toBeInstanceOf(WrongExpectedVersionError);
    expect([absent.streamName, absent.expectedVersion, absent.actualVersion]).toEqual([missing, 3n, 'no_stream']);
  });

  it('an append above the maximum append size is refused with MaxAppendSizeExceededError, nothing written', async () => {
    const stream = uniqueStream();
    // Size counted as the server does: data + metadata + 2 bytes per type character.
    await ctx.client.appendToStream(stream, jsonEvent({ type: 'Big', data: { text: 'x'.repeat(1900) } }));
    const count = ctx.server.eventCount;
    const error = await failure(
      ctx.client.appendToStream(stream, [
        jsonEvent({ type: 'Big', data: { text: 'x'.repeat(1000) } }),
        jsonEvent({ type: 'Big', data: { text: 'x'.repeat(1000) } }),
      ]),
    );
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(2000);
    expect(ctx.server.eventCount).toBe(count);
  });
});

describe('maximum append size default', () => {
  const ctx = serverFor();

  it('is 1 MiB', async () => {
    const justBelow = jsonEvent({ type: 'T', data: { t: 'x'.repeat(1024 * 1024 - 20) } });
    await ctx.client.appendToStream(uniqueStream(), justBelow);
    const above = jsonEvent({ type: 'T', data: { t: 'x'.repeat(1024 * 1024) } });
    const error = await failure(ctx.client.appendToStream(uniqueStream(), above));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024);
  });
});

describe('batch append deadline', () => {
  const ctx = serverFor();

  it('a batch whose deadline has passed is refused with DeadlineExceededError and not written', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(uniqueStream(), event('Warm')); // capabilities and the batch stream
    const count = ctx.server.eventCount;
    const error = await failure(ctx.client.appendToStream(stream, event('Late'), { deadline: 0 }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(ctx.server.eventCount).toBe(count);
    // The stream stays usable.
    await expect(ctx.client.appendToStream(stream, event('OnTime'))).resolves.toMatchObject({ success: true });
  });

  it('a batch not completed (is_final) by its deadline is answered with a Timeout status', async () => {
    const raw = new streamsGrpc.StreamsClient(`127.0.0.1:${ctx.server.port}`, grpc.credentials.createInsecure());
    try {
      const call = raw.batchAppend();
      const answered = new Promise<BatchAppendResp>((resolve) => call.once('data', resolve));
      const closed = new Promise((resolve) => call.on('status', resolve));
      call.on('error', () => {
        /* the status is awaited below */
      });
      const { BatchAppendReq } = streamsPb;
      const options = new BatchAppendReq.Options();
      const id = new sharedPb.StreamIdentifier();
      id.setStreamName(Buffer.from(uniqueStream(), 'utf8'));
      options.setStreamIdentifier(id);
      options.setAny(new sharedPb.Empty());
      options.setDeadline(timestampPb.Timestamp.fromDate(new Date(Date.now() + 20)));
      const req = new BatchAppendReq();
      const correlation = new sharedPb.UUID();
      correlation.setString(randomUUID());
      req.setCorrelationId(correlation);
      req.setOptions(options);
      req.setIsFinal(false); // the rest never comes
      call.write(req);
      const resp = await answered;
      expect(resp.getError()!.getCode()).toBe(grpc.status.DEADLINE_EXCEEDED);
      expect(resp.getError()!.getDetails()!.getTypeName()).toBe('event_store.client.Timeout');
      call.end();
      await closed;
    } finally {
      raw.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Deleted streams
// ---------------------------------------------------------------------------

describe('reading a missing stream', () => {
  const ctx = serverFor();

  it('throws StreamNotFoundError', async () => {
    const missing = uniqueStream();
    const error = await failure(collect(ctx.client.readStream(missing)));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(missing);
  });
});

describe.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append', batchAppend: false },
])('deleted streams over $path', ({ batchAppend }) => {
  const ctx = serverFor({ batchAppend });

  it('soft delete: reads as not found; an append continues at the old last revision + 1 and only new events read back', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('A'), event('B'), event('C')]);
    await ctx.client.deleteStream(stream);
    expect(await failure(collect(ctx.client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);

    const again = await ctx.client.appendToStream(stream, event('D'), { expectedRevision: 'any' });
    expect(again.nextExpectedRevision).toBe(3n);
    const read = (await collect(ctx.client.readStream(stream))).map((r) => [r.event!.type, r.event!.revision]);
    expect(read).toEqual([['D', 3n]]);
    // The delete is a `$metadata` event of `$$stream` in $all, like any system event.
    const all = (await collect(ctx.client.readAll())).map((e) => e.event!);
    expect(all.filter((e) => e.streamId === `$$${stream}`).map((e) => e.type)).toEqual(['$metadata', '$metadata']);
  });

  it('soft delete: no_stream and the old last revision are accepted too; stream_exists is refused with StreamDeletedError', async () => {
    const byNoStream = uniqueStream();
    await ctx.client.appendToStream(byNoStream, [event('A'), event('B')]);
    await ctx.client.deleteStream(byNoStream);
    const r1 = await ctx.client.appendToStream(byNoStream, event('C'), { expectedRevision: 'no_stream' });
    expect(r1.nextExpectedRevision).toBe(2n);

    const byRevision = uniqueStream();
    await ctx.client.appendToStream(byRevision, [event('A'), event('B')]);
    await ctx.client.deleteStream(byRevision);
    const r2 = await ctx.client.appendToStream(byRevision, event('C'), { expectedRevision: 1n });
    expect(r2.nextExpectedRevision).toBe(2n);

    const byExists = uniqueStream();
    await ctx.client.appendToStream(byExists, event('A'));
    await ctx.client.deleteStream(byExists);
    expect(await failure(ctx.client.appendToStream(byExists, event('B'), { expectedRevision: 'stream_exists' }))).toBeInstanceOf(
      StreamDeletedError,
    );
  });

  it('soft-deleting a stream that never existed, or at a wrong revision, is a wrong expected version', async () => {
    expect(await failure(ctx.client.deleteStream(uniqueStream()))).toBeInstanceOf(WrongExpectedVersionError);
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('A'), event('B')]);
    const wrong = (await failure(ctx.client.deleteStream(stream, { expectedRevision: 5n }))) as WrongExpectedVersionError;
    expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
    expect([wrong.streamName, wrong.expectedVersion, wrong.actualVersion]).toEqual([stream, 5n, 1n]);
    expect(await collect(ctx.client.readStream(stream))).toHaveLength(2);
  });

  it('tombstone: reads, appends, deletes and subscriptions fail with StreamDeletedError', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, [event('A'), event('B')]);
    await ctx.client.tombstoneStream(stream);
    const count = ctx.server.eventCount;

    const readError = await failure(collect(ctx.client.readStream(stream)));
    expect(readError).toBeInstanceOf(StreamDeletedError);
    expect((readError as StreamDeletedError).streamName).toBe(stream);
    for (const expectedRevision of ['any', 'no_stream', 1n] as const) {
      expect(await failure(ctx.client.appendToStream(stream, event('C'), { expectedRevision }))).toBeInstanceOf(StreamDeletedError);
    }
    expect(await failure(ctx.client.deleteStream(stream))).toBeInstanceOf(StreamDeletedError);
    expect(await failure(ctx.client.tombstoneStream(stream))).toBeInstanceOf(StreamDeletedError);
    expect(ctx.server.eventCount).toBe(count);

    const sub = ctx.client.subscribeToStream(stream);
    const rec = record(sub);
    await waitUntil(() => rec.errors.length > 0, 'the stream subscription to fail');
    expect(rec.errors[0]).toBeInstanceOf(StreamDeletedError);

    // The tombstone is a `$streamDeleted` event of the stream in $all.
    const all = (await collect(ctx.client.readAll())).map((e) => e.event!);
    expect(all.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['A', 'B', '$streamDeleted']);
  });
});

// ---------------------------------------------------------------------------
// Drops, access, clusters
// ---------------------------------------------------------------------------

describe('drop()', () => {
  const ctx = serverFor({}, true);

  it('ends open subscriptions and the batch append stream with UNAVAILABLE, then serves new calls', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, event('Before'));
    const sub = ctx.client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(rec.caughtUp, 'caughtUp');
    const streamSub = ctx.client.subscribeToStream(stream);
    const streamRec = record(streamSub);
    await waitUntil(streamRec.caughtUp, 'stream caughtUp');
    expect(ctx.server.activeSubscriptions).toBe(2);

    await ctx.server.drop();
    await waitUntil(() => rec.errors.length > 0 && streamRec.errors.length > 0, 'both subscriptions to fail');
    expect(rec.errors[0]).toBeInstanceOf(UnavailableError);
    expect(streamRec.errors[0]).toBeInstanceOf(UnavailableError);
    expect(ctx.server.activeSubscriptions).toBe(0);

    // Served again: appends (a new batch stream), reads and a resubscription from the last position seen.
    await ctx.client.appendToStream(stream, event('After'));
    const resub = ctx.client.subscribeToAll({ fromPosition: rec.events.at(-1)!.event!.position! });
    const again = record(resub);
    await waitUntil(again.caughtUp, 'caughtUp again');
    await resub.unsubscribe();
    expect(again.events.map((e) => e.event!.type)).toEqual(['After']);
    expect(ctx.server.calls.batchAppend).toBe(2);
  });
});

describe('secured server', () => {
  const ctx = serverFor({ secured: true });

  it('refuses reading and subscribing to $all with AccessDeniedError; streams still work', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, event('A'));
    expect(await collect(ctx.client.readStream(stream))).toHaveLength(1);
    expect(await failure(collect(ctx.client.readAll()))).toBeInstanceOf(AccessDeniedError);
    const sub = ctx.client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(() => rec.errors.length > 0, 'the subscription to fail');
    expect(rec.errors[0]).toBeInstanceOf(AccessDeniedError);
    expect(rec.events).toEqual([]);
  });
});

describe('requires-leader', () => {
  const ctx = serverFor();

  it('records whether each call asked for the leader', async () => {
    const stream = uniqueStream();
    await ctx.client.appendToStream(stream, event('A'), { requiresLeader: true });
    await collect(ctx.client.readStream(stream, { requiresLeader: true }));
    await collect(ctx.client.readStream(stream));
    await collect(ctx.client.readAll({ maxCount: 1, fromPosition: END, direction: 'backwards' }));
    expect(ctx.server.requests).toEqual([
      { rpc: 'batchAppend', target: 'stream', requiresLeader: true },
      // A stream read without maxCount asks for everything; the $all read asked for one event.
      { rpc: 'read', target: 'stream', stream, requiresLeader: true, subscription: false, count: BigInt(Number.MAX_SAFE_INTEGER) },
      { rpc: 'read', target: 'stream', stream, requiresLeader: false, subscription: false, count: BigInt(Number.MAX_SAFE_INTEGER) },
      { rpc: 'read', target: 'all', requiresLeader: false, subscription: false, count: 1n },
    ]);
  });
});
