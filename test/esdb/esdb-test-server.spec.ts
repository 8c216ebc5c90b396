/**
 * Drives the REAL @eventstore/db-client (6.2.1) over gRPC against the
 * in-memory wire-level fake in ./esdb-test-server.ts, to pin down that the
 * fake answers the way EventStoreDB does as the client sees it.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  binaryEvent,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-test-server.js';

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Records everything a subscription emits, in order, as a flat log. */
function record(sub: AllStreamSubscription | StreamSubscription) {
  const log: Array<{ kind: 'event'; e: AllStreamResolvedEvent | ResolvedEvent } | { kind: 'confirmation' | 'caughtUp' }> =
    [];
  const errors: Error[] = [];
  let ended = false;
  sub.on('data', (e: AllStreamResolvedEvent | ResolvedEvent) => log.push({ kind: 'event', e }));
  sub.on('confirmation', () => log.push({ kind: 'confirmation' }));
  sub.on('caughtUp', () => log.push({ kind: 'caughtUp' }));
  sub.on('error', (err: Error) => errors.push(err));
  sub.on('end', () => (ended = true));
  sub.on('close', () => (ended = true));
  return {
    log,
    errors,
    get ended() {
      return ended;
    },
    get events() {
      return log.flatMap((l) => (l.kind === 'event' ? [l.e.event!] : []));
    },
    kinds: () => log.map((l) => (l.kind === 'event' ? l.e.event!.type : l.kind)),
  };
}

const uniqueStream = (prefix = 'order') => `${prefix}-${randomUUID()}`;

const event = (type: string, data: Record<string, unknown> = {}, metadata?: Record<string, unknown>) =>
  jsonEvent({ type, data, ...(metadata ? { metadata } : {}) });

// ---------------------------------------------------------------------------
// plumbing
// ---------------------------------------------------------------------------

describe('esdb-test-server plumbing', () => {
  it('uses the same @grpc/grpc-js copy the generated code resolves', () => {
    const here = createRequire(import.meta.url);
    const generated = here.resolve('@eventstore/db-client/generated/streams_grpc_pb.js');
    expect(createRequire(generated).resolve('@grpc/grpc-js')).toBe(here.resolve('@grpc/grpc-js'));
  });

  it('binds to loopback on a random port and exposes a usable connection string', async () => {
    const server = await startEsdbTestServer();
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.connectionString).toBe(`esdb://127.0.0.1:${server.port}?tls=false`);
      expect(server.eventCount).toBe(0);
    } finally {
      await server.close();
      await server.close(); // idempotent
    }
  });
});

// ---------------------------------------------------------------------------
// appends — run over both wire paths the client has
// ---------------------------------------------------------------------------

describe.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append (no BatchAppend advertised)', batchAppend: false },
])('appendToStream over $path', ({ batchAppend }) => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    server = await startEsdbTestServer({ batchAppend });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('took the expected RPC', async () => {
    await client.appendToStream(uniqueStream(), event('Probe'));
    const calls = server.calls;
    expect(calls.getSupportedMethods).toBe(1);
    if (batchAppend) {
      expect(calls.batchAppend).toBeGreaterThanOrEqual(1);
      expect(calls.append).toBe(0);
    } else {
      expect(calls.append).toBeGreaterThanOrEqual(1);
      expect(calls.batchAppend).toBe(0);
    }
  });

  it('appends and reads back id, type, data, metadata, revision, created, position', async () => {
    const stream = uniqueStream();
    const before = Date.now();
    const e1 = event('OrderPlaced', { orderId: 1, lines: [{ sku: 'a', qty: 2 }] }, { correlationId: 'c-1' });
    const e2 = event('OrderPaid', { amount: 12.5, note: 'zł €' });
    const result = await client.appendToStream(stream, [e1, e2], { expectedRevision: 'no_stream' });

    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(1n);
    expect(result.position).toBeDefined();

    const read = await collect(client.readStream(stream));
    expect(read).toHaveLength(2);
    const [r1, r2] = read.map((r) => r.event!);
    expect(r1).toMatchObject({
      streamId: stream,
      id: e1.id,
      type: 'OrderPlaced',
      revision: 0n,
      isJson: true,
      data: { orderId: 1, lines: [{ sku: 'a', qty: 2 }] },
      metadata: { correlationId: 'c-1' },
    });
    expect(r2).toMatchObject({ id: e2.id, type: 'OrderPaid', revision: 1n, data: { amount: 12.5, note: 'zł €' } });
    expect(r2.metadata).toBeUndefined(); // no custom metadata sent -> client gives undefined
    expect(r1.created).toBeInstanceOf(Date);
    expect(r1.created.getTime()).toBeGreaterThanOrEqual(before);
    expect(r1.created.getTime()).toBeLessThanOrEqual(Date.now());
    // The append result position is the position of the last event written.
    expect(r2.position).toEqual(result.position);
    // Stream reads carry the $all commit position too (v23 self-committed events).
    expect(read[1]!.commitPosition).toBe(result.position!.commit);
  });

  it('gives strictly increasing, non-consecutive positions with commit == prepare', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('A'), event('B'), event('C')]);
    const positions = (await collect(client.readStream(stream))).map((r) => r.event!.position!);
    for (const p of positions) expect(p.commit).toBe(p.prepare);
    for (let i = 1; i < positions.length; i++) {
      expect(positions[i]!.commit).toBeGreaterThan(positions[i - 1]!.commit + 1n);
    }
    expect(positions[0]!.commit).toBeGreaterThan(0n);
  });

  it('any: always appends', async () => {
    const stream = uniqueStream();
    const r1 = await client.appendToStream(stream, event('A'), { expectedRevision: 'any' });
    const r2 = await client.appendToStream(stream, event('B'), { expectedRevision: 'any' });
    expect([r1.nextExpectedRevision, r2.nextExpectedRevision]).toEqual([0n, 1n]);
  });

  async function expectWrongExpectedVersion(
    stream: string,
    expectedRevision: AppendExpectedRevision,
    actual: bigint | 'no_stream',
  ): Promise<void> {
    const countBefore = server.eventCount;
    const error = await client.appendToStream(stream, event('X'), { expectedRevision }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    const wev = error as WrongExpectedVersionError;
    expect(wev.streamName).toBe(stream);
    expect(wev.expectedVersion).toBe(expectedRevision);
    expect(wev.actualVersion).toBe(actual);
    expect(server.eventCount).toBe(countBefore);
  }

  it('no_stream on an existing stream -> WrongExpectedVersionError', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('A'), event('B')]);
    await expectWrongExpectedVersion(stream, 'no_stream', 1n);
  });

  it('stream_exists on a missing stream -> WrongExpectedVersionError(actual no_stream)', async () => {
    await expectWrongExpectedVersion(uniqueStream(), 'stream_exists', 'no_stream');
  });

  it('stream_exists on an existing stream appends', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, event('A'));
    const r = await client.appendToStream(stream, event('B'), { expectedRevision: 'stream_exists' });
    expect(r.nextExpectedRevision).toBe(1n);
  });

  it('exact revision: mismatch ahead/behind/missing stream -> WrongExpectedVersionError', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('A'), event('B')]);
    await expectWrongExpectedVersion(stream, 5n, 1n);
    await expectWrongExpectedVersion(stream, 0n, 1n);
    await expectWrongExpectedVersion(uniqueStream(), 0n, 'no_stream');
    const ok = await client.appendToStream(stream, event('C'), { expectedRevision: 1n });
    expect(ok.nextExpectedRevision).toBe(2n);
  });

  it('idempotent re-append (no_stream and exact revision) writes nothing and returns the same result', async () => {
    const stream = uniqueStream();
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    const count = server.eventCount;
    const again = await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    expect(server.eventCount).toBe(count);

    const next = [event('C')];
    const third = await client.appendToStream(stream, next, { expectedRevision: 1n });
    const thirdAgain = await client.appendToStream(stream, next, { expectedRevision: 1n });
    expect(thirdAgain).toEqual(third);
    expect(thirdAgain.nextExpectedRevision).toBe(2n);
    expect(server.eventCount).toBe(count + 1);

    // Same ids but only partially matching what is stored -> not idempotent.
    await expect(
      client.appendToStream(stream, [batch[0]!, event('Other')], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await collect(client.readStream(stream))).map((r) => r.event!.type)).toEqual(['A', 'B', 'C']);
  });

  it('idempotent re-append with any (ids already in the stream) writes nothing', async () => {
    const stream = uniqueStream();
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream(stream, batch);
    const again = await client.appendToStream(stream, batch);
    expect(again).toEqual(first);
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });

  it('binary (octet-stream) data and metadata round-trip as bytes', async () => {
    const stream = uniqueStream();
    const payload = Uint8Array.from([0, 1, 2, 250, 255]);
    const metadata = Uint8Array.from([7, 0, 7]); // not JSON, so the client hands back the bytes
    await client.appendToStream(stream, binaryEvent({ type: 'Blob', data: payload, metadata }));
    const [r] = await collect(client.readStream(stream));
    expect(r!.event!.isJson).toBe(false);
    expect(Array.from(r!.event!.data as Uint8Array)).toEqual([0, 1, 2, 250, 255]);
    expect(Array.from(r!.event!.metadata as Uint8Array)).toEqual([7, 0, 7]);
  });
});

// ---------------------------------------------------------------------------
// reads
// ---------------------------------------------------------------------------

describe('reads', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  const streamA = uniqueStream('a');
  const streamB = uniqueStream('b');

  beforeAll(async () => {
    server = await startEsdbTestServer();
    client = EventStoreDBClient.connectionString(server.connectionString);
    // $all: A0 A1 B0 A2 B1
    await client.appendToStream(streamA, [event('A0'), event('A1')]);
    await client.appendToStream(streamB, event('B0'));
    await client.appendToStream(streamA, event('A2'));
    await client.appendToStream(streamB, event('B1'));
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  const types = (events: Array<ResolvedEvent | AllStreamResolvedEvent>) => events.map((e) => e.event!.type);

  it('readStream of a missing stream throws StreamNotFoundError', async () => {
    const missing = uniqueStream('missing');
    const error = await collect(client.readStream(missing)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(missing);
  });

  it('readStream forwards/backwards with fromRevision and maxCount', async () => {
    expect(types(await collect(client.readStream(streamA)))).toEqual(['A0', 'A1', 'A2']);
    expect(types(await collect(client.readStream(streamA, { fromRevision: 1n })))).toEqual(['A1', 'A2']);
    expect(types(await collect(client.readStream(streamA, { maxCount: 2 })))).toEqual(['A0', 'A1']);
    expect(types(await collect(client.readStream(streamA, { direction: BACKWARDS, fromRevision: END })))).toEqual([
      'A2',
      'A1',
      'A0',
    ]);
    expect(
      types(await collect(client.readStream(streamA, { direction: BACKWARDS, fromRevision: 1n, maxCount: 5 }))),
    ).toEqual(['A1', 'A0']);
    expect(
      types(await collect(client.readStream(streamA, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }))),
    ).toEqual(['A2']);
    expect(await collect(client.readStream(streamA, { fromRevision: 10n }))).toEqual([]);
    expect(await collect(client.readStream(streamA, { fromRevision: END }))).toEqual([]);
  });

  it('readAll forwards/backwards with maxCount', async () => {
    expect(types(await collect(client.readAll()))).toEqual(['A0', 'A1', 'B0', 'A2', 'B1']);
    expect(types(await collect(client.readAll({ maxCount: 2 })))).toEqual(['A0', 'A1']);
    expect(types(await collect(client.readAll({ direction: BACKWARDS, fromPosition: END })))).toEqual([
      'B1',
      'A2',
      'B0',
      'A1',
      'A0',
    ]);
    expect(types(await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 })))).toEqual([
      'B1',
      'A2',
    ]);
    expect(await collect(client.readAll({ fromPosition: END }))).toEqual([]);
    expect(await collect(client.readAll({ direction: BACKWARDS, fromPosition: START }))).toEqual([]);
  });

  it('readAll fromPosition: inclusive forwards, exclusive backwards (like ESDB)', async () => {
    const all = await collect(client.readAll());
    const b0 = all[2]!.event!.position!;
    expect(all[2]!.commitPosition).toBe(b0.commit);
    expect(types(await collect(client.readAll({ fromPosition: b0 })))).toEqual(['B0', 'A2', 'B1']);
    expect(types(await collect(client.readAll({ fromPosition: b0, maxCount: 1 })))).toEqual(['B0']);
    expect(types(await collect(client.readAll({ fromPosition: b0, direction: BACKWARDS })))).toEqual(['A1', 'A0']);
  });

  it('filtered $all reads and structured UUIDs (raw protocol: the 6.2.1 client cannot send them)', async () => {
    const raw = new streamsGrpc.StreamsClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const rawRead = (backwards: boolean, count: number) => {
      const { ReadReq } = streamsPb;
      const options = new ReadReq.Options();
      const all = new ReadReq.Options.AllOptions();
      if (backwards) all.setEnd(new sharedPb.Empty());
      else all.setStart(new sharedPb.Empty());
      options.setAll(all);
      const { BACKWARDS: back, FORWARDS: fwd } = ReadReq.Options.ReadDirection;
      options.setReadDirection(backwards ? back : fwd);
      options.setResolveLinks(false);
      options.setCount(String(count));
      const uuid = new ReadReq.Options.UUIDOption();
      uuid.setStructured(new sharedPb.Empty());
      options.setUuidOption(uuid);
      const expression = new ReadReq.Options.FilterOptions.Expression();
      expression.setPrefixList(['b-']);
      const filter = new ReadReq.Options.FilterOptions();
      filter.setStreamIdentifier(expression);
      filter.setCount(new sharedPb.Empty());
      filter.setCheckpointintervalmultiplier(1);
      options.setFilter(filter);
      const req = new ReadReq();
      req.setOptions(options);
      return collect<ReadResp>(raw.read(req));
    };
    try {
      const forwards = (await rawRead(false, 10)).map((r) => r.getEvent()!.getEvent()!);
      expect(forwards.map((e) => e.getMetadataMap().get('type'))).toEqual(['B0', 'B1']);
      const backwards = (await rawRead(true, 1)).map((r) => r.getEvent()!.getEvent()!);
      expect(backwards.map((e) => e.getMetadataMap().get('type'))).toEqual(['B1']);

      // Structured UUID: most/least significant 64-bit halves, as the client's parseUUID reads them.
      const structured = forwards[0]!.getId()!.getStructured()!;
      const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
        .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
        .join('');
      const [b0] = await collect(client.readStream(streamB, { maxCount: 1 }));
      expect(hex).toBe(b0!.event!.id.replace(/-/g, ''));
    } finally {
      raw.close();
    }
  });

  it('readAll events carry stream ids and revisions', async () => {
    const all = (await collect(client.readAll())).map((e) => e.event!);
    expect(all.map((e) => [e.streamId, e.revision])).toEqual([
      [streamA, 0n],
      [streamA, 1n],
      [streamB, 0n],
      [streamA, 2n],
      [streamB, 1n],
    ]);
  });
});

// ---------------------------------------------------------------------------
// system events
// ---------------------------------------------------------------------------

describe('systemEvents option', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    server = await startEsdbTestServer({ systemEvents: true });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('puts one $metadata event in a $$ stream at the start of $all', async () => {
    expect(server.eventCount).toBe(1);
    await client.appendToStream(uniqueStream(), event('UserEvent'));
    const all = (await collect(client.readAll())).map((e) => e.event!);
    expect(all.map((e) => e.type)).toEqual(['$metadata', 'UserEvent']);
    expect(all[0]!.streamId.startsWith('$$')).toBe(true);
  });

  it("excludeSystemEvents() (regex '^[^$].*' on the event type) skips it in subscriptions", async () => {
    const sub = client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    expect(rec.events.map((e) => e.type)).toEqual(['UserEvent']);
    await sub.unsubscribe();
  });
});

// ---------------------------------------------------------------------------
// subscriptions
// ---------------------------------------------------------------------------

describe('subscriptions (23.10 checkpoints)', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    server = await startEsdbTestServer({ checkpointAtEndOfCatchUp: false });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterEach(async () => {
    await client.dispose();
    await server.close();
  });

  it('subscribeToAll from start: confirmation, catch-up, caughtUp, then live events', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('E1'), event('E2')]);

    const sub = client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    await client.appendToStream(stream, event('E3'));
    await client.appendToStream(uniqueStream(), event('E4'));
    await waitUntil(() => rec.events.length === 4, '4 events');

    expect(rec.kinds()).toEqual(['confirmation', 'E1', 'E2', 'caughtUp', 'E3', 'E4']);
    expect(server.activeSubscriptions).toBe(1);
    await sub.unsubscribe();
    expect(rec.errors).toEqual([]);
  });

  it('subscribeToAll from a position is exclusive', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('E1'), event('E2'), event('E3')]);
    const all = await collect(client.readAll());
    const e2Position = all[1]!.event!.position!;

    const sub = client.subscribeToAll({ fromPosition: e2Position });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    expect(rec.events.map((e) => e.type)).toEqual(['E3']);
    await sub.unsubscribe();
  });

  it('subscribeToAll from end only sees new events', async () => {
    await client.appendToStream(uniqueStream(), event('Old'));
    const sub = client.subscribeToAll({ fromPosition: END });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    await client.appendToStream(uniqueStream(), event('New'));
    await waitUntil(() => rec.events.length === 1, '1 event');
    expect(rec.kinds()).toEqual(['confirmation', 'caughtUp', 'New']);
    await sub.unsubscribe();
  });

  it('filtered subscribeToAll (event type prefixes) with maxSearchWindow calls checkpointReached', async () => {
    const stream = uniqueStream();
    // 7 events in $all, 2 matching.
    await client.appendToStream(stream, [
      event('Noise'),
      event('MatchA'),
      event('Noise'),
      event('Noise'),
      event('Noise'),
      event('MatchB'),
      event('Noise'),
    ]);
    const all = (await collect(client.readAll())).map((e) => e.event!);
    const checkpoints: Position[] = [];
    const sub = client.subscribeToAll({
      fromPosition: START,
      filter: eventTypeFilter({
        prefixes: ['Match'],
        maxSearchWindow: 2,
        checkpointInterval: 1,
        checkpointReached: (_s, position) => {
          checkpoints.push(position);
        },
      }),
    });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    expect(rec.events.map((e) => e.type)).toEqual(['MatchA', 'MatchB']);
    // 23.10, catch-up pages of 2: a checkpoint after pages 1..3 (none after the last page, which reaches
    // the end), at the page's last matching event, or at the page's start (next record, prepare 0).
    expect(checkpoints).toEqual([all[1]!.position, { commit: all[2]!.position!.commit, prepare: 0n }, all[5]!.position]);

    // Live: a checkpoint every 2 considered events; 1 event is left over from catch-up.
    await client.appendToStream(stream, [event('Noise'), event('MatchC'), event('Noise')]);
    await waitUntil(() => rec.events.length === 3, 'MatchC');
    await waitUntil(() => checkpoints.length === 5, '5 checkpoints');
    const allNow = (await collect(client.readAll())).map((e) => e.event!);
    expect(checkpoints.slice(3)).toEqual([allNow[7]!.position, allNow[9]!.position]);
    await client.appendToStream(stream, [event('Noise'), event('Noise')]);
    await waitUntil(() => checkpoints.length === 6, '6th checkpoint');
    expect(rec.events.map((e) => e.type)).toEqual(['MatchA', 'MatchB', 'MatchC']);
    await sub.unsubscribe();
  });

  it('filtered subscribeToAll on stream name regex, default window (32) checkpoints', async () => {
    const wanted = uniqueStream('wanted');
    await client.appendToStream(wanted, event('W1'));
    for (let i = 0; i < 40; i++) await client.appendToStream(uniqueStream('other'), event('O'));
    await client.appendToStream(wanted, event('W2'));
    const checkpoints: Position[] = [];
    const sub = client.subscribeToAll({
      filter: streamNameFilter({ regex: '^wanted-', checkpointReached: (_s, p) => void checkpoints.push(p) }),
    });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    expect(rec.events.map((e) => e.type)).toEqual(['W1', 'W2']);
    const all = (await collect(client.readAll())).map((e) => e.event!);
    // 23.10: the first page (32 considered) ends with a checkpoint at its last matching event, W1.
    expect(checkpoints).toEqual([all[0]!.position]);
    await sub.unsubscribe();
  });

  it('unsubscribe ends the call on the server; appends keep working', async () => {
    const sub = client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    expect(server.activeSubscriptions).toBe(1);
    await sub.unsubscribe();
    await waitUntil(() => server.activeSubscriptions === 0, 'server to drop the subscription');
    await client.appendToStream(uniqueStream(), event('AfterUnsubscribe'));
    expect(rec.events).toEqual([]);
    expect(rec.errors).toEqual([]);
  });

  it('subscribeToStream from a revision is exclusive, then live; other streams ignored', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, [event('S0'), event('S1'), event('S2')]);
    const sub = client.subscribeToStream(stream, { fromRevision: 0n });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    await client.appendToStream(uniqueStream(), event('Elsewhere'));
    await client.appendToStream(stream, event('S3'));
    await waitUntil(() => rec.events.length === 3, '3 events');
    expect(rec.kinds()).toEqual(['confirmation', 'S1', 'S2', 'caughtUp', 'S3']);
    expect(rec.events.map((e) => e.revision)).toEqual([1n, 2n, 3n]);
    await sub.unsubscribe();
  });

  it('server close() ends open subscriptions (client sees an error, like a dropped connection)', async () => {
    const sub = client.subscribeToAll({ fromPosition: START });
    const rec = record(sub);
    await waitUntil(() => rec.log.some((l) => l.kind === 'caughtUp'), 'caughtUp');
    await server.close();
    await waitUntil(() => rec.errors.length > 0 || rec.ended, 'subscription to end');
    // forceShutdown cancels the HTTP/2 streams: the client reports CANCELLED.
    expect(rec.errors.map((e) => e.constructor.name)).toEqual(['CancelledError']);
    expect(server.activeSubscriptions).toBe(0);
  });
});
