/**
 * Wire-level EventStoreDB test server.
 *
 * An in-memory fake of EventStoreDB (v23-ish semantics) that speaks the real
 * gRPC protocol, so the REAL `@eventstore/db-client` can be exercised over a
 * real HTTP/2 connection on 127.0.0.1 without docker or an ESDB binary.
 *
 * It is a TEST FIXTURE, not a product: one process, one in-memory log, no
 * persistence, no auth, no TLS, no cluster/gossip.
 *
 * Why it is built from the client's own generated code: the service
 * definitions (`*_grpc_pb.js`) and message classes (`*_pb.js`) shipped inside
 * `@eventstore/db-client/generated` are exactly what the client serialises
 * with, so the fake cannot drift from the wire format the client expects.
 * The generated serializers check `instanceof` against the message classes of
 * the module they were generated with, so responses MUST be built from the
 * same `*_pb.js` module instances the `*_grpc_pb.js` files require; that is
 * asserted at load time below (see `assertSameMessageClasses`).
 *
 * Implemented (as the client 6.2.1 sees it):
 *  - ServerFeatures.GetSupportedMethods (the client calls it before the first
 *    append to choose between BatchAppend and Append).
 *  - Streams.BatchAppend (default path of `appendToStream` against a v21.10+
 *    server) and Streams.Append (used when `batchAppend: false`, i.e. when the
 *    server does not advertise BatchAppend, or when per-call credentials are
 *    given).
 *  - Streams.Read: stream reads, $all reads (optionally filtered), catch-up
 *    subscriptions to $all (optionally filtered, with checkpoints) and to a
 *    single stream.
 * Not implemented (answers UNIMPLEMENTED): Delete, Tombstone, persistent
 * subscriptions, projections, users, operations, gossip. Link events
 * (resolveLinkTos) are not modelled.
 *
 * Behaviour notes mirroring EventStoreDB (sources: EventStore server
 * `Streams.Read.cs`, `Enumerators.AllSubscriptionFiltered.cs`,
 * `IndexWriter.CheckCommit`, `SubscriptionsService`):
 *  - Every event has a global position with commit == prepare (a
 *    "self-committed" event in v23). Positions grow by a byte-ish amount
 *    (100 + sizes), never by 1, and the first event is not at 0.
 *  - `created` is sent as .NET ticks (100ns) since the Unix epoch, as a
 *    decimal string in the `created` metadata entry.
 *  - Reading $all forwards from a position includes the event at that
 *    position; reading backwards from a position EXCLUDES it (transaction-file
 *    semantics: a backward read starts at the record ending at that position).
 *    Subscriptions to $all from a position are exclusive; subscriptions to a
 *    stream from a revision are exclusive too.
 *  - Idempotent appends follow `CheckCommit`: with an exact revision or
 *    no_stream, if the proposed ids are exactly the events already stored at
 *    expected+1.. the append succeeds without writing; with any/stream_exists,
 *    if all proposed ids are already in the stream it succeeds without
 *    writing; a partial match is a wrong-expected-version.
 *  - Filtered $all subscriptions read in pages of `maxSearchWindow` events
 *    (32 when the client sends `count`, ESDB's ReadBatchSize); a checkpoint is
 *    sent whenever `checkpointIntervalMultiplier * window` events have been
 *    considered (at page ends during catch-up, per event when live). No
 *    checkpoint is sent for the page that reaches the end of $all. The
 *    checkpoint position is the last event considered (live: exactly like
 *    ESDB; catch-up: ESDB uses the last matching event of the page, or the
 *    page start when nothing matched — always a safe resume point either way).
 *  - Subscriptions send `confirmation`, the catch-up events, `caught_up`
 *    (v23.10+ servers do; client 6.2.1 emits it as "caughtUp"), then live
 *    events. Unfiltered subscriptions get no checkpoints.
 *  - `close()` force-shuts the server: the client sees its open calls fail
 *    with CANCELLED (CancelledError), much like a dropped connection.
 */
import grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
// google-protobuf is the runtime of the generated code (a dependency of
// @eventstore/db-client, hoisted to the top-level node_modules).
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import googleEmptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  DeleteReq,
  DeleteResp,
  ReadReq,
  ReadResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb.js';
import type { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb.js';
import { randomUUID } from 'node:crypto';

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

export interface EsdbTestServer {
  /** e.g. `esdb://127.0.0.1:PORT?tls=false` — usable with EventStoreDBClient.connectionString */
  connectionString: string;
  port: number;
  /** Number of events stored (for assertions), including the optional system event. */
  readonly eventCount: number;
  /** Number of subscription calls (Read with the subscription option) currently open. */
  readonly activeSubscriptions: number;
  /** How many times each RPC was called (to assert which wire path a client took). */
  readonly calls: Readonly<Record<RpcName, number>>;
  /**
   * Force-shutdown: drops every connection, so open subscriptions and the
   * client's BatchAppend stream end with an error on the client side
   * (CancelledError), as if the database went away. Idempotent.
   */
  close(): Promise<void>;
}

export type RpcName = 'read' | 'append' | 'batchAppend' | 'getSupportedMethods';

export interface EsdbTestServerOptions {
  /**
   * Write one system event (type `$metadata`, stream `$$$stats-127.0.0.1:2113`)
   * before anything else, like a fresh EventStoreDB has system events at the
   * start of $all. Lets adapters be tested for skipping system events.
   * Default false.
   */
  systemEvents?: boolean;
  /**
   * Advertise Streams.BatchAppend in ServerFeatures (default true, like
   * EventStoreDB >= 21.10). With false the client falls back to the
   * client-streaming Streams.Append RPC.
   */
  batchAppend?: boolean;
}

/** Starts a server on 127.0.0.1 with a random free port (loopback only). */
export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const store = new EventLog();
  if (options.systemEvents) {
    store.append('$$$stats-127.0.0.1:2113', { kind: 'any' }, [
      {
        id: randomUUID(),
        type: '$metadata',
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify({ $maxAge: 86400 }), 'utf8'),
        metadata: new Uint8Array(0),
      },
    ]);
  }

  const subscriptions = new Set<() => void>();
  const calls: Record<RpcName, number> = { read: 0, append: 0, batchAppend: 0, getSupportedMethods: 0 };
  // Accept what the client may send (it caps batches at 3 MiB and reads up to 17 MiB).
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
  server.addService(streamsGrpc.StreamsService, streamsService(store, subscriptions, calls));
  server.addService(
    serverFeaturesGrpc.ServerFeaturesService,
    serverFeaturesService(options.batchAppend ?? true, calls),
  );

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
      err ? reject(err) : resolve(boundPort),
    );
  });

  let closed = false;
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    get eventCount() {
      return store.size;
    },
    get activeSubscriptions() {
      return subscriptions.size;
    },
    get calls() {
      return { ...calls };
    },
    async close() {
      if (closed) return;
      closed = true;
      // Detach live listeners first so nothing writes to dying calls.
      for (const stop of [...subscriptions]) stop();
      server.forceShutdown();
    },
  };
}

// ---------------------------------------------------------------------------
// Generated code: values (runtime) — checked against the service definitions
// ---------------------------------------------------------------------------

const { ReadResp: ReadRespCls, AppendResp: AppendRespCls, BatchAppendResp: BatchAppendRespCls } = streamsPb;

function assertSameMessageClasses(): void {
  // Run the generated serializers (which do the `instanceof` check) on our own
  // instances: this fails fast if a second copy of the generated modules or of
  // google-protobuf got loaded (e.g. a nested install or a bundler).
  try {
    streamsGrpc.StreamsService.read.responseSerialize(new ReadRespCls());
    streamsGrpc.StreamsService.append.responseSerialize(new AppendRespCls());
    streamsGrpc.StreamsService.batchAppend.responseSerialize(new BatchAppendRespCls());
    serverFeaturesGrpc.ServerFeaturesService.getSupportedMethods.responseSerialize(
      new serverFeaturesPb.SupportedMethods(),
    );
  } catch (err) {
    throw new Error(
      'esdb-test-server: the *_pb.js modules imported here are not the instances used by ' +
        `@eventstore/db-client/generated/*_grpc_pb.js (duplicate module copies?): ${(err as Error).message}`,
    );
  }
}
assertSameMessageClasses();

// ---------------------------------------------------------------------------
// In-memory log
// ---------------------------------------------------------------------------

interface StoredEvent {
  streamId: string;
  revision: bigint;
  id: string; // lower-case canonical UUID
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks (100ns) since the Unix epoch, like ESDB's `created`. */
  created: bigint;
  /** Commit == prepare position (self-committed event). */
  position: bigint;
}

interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

type Expected =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

type AppendOutcome =
  /** currentRevision null = stream still does not exist; position null = nothing written. */
  | { ok: true; currentRevision: bigint | null; position: bigint | null }
  | { ok: false; currentRevision: bigint | null; expected: Expected };

/** Where the first event goes: not 0, as real $all starts with system records. */
const FIRST_LOG_POSITION = 256n;
const TICKS_PER_MS = 10_000n;

class EventLog {
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Latest stored event per id, per stream (ESDB keeps a committed-event-id cache). */
  private readonly ids = new Map<string, Map<string, StoredEvent>>();
  private logEnd = FIRST_LOG_POSITION;
  private readonly listeners = new Set<(e: StoredEvent) => void>();

  get size(): number {
    return this.all.length;
  }

  stream(streamId: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamId);
  }

  onAppended(listener: (e: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Optimistic-concurrency + idempotency check, then write. Mirrors IndexWriter.CheckCommit. */
  append(streamId: string, expected: Expected, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = BigInt(stream.length) - 1n; // -1 = no stream
    const currentOrNull = current < 0n ? null : current;
    const wrong = (): AppendOutcome => ({ ok: false, currentRevision: currentOrNull, expected });

    if (expected.kind === 'stream_exists' && current < 0n) return wrong();

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Idempotency by event id: all ids already in this stream -> success, nothing written.
      const byId = this.ids.get(streamId);
      let last: StoredEvent | undefined;
      for (const [i, e] of proposed.entries()) {
        const found = byId?.get(e.id);
        if (!found) {
          if (i === 0) return this.write(streamId, stream, proposed);
          return wrong(); // partially idempotent = "corrupted idempotency"
        }
        last = found;
      }
      if (!last) return this.write(streamId, stream, proposed); // empty append
      return { ok: true, currentRevision: last.revision, position: last.position };
    }

    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      // Idempotent only if the proposed ids are exactly the events at expected+1.. .
      let revision = expectedRevision;
      for (const e of proposed) {
        revision += 1n;
        const existing = stream[Number(revision)];
        if (existing?.id !== e.id) return wrong();
      }
      if (revision === expectedRevision) return wrong(); // no events proposed
      const last = stream[Number(revision)]!;
      return { ok: true, currentRevision: last.revision, position: last.position };
    }
    if (expectedRevision > current) return wrong();
    return this.write(streamId, stream, proposed);
  }

  private write(streamId: string, stream: StoredEvent[], proposed: readonly ProposedEvent[]): AppendOutcome {
    if (proposed.length === 0) {
      const last = stream.at(-1);
      return { ok: true, currentRevision: last?.revision ?? null, position: null };
    }
    if (!this.streams.has(streamId)) {
      this.streams.set(streamId, stream);
      this.ids.set(streamId, new Map());
    }
    const byId = this.ids.get(streamId)!;
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const written: StoredEvent[] = [];
    for (const e of proposed) {
      const stored: StoredEvent = {
        streamId,
        revision: BigInt(stream.length),
        id: e.id,
        type: e.type,
        contentType: e.contentType,
        data: e.data,
        metadata: e.metadata,
        created,
        position: this.logEnd,
      };
      // A byte-ish record size, so positions are increasing but not consecutive.
      this.logEnd +=
        100n + BigInt(e.data.length + e.metadata.length + Buffer.byteLength(e.type) + Buffer.byteLength(streamId));
      stream.push(stored);
      this.all.push(stored);
      byId.set(e.id, stored);
      written.push(stored);
    }
    for (const e of written) {
      for (const listener of [...this.listeners]) {
        try {
          listener(e);
        } catch {
          // A broken subscriber must never fail an append.
        }
      }
    }
    const last = written.at(-1)!;
    return { ok: true, currentRevision: last.revision, position: last.position };
  }
}

// ---------------------------------------------------------------------------
// Protobuf helpers
// ---------------------------------------------------------------------------

function streamName(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array(0)).toString('utf8');
}

function streamIdentifier(name: string): StreamIdentifier {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(name, 'utf8'));
  return id;
}

/** Accepts both UUID encodings the protocol allows (string, or structured int64 halves). */
function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) return randomUUID();
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const hex =
      BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return uuid.getString().toLowerCase();
}

function toUuid(id: string, structured: boolean): UUID {
  const uuid = new sharedPb.UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  uuid.setStructured(s);
  return uuid;
}

interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

function toProposed(m: ProposedMessageLike): ProposedEvent {
  const metadata = m.getMetadataMap();
  return {
    id: parseUuid(m.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: m.getData_asU8(),
    metadata: m.getCustomMetadata_asU8(),
  };
}

function toReadEvent(e: StoredEvent, structuredUuid: boolean): ReadResp {
  const recorded = new ReadRespCls.ReadEvent.RecordedEvent();
  recorded.setId(toUuid(e.id, structuredUuid));
  recorded.setStreamIdentifier(streamIdentifier(e.streamId));
  recorded.setStreamRevision(e.revision.toString());
  recorded.setCommitPosition(e.position.toString());
  recorded.setPreparePosition(e.position.toString());
  const md = recorded.getMetadataMap();
  md.set('type', e.type);
  // ESDB only stores an is-json flag, so content-type comes back as one of these two.
  md.set('content-type', e.contentType === 'application/json' ? 'application/json' : 'application/octet-stream');
  md.set('created', e.created.toString());
  recorded.setData(e.data);
  recorded.setCustomMetadata(e.metadata);

  const readEvent = new ReadRespCls.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(e.position.toString());
  const resp = new ReadRespCls();
  resp.setEvent(readEvent);
  return resp;
}

function checkpointResp(position: bigint): ReadResp {
  const checkpoint = new ReadRespCls.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(position.toString());
  const resp = new ReadRespCls();
  resp.setCheckpoint(checkpoint);
  return resp;
}

function confirmationResp(): ReadResp {
  const confirmation = new ReadRespCls.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  const resp = new ReadRespCls();
  resp.setConfirmation(confirmation);
  return resp;
}

function caughtUpResp(): ReadResp {
  const resp = new ReadRespCls();
  resp.setCaughtUp(new ReadRespCls.CaughtUp());
  return resp;
}

/** (commit, prepare) ordering, as ESDB's Position comparison. */
function comparePosition(e: StoredEvent, commit: bigint, prepare: bigint): number {
  if (e.position !== commit) return e.position < commit ? -1 : 1;
  if (e.position !== prepare) return e.position < prepare ? -1 : 1;
  return 0;
}

function grpcError(code: grpc.status, details: string): Partial<grpc.ServiceError> {
  return { code, details, metadata: new grpc.Metadata() };
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

interface EventFilter {
  matches(e: StoredEvent): boolean;
  /** Events considered per page (`max`, or ESDB's ReadBatchSize 32 for `count`). */
  window: number;
  /** Considered events between checkpoints: multiplier * window. */
  checkpointInterval: number;
}

const READ_BATCH_SIZE = 32;

function parseFilter(options: ReadReq.Options): EventFilter | null {
  if (!options.hasFilter()) return null;
  const f = options.getFilter()!;
  const onStream = f.hasStreamIdentifier();
  const expression = onStream ? f.getStreamIdentifier() : f.getEventType();
  const regexSource = expression?.getRegex() ?? '';
  const prefixes = expression?.getPrefixList() ?? [];
  // ESDB uses the regex when it is non-empty, the prefix list otherwise.
  // Regex semantics are "is match anywhere" (.NET Regex.IsMatch), like RegExp.test.
  const regex = regexSource ? new RegExp(regexSource) : null;
  const window = f.hasMax() && f.getMax() > 0 ? f.getMax() : READ_BATCH_SIZE;
  const multiplier = f.getCheckpointintervalmultiplier();
  if (multiplier <= 0) throw new Error('checkpointIntervalMultiplier must be > 0');
  return {
    matches(e) {
      const subject = onStream ? e.streamId : e.type;
      return regex ? regex.test(subject) : prefixes.some((p) => subject.startsWith(p));
    },
    window,
    checkpointInterval: multiplier * window,
  };
}

// ---------------------------------------------------------------------------
// Streams service
// ---------------------------------------------------------------------------

function parseExpected(o: {
  hasRevision?(): boolean;
  getRevision?(): string;
  hasStreamPosition?(): boolean;
  getStreamPosition?(): string;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}): Expected {
  if (o.hasRevision?.()) return { kind: 'revision', revision: BigInt(o.getRevision!()) };
  if (o.hasStreamPosition?.()) return { kind: 'revision', revision: BigInt(o.getStreamPosition!()) };
  if (o.hasNoStream()) return { kind: 'no_stream' };
  if (o.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function streamsService(store: EventLog, subscriptions: Set<() => void>, calls: Record<RpcName, number>) {
  // --- Append: client-streaming. First message = options, then one per event.
  const append: grpc.handleClientStreamingCall<AppendReq, AppendResp> = (call, callback) => {
    calls.append += 1;
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) events.push(toProposed(req.getProposedMessage()!));
    });
    // Client cancellation surfaces as 'error' on the readable side; without a
    // listener it would be an uncaught exception in the test process.
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      if (!options) {
        callback(grpcError(grpc.status.INVALID_ARGUMENT, 'first AppendReq must carry options'), null);
        return;
      }
      const name = streamName(options.getStreamIdentifier());
      const outcome = store.append(name, parseExpected(options), events);
      const resp = new AppendRespCls();
      if (outcome.ok) {
        const success = new AppendRespCls.Success();
        if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        if (outcome.position === null) success.setNoPosition(new sharedPb.Empty());
        else {
          const position = new AppendRespCls.Position();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
        }
        resp.setSuccess(success);
      } else {
        // The client reads the v21+ fields (current_revision/current_no_stream,
        // expected_*); the deprecated *_20_6_0 fields are left unset.
        const wev = new AppendRespCls.WrongExpectedVersion();
        if (outcome.currentRevision === null) wev.setCurrentNoStream(new sharedPb.Empty());
        else wev.setCurrentRevision(outcome.currentRevision.toString());
        const exp = outcome.expected;
        if (exp.kind === 'revision') wev.setExpectedRevision(exp.revision.toString());
        else if (exp.kind === 'no_stream') wev.setExpectedNoStream(new sharedPb.Empty());
        else if (exp.kind === 'stream_exists') wev.setExpectedStreamExists(new sharedPb.Empty());
        else wev.setExpectedAny(new sharedPb.Empty());
        resp.setWrongExpectedVersion(wev);
      }
      callback(null, resp);
    });
  };

  // --- BatchAppend: one long-lived bidi stream per client, multiplexed by
  // correlation id; a write may span several requests, the last has is_final.
  const batchAppend: grpc.handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> = (call) => {
    calls.batchAppend += 1;
    const pending = new Map<string, { name: string; expected: Expected; events: ProposedEvent[] }>();
    call.on('data', (req: BatchAppendReq) => {
      const correlationId = req.getCorrelationId();
      const key = parseUuid(correlationId);
      if (req.hasOptions()) {
        const o = req.getOptions()!;
        pending.set(key, { name: streamName(o.getStreamIdentifier()), expected: parseExpected(o), events: [] });
      }
      const write = pending.get(key);
      if (!write) return;
      write.events.push(...req.getProposedMessagesList().map(toProposed));
      if (!req.getIsFinal()) return;
      pending.delete(key);

      const outcome = store.append(write.name, write.expected, write.events);
      const resp = new BatchAppendRespCls();
      if (correlationId) resp.setCorrelationId(correlationId);
      // The client reads the stream name from here when building errors.
      resp.setStreamIdentifier(streamIdentifier(write.name));
      if (outcome.ok) {
        const success = new BatchAppendRespCls.Success();
        if (outcome.currentRevision === null) success.setNoStream(new googleEmptyPb.Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        if (outcome.position === null) success.setNoPosition(new googleEmptyPb.Empty());
        else {
          const position = new sharedPb.AllStreamPosition();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
        }
        resp.setSuccess(success);
      } else {
        // google.rpc.Status with the shared WrongExpectedVersion packed in
        // `details`, code ALREADY_EXISTS — as ESDB's Status.WrongExpectedVersion.
        const wev = new sharedPb.WrongExpectedVersion();
        if (outcome.currentRevision === null) wev.setCurrentNoStream(new googleEmptyPb.Empty());
        else wev.setCurrentStreamRevision(outcome.currentRevision.toString());
        const exp = outcome.expected;
        if (exp.kind === 'revision') wev.setExpectedStreamPosition(exp.revision.toString());
        else if (exp.kind === 'no_stream') wev.setExpectedNoStream(new googleEmptyPb.Empty());
        else if (exp.kind === 'stream_exists') wev.setExpectedStreamExists(new googleEmptyPb.Empty());
        else wev.setExpectedAny(new googleEmptyPb.Empty());
        const details = new anyPb.Any();
        details.pack(wev.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        const status = new statusPb.Status();
        status.setCode(codePb.Code.ALREADY_EXISTS);
        status.setMessage('WrongExpectedVersion');
        status.setDetails(details);
        resp.setError(status);
      }
      if (!call.cancelled) call.write(resp);
    });
    call.on('error', () => {
      /* client went away; nothing to clean up beyond `pending` */
    });
    call.on('end', () => call.end());
  };

  // --- Read: stream / $all reads and subscriptions.
  const read: grpc.handleServerStreamingCall<ReadReq, ReadResp> = (call) => {
    calls.read += 1;
    call.on('error', () => {
      /* see append */
    });
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', grpcError(grpc.status.INVALID_ARGUMENT, 'ReadReq.options is required'));
      return;
    }
    let filter: EventFilter | null;
    try {
      filter = parseFilter(options);
    } catch (err) {
      call.emit('error', grpcError(grpc.status.INVALID_ARGUMENT, (err as Error).message));
      return;
    }
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    const send = (resp: ReadResp) => {
      if (!call.cancelled) call.write(resp);
    };

    if (options.hasSubscription()) {
      subscribe(call, options, filter, structured, send);
      return;
    }

    const count = BigInt(options.getCount() || '0');
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    let candidates: readonly StoredEvent[];

    if (options.hasStream()) {
      const so = options.getStream()!;
      const name = streamName(so.getStreamIdentifier());
      const stream = store.stream(name);
      if (!stream || stream.length === 0) {
        // v21+ answers with a message (older servers used a NotFound status);
        // the client turns it into StreamNotFoundError.
        const notFound = new ReadRespCls.StreamNotFound();
        notFound.setStreamIdentifier(streamIdentifier(name));
        const resp = new ReadRespCls();
        resp.setStreamNotFound(notFound);
        send(resp);
        call.end();
        return;
      }
      const last = stream.length - 1;
      if (!backwards) {
        const from = so.hasEnd() ? stream.length : so.hasRevision() ? Number(BigInt(so.getRevision())) : 0;
        candidates = stream.slice(Math.min(from, stream.length));
      } else {
        // Backwards from a revision includes it; beyond the end clamps to the last event.
        const from = so.hasStart() ? 0 : so.hasRevision() ? Math.min(Number(BigInt(so.getRevision())), last) : last;
        candidates = stream.slice(0, from + 1).reverse();
      }
    } else {
      const ao = options.getAll()!;
      const all = store.all;
      if (!backwards) {
        let from = 0;
        if (ao.hasEnd()) from = all.length;
        else if (ao.hasPosition()) {
          const p = ao.getPosition()!;
          const [c, pr] = [BigInt(p.getCommitPosition()), BigInt(p.getPreparePosition())];
          from = all.findIndex((e) => comparePosition(e, c, pr) >= 0); // inclusive
          if (from < 0) from = all.length;
        }
        candidates = all.slice(from);
      } else {
        let to = all.length; // exclusive upper bound
        if (ao.hasStart()) to = 0;
        else if (ao.hasPosition()) {
          const p = ao.getPosition()!;
          const [c, pr] = [BigInt(p.getCommitPosition()), BigInt(p.getPreparePosition())];
          to = all.findIndex((e) => comparePosition(e, c, pr) >= 0); // event AT position excluded
          if (to < 0) to = all.length;
        }
        candidates = all.slice(0, to).reverse();
      }
    }

    let sent = 0n;
    for (const e of candidates) {
      if (sent >= count) break;
      if (filter && !filter.matches(e)) continue;
      send(toReadEvent(e, structured));
      sent += 1n;
    }
    call.end();
  };

  function subscribe(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
    filter: EventFilter | null,
    structured: boolean,
    send: (resp: ReadResp) => void,
  ): void {
    // JS is single-threaded: confirmation, catch-up and registering the live
    // listener all happen in this tick, so no append can slip in between
    // (no gaps, no duplicates) — the property ESDB works hard to guarantee.
    let catchUp: readonly StoredEvent[];
    let belongs: (e: StoredEvent) => boolean;
    if (options.hasStream()) {
      const so = options.getStream()!;
      const name = streamName(so.getStreamIdentifier());
      const stream = store.stream(name) ?? [];
      // From a revision is exclusive for subscriptions.
      const from = so.hasEnd() ? stream.length : so.hasRevision() ? Number(BigInt(so.getRevision())) + 1 : 0;
      catchUp = stream.slice(Math.min(from, stream.length));
      belongs = (e) => e.streamId === name;
    } else {
      const ao = options.getAll()!;
      const all = store.all;
      let from = 0;
      if (ao.hasEnd()) from = all.length;
      else if (ao.hasPosition()) {
        const p = ao.getPosition()!;
        const [c, pr] = [BigInt(p.getCommitPosition()), BigInt(p.getPreparePosition())];
        from = all.findIndex((e) => comparePosition(e, c, pr) > 0); // exclusive
        if (from < 0) from = all.length;
      }
      catchUp = all.slice(from);
      belongs = () => true;
    }

    send(confirmationResp());

    let considered = 0; // events considered since the last checkpoint
    if (!filter) {
      for (const e of catchUp) send(toReadEvent(e, structured));
    } else {
      for (let start = 0; start < catchUp.length; start += filter.window) {
        const page = catchUp.slice(start, start + filter.window);
        for (const e of page) if (filter.matches(e)) send(toReadEvent(e, structured));
        considered += page.length;
        const endOfLog = start + filter.window >= catchUp.length;
        if (endOfLog) break; // ESDB goes live here without a checkpoint
        if (considered >= filter.checkpointInterval) {
          considered %= filter.checkpointInterval;
          send(checkpointResp(page.at(-1)!.position));
        }
      }
    }
    send(caughtUpResp());

    const unlisten = store.onAppended((e) => {
      if (!belongs(e)) return;
      if (!filter) {
        send(toReadEvent(e, structured));
        return;
      }
      if (filter.matches(e)) send(toReadEvent(e, structured));
      considered += 1;
      if (considered >= filter.checkpointInterval) {
        considered = 0;
        send(checkpointResp(e.position));
      }
    });
    const stop = () => {
      unlisten();
      subscriptions.delete(stop);
    };
    subscriptions.add(stop);
    // `unsubscribe()` on the client cancels the call; the server sees 'cancelled'.
    call.on('cancelled', stop);
    call.on('close', stop);
  }

  const deleteStream: grpc.handleUnaryCall<DeleteReq, DeleteResp> = (_call, callback) =>
    callback(grpcError(grpc.status.UNIMPLEMENTED, 'esdb-test-server: Delete is not implemented'), null);
  const tombstone: grpc.handleUnaryCall<TombstoneReq, TombstoneResp> = (_call, callback) =>
    callback(grpcError(grpc.status.UNIMPLEMENTED, 'esdb-test-server: Tombstone is not implemented'), null);

  return { read, append, batchAppend, delete: deleteStream, tombstone };
}

// ---------------------------------------------------------------------------
// ServerFeatures service
// ---------------------------------------------------------------------------

function serverFeaturesService(batchAppend: boolean, calls: Record<RpcName, number>) {
  const getSupportedMethods: grpc.handleUnaryCall<Empty, SupportedMethods> = (_call, callback) => {
    calls.getSupportedMethods += 1;
    const result = new serverFeaturesPb.SupportedMethods();
    result.setEventStoreServerVersion('23.10.0');
    const method = (service: string, name: string, features: string[] = []) => {
      const m = new serverFeaturesPb.SupportedMethod();
      // ESDB lower-cases both names; the client lower-cases before comparing anyway.
      m.setServiceName(service);
      m.setMethodName(name);
      m.setFeaturesList(features);
      return m;
    };
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    if (batchAppend) methods.push(method(streams, 'batchappend', ['deadline_duration']));
    result.setMethodsList(methods);
    callback(null, result);
  };
  return { getSupportedMethods };
}
