/**
 * Wire-level EventStoreDB test server.
 *
 * An in-memory fake of EventStoreDB that speaks the real gRPC protocol, so the
 * REAL `@eventstore/db-client` can be exercised over a real HTTP/2 connection
 * on 127.0.0.1 without docker or an ESDB binary.
 *
 * It is a TEST FIXTURE, not a database: one process, one in-memory log that is
 * lost on exit, no TLS, no cluster/gossip, no real users.
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
 * The behaviour modelled is the REAL server's (EventStore/EventStore tags
 * oss-v23.10.0 and v24.10.4, paths under src/EventStore.Core/), never what an
 * adapter assumes; /work/shared/notes/eventstoredb.md lists the facts and
 * esdb-conformance.spec.ts pins each one through the real client.
 *
 * The log (TransactionLog/, Services/Storage/):
 *  - A `$all` position is a pair of byte offsets {commit, prepare}. Every
 *    event is a log record whose size depends on its stream name, type, data
 *    and metadata (a fixed header plus those lengths), so consecutive events'
 *    positions differ by the record's size, never by 1. The log starts with a
 *    non-event (epoch) record at 0.
 *  - gRPC appends write each event as its own self-committed record: commit ==
 *    prepare; the append answers the last event's position
 *    (StorageWriterService, AllReader).
 *  - `writeExplicitTransaction` writes like a legacy TCP transaction: begin
 *    record, data prepares, end record, then a commit record; every event gets
 *    the commit record's position as `commit` and its own `prepare`.
 *  - Reading or subscribing from a position whose commit part is not a record
 *    start (and not at or past the end of the log) is refused as the server
 *    refuses it (StorageReaderWorker: ReadAllResult.InvalidPosition): reads
 *    fail with UNKNOWN "Unexpected ReadAllResult: InvalidPosition", 24.10
 *    subscriptions with INVALID_ARGUMENT "Trying to read from an invalid
 *    position." after the confirmation, 23.10 subscriptions with UNKNOWN
 *    before it. The client raises UnknownError for all three.
 *  - Forward `readAll` from p includes the event at p; backward excludes it.
 *    Subscriptions from p start after it.
 *
 * Appends (IndexWriter.CheckCommit, Streams.Append.cs, Streams.BatchAppend.cs):
 *  - any / stream_exists: if the first proposed id was recently written to
 *    this stream, the append is the same append again: success without
 *    writing, answered with the retried events' last revision and position;
 *    if only some ids match, WrongExpectedVersion ("corrupted idempotency").
 *  - exact revision / no_stream behind the stream: idempotent only if the ids
 *    are exactly the events at expected+1..; WrongExpectedVersion otherwise,
 *    carrying expected and actual (actual "no stream" when absent).
 *  - Max append size (default 1 MiB): sum over events of data + metadata +
 *    2 * type length (Event.SizeOnDisk). Append answers INVALID_ARGUMENT with
 *    `exception: maximum-append-size-exceeded`; BatchAppend a Status with
 *    MaximumAppendSizeExceeded details. The client raises
 *    MaxAppendSizeExceededError either way.
 *  - BatchAppend deadline: each request carries a deadline; a write whose
 *    deadline has passed, or that is not complete (is_final) by then, is
 *    answered with Status Timeout (DEADLINE_EXCEEDED): DeadlineExceededError.
 *
 * Deletes (StorageWriterService WriteDelete, IndexReader):
 *  - Soft delete writes `$metadata` {"$tb": long.MaxValue} to `$$stream`; the
 *    stream then reads as not found. An append (any, no_stream, or the old
 *    last revision) continues at the old last revision + 1 and rewrites `$tb`
 *    to that revision, so only the new events read back; stream_exists on a
 *    soft-deleted stream is refused with StreamDeleted. Soft-deleting a stream
 *    that never existed is WrongExpectedVersion.
 *  - Tombstone writes a `$streamDeleted` record (revision long.MaxValue) into
 *    the stream; reads, subscriptions, appends and deletes then fail with
 *    StreamDeleted (FAILED_PRECONDITION, `exception: stream-deleted`).
 *  - Both records are ordinary events of $all, as on the real server.
 *
 * Filtered $all subscriptions (Enumerator.AllSubscriptionFiltered 24.10.4,
 * Enumerators.AllSubscriptionFiltered 23.10):
 *  - Catch-up reads pages of at most 32 matching events and `maxSearchWindow`
 *    (client's `max`, or ReadBatchSize 32 for `count`) considered events. A
 *    checkpoint is sent when `checkpointIntervalMultiplier * window` events
 *    have been considered. 24.10 checkpoints at max(last event sent, page
 *    start); 23.10 at the page's last matching event, or the page start. Page
 *    starts after a self-committed event are (next record, 0): checkpoints can
 *    have prepare != commit.
 *  - `checkpointAtEndOfCatchUp: true` (24.10, default) sends one checkpoint
 *    when catch-up reaches the end; false (23.10) sends none there.
 *    `checkpointBugAtEnd: true` (24.10.4): a subscription from the start that
 *    sent nothing sends (-1,-1), i.e. 2^64-1 on the wire; fixed (24.10.5+) it
 *    sends the page start instead.
 *  - Live: a checkpoint at every interval-th event appended, at its position
 *    (24.10 counts from 0 when going live, 23.10 carries the catch-up count).
 *
 * Other:
 *  - `secured: true` refuses reads and subscriptions of $all with
 *    PERMISSION_DENIED `exception: access-denied` (AccessDeniedError), as for
 *    a user without $admins/$ops.
 *  - `drop()` ends every open call (subscriptions, BatchAppend, Append) with
 *    UNAVAILABLE, like a node going away, and keeps serving new calls.
 *  - `requests` logs each Streams call with its target and whether the client
 *    asked for the leader (`requires-leader` metadata).
 *  - `close()` force-shuts the server: open calls fail with CANCELLED.
 *  - `resolveLinkTos` is not modelled (the project does not write links).
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
  /** Number of events in $all (for assertions): system events, `$metadata` and `$streamDeleted` included. */
  readonly eventCount: number;
  /** Number of subscription calls (Read with the subscription option) currently open. */
  readonly activeSubscriptions: number;
  /** How many times each RPC was called (to assert which wire path a client took). */
  readonly calls: Readonly<Record<RpcName, number>>;
  /** One entry per Streams call, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /**
   * Ends every open call (subscriptions, the client's BatchAppend stream, an
   * Append in progress) with UNAVAILABLE, as when a node restarts or loses
   * leadership, then keeps serving new calls. The log is kept.
   */
  drop(): Promise<void>;
  /**
   * Writes `events` to `streamName` as a legacy TCP explicit transaction
   * would: each event gets the commit record's position as `commit` and its
   * own `prepare`. Appends at the end of the stream (expected version any).
   */
  writeExplicitTransaction(streamName: string, events: readonly ExplicitTransactionEvent[]): Promise<ExplicitTransactionResult>;
  /**
   * Force-shutdown: drops every connection, so open subscriptions and the
   * client's BatchAppend stream end with an error on the client side
   * (CancelledError), as if the database went away. Idempotent.
   */
  close(): Promise<void>;
}

export type RpcName = 'read' | 'append' | 'batchAppend' | 'delete' | 'tombstone' | 'getSupportedMethods';

export interface RequestRecord {
  rpc: Exclude<RpcName, 'getSupportedMethods'>;
  target: 'stream' | 'all';
  /** The client sent `requires-leader: true` in the call's metadata. */
  requiresLeader: boolean;
  /** The stream named in the request (absent for $all, and for BatchAppend, which carries many). */
  stream?: string;
  /** Read only: a subscription rather than a read. */
  subscription?: boolean;
  /** Read only (not a subscription): how many events the read asked for. */
  count?: bigint;
}

export interface ExplicitTransactionEvent {
  id?: string;
  type: string;
  /** JSON-serialised unless bytes. */
  data?: unknown;
  metadata?: unknown;
}

export interface ExplicitTransactionResult {
  /** Position of the commit record: every event's `commit`. */
  commitPosition: bigint;
  /** Each event's own `prepare`, in order. */
  preparePositions: bigint[];
  /** Stream revision of the last event written. */
  nextExpectedRevision: bigint;
}

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
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** 24.10 (true, default): filtered subscriptions checkpoint at the end of catch-up. 23.10: false. */
  checkpointAtEndOfCatchUp?: boolean;
  /** 24.10.4's bug (default false): that end-of-catch-up checkpoint can be (-1,-1) = 2^64-1. */
  checkpointBugAtEnd?: boolean;
  /** Bytes per append (default 1 MiB, EventStoreDB's MaxAppendSize). */
  maxAppendSize?: number;
  /** Refuse reads and subscriptions of $all (AccessDenied), as for a user without $admins/$ops. Default false. */
  secured?: boolean;
}

export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Starts a server on 127.0.0.1 (loopback only). */
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

  const state: ServerState = {
    store,
    subscriptions: new Set(),
    openCalls: new Set(),
    calls: { read: 0, append: 0, batchAppend: 0, delete: 0, tombstone: 0, getSupportedMethods: 0 },
    requests: [],
    checkpointAtEndOfCatchUp: options.checkpointAtEndOfCatchUp ?? true,
    checkpointBugAtEnd: options.checkpointBugAtEnd ?? false,
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    secured: options.secured ?? false,
  };
  // Accept what the client may send (it caps batches at 3 MiB and reads up to 17 MiB).
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
  server.addService(streamsGrpc.StreamsService, streamsService(state));
  server.addService(serverFeaturesGrpc.ServerFeaturesService, serverFeaturesService(options.batchAppend ?? true, state));

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
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
      return state.subscriptions.size;
    },
    get calls() {
      return { ...state.calls };
    },
    get requests() {
      return [...state.requests];
    },
    async drop() {
      for (const call of [...state.openCalls]) call.fail(grpc.status.UNAVAILABLE, 'esdb-test-server: connection dropped');
    },
    async writeExplicitTransaction(streamName, events) {
      return store.writeExplicitTransaction(streamName, events.map(toProposedFromJs));
    },
    async close() {
      if (closed) return;
      closed = true;
      // Detach listeners and timers first so nothing writes to dying calls.
      for (const call of [...state.openCalls]) call.detach();
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
    streamsGrpc.StreamsService.delete.responseSerialize(new streamsPb.DeleteResp());
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

interface Pos {
  commit: bigint;
  prepare: bigint;
}

interface StoredEvent extends Pos {
  streamId: string;
  revision: bigint;
  id: string; // lower-case canonical UUID
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks (100ns) since the Unix epoch, like ESDB's `created`. */
  created: bigint;
  /** Size of the event's prepare record in bytes. */
  size: bigint;
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
  | { ok: true; currentRevision: bigint | null; position: Pos | null }
  | { ok: false; reason: 'wrong_expected_version'; currentRevision: bigint | null; expected: Expected }
  | { ok: false; reason: 'stream_deleted' };

interface StreamState {
  /** Index = revision; a tombstone is not in here. */
  events: StoredEvent[];
  /** Latest stored event per id (ESDB's committed-event-id cache). */
  ids: Map<string, StoredEvent>;
  tombstoned: boolean;
  /** `$tb` of the stream's metadata: events below it do not read back. */
  truncateBefore: bigint | null;
}

/** long.MaxValue: `$tb` of a soft-deleted stream and the tombstone's revision (EventNumber.DeletedStream). */
export const DELETED_STREAM = 9223372036854775807n;
/** What (-1,-1) becomes on the wire (Position.FromInt64 maps -1 to ulong.MaxValue). */
const WIRE_MINUS_ONE = 18446744073709551615n;
const TICKS_PER_MS = 10_000n;
/** The epoch record every log starts with (not an event). */
const EPOCH_RECORD_SIZE = 256n;
/**
 * Prepare record: length prefix and suffix, type, version, log position, flags,
 * transaction position and offset, expected version, event id, correlation id,
 * timestamp, data and metadata lengths.
 */
const PREPARE_HEADER_SIZE = 88n;
/** Commit record: prefix, type, version, log position, transaction position, first event number, sort key, correlation id, timestamp, suffix. */
const COMMIT_RECORD_SIZE = 66n;

function lengthPrefixed(text: string): bigint {
  const bytes = Buffer.byteLength(text, 'utf8');
  let prefix = 1;
  for (let n = bytes >> 7; n > 0; n >>= 7) prefix += 1; // 7-bit encoded length, as .NET BinaryWriter
  return BigInt(prefix + bytes);
}

function prepareRecordSize(streamId: string, type: string, data: Uint8Array, metadata: Uint8Array): bigint {
  return PREPARE_HEADER_SIZE + lengthPrefixed(streamId) + lengthPrefixed(type) + BigInt(data.length + metadata.length);
}

/** Event.SizeOnDisk: what counts towards MaxAppendSize. */
function sizeOnDisk(e: ProposedEvent): number {
  return e.data.length + e.metadata.length + e.type.length * 2;
}

function comparePos(a: Pos, b: Pos): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const maxPos = (a: Pos, b: Pos): Pos => (comparePos(a, b) >= 0 ? a : b);

/** Where a read that stopped after `e` continues (AllReader's NextPos). */
function positionAfter(e: StoredEvent): Pos {
  return e.commit === e.prepare ? { commit: e.commit + e.size, prepare: 0n } : { commit: e.commit, prepare: e.prepare + e.size };
}

const metaStreamOf = (streamId: string) => `$$${streamId}`;

class EventLog {
  /** Every event, in $all order (commit, prepare). */
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly recordStarts = new Set<bigint>([0n]);
  private logEnd = EPOCH_RECORD_SIZE;
  private readonly listeners = new Set<(e: StoredEvent) => void>();

  get size(): number {
    return this.all.length;
  }

  stream(streamId: string): StreamState | undefined {
    return this.streams.get(streamId);
  }

  /** A read may start at a record's first byte, or at/after the end of the log. */
  isValidPosition(p: Pos): boolean {
    return p.commit >= this.logEnd || this.recordStarts.has(p.commit);
  }

  /** LastIndexedPosition: where the last committed record starts (a transaction's commit record). */
  get lastIndexed(): Pos {
    const last = this.all.at(-1);
    return last ? { commit: last.commit, prepare: last.commit } : { commit: 0n, prepare: 0n };
  }

  /** Index of the first event at or after `p`. */
  lowerBound(p: Pos): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePos(this.all[mid]!, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  onAppended(listener: (e: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lastRevision(s: StreamState | undefined): bigint {
    return s ? BigInt(s.events.length) - 1n : -1n;
  }

  private isSoftDeleted(s: StreamState | undefined): boolean {
    return s?.truncateBefore === DELETED_STREAM;
  }

  /** IndexWriter.CheckCommit. */
  private checkCommit(
    streamId: string,
    expected: Expected,
    ids: readonly string[],
  ):
    | { decision: 'ok'; softDeleted: boolean }
    | { decision: 'idempotent'; last: StoredEvent }
    | { decision: 'wrong'; current: bigint }
    | { decision: 'deleted' } {
    const s = this.streams.get(streamId);
    const current = this.lastRevision(s);
    if (s?.tombstoned) return { decision: 'deleted' };
    const softDeleted = this.isSoftDeleted(s);

    if (expected.kind === 'stream_exists') {
      if (softDeleted) return { decision: 'deleted' };
      if (current < 0n && this.lastRevision(this.streams.get(metaStreamOf(streamId))) < 0n) {
        return { decision: 'wrong', current };
      }
    }

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      let last: StoredEvent | undefined;
      for (const [i, id] of ids.entries()) {
        const found = s?.ids.get(id);
        if (!found) return i === 0 ? { decision: 'ok', softDeleted } : { decision: 'wrong', current };
        last = found;
      }
      return last ? { decision: 'idempotent', last } : { decision: 'ok', softDeleted };
    }

    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      let revision = expectedRevision;
      for (const id of ids) {
        revision += 1n;
        if (s!.events[Number(revision)]?.id === id) continue;
        if (revision !== expectedRevision + 1n) return { decision: 'wrong', current }; // corrupted idempotency
        if (expected.kind === 'no_stream' && softDeleted) return { decision: 'ok', softDeleted };
        return { decision: 'wrong', current };
      }
      if (revision === expectedRevision) return { decision: 'wrong', current }; // no events proposed
      return { decision: 'idempotent', last: s!.events[Number(revision)]! };
    }
    if (expectedRevision > current) return { decision: 'wrong', current };
    return { decision: 'ok', softDeleted };
  }

  append(streamId: string, expected: Expected, proposed: readonly ProposedEvent[]): AppendOutcome {
    const check = this.checkCommit(
      streamId,
      expected,
      proposed.map((e) => e.id),
    );
    switch (check.decision) {
      case 'deleted':
        return { ok: false, reason: 'stream_deleted' };
      case 'wrong':
        return {
          ok: false,
          reason: 'wrong_expected_version',
          currentRevision: check.current < 0n ? null : check.current,
          expected,
        };
      case 'idempotent':
        return { ok: true, currentRevision: check.last.revision, position: check.last };
      case 'ok': {
        if (proposed.length === 0) {
          const current = this.lastRevision(this.streams.get(streamId));
          return { ok: true, currentRevision: current < 0n ? null : current, position: null };
        }
        const written = this.writeSelfCommitted(streamId, proposed);
        if (check.softDeleted) this.softUndelete(streamId, written[0]!.revision);
        this.notify(written);
        const last = written.at(-1)!;
        return { ok: true, currentRevision: last.revision, position: last };
      }
      default: {
        const never: never = check;
        throw new Error(`unexpected commit check ${JSON.stringify(never)}`);
      }
    }
  }

  /** Soft delete (hard = false) or tombstone (hard = true). */
  delete(
    streamId: string,
    expected: Expected,
    hard: boolean,
  ):
    | { ok: true; position: Pos }
    | { ok: false; reason: 'stream_deleted' }
    | { ok: false; reason: 'wrong_expected_version'; current: bigint } {
    const check = this.checkCommit(streamId, expected, [randomUUID()]);
    if (check.decision === 'deleted') return { ok: false, reason: 'stream_deleted' };
    if (check.decision !== 'ok') {
      // A fresh id is never idempotent; 'idempotent' cannot happen.
      return { ok: false, reason: 'wrong_expected_version', current: check.decision === 'wrong' ? check.current : -1n };
    }
    const s = this.streams.get(streamId);
    if (hard) {
      const [tombstone] = this.writeSelfCommitted(
        streamId,
        [{ id: randomUUID(), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(0), metadata: new Uint8Array(0) }],
        DELETED_STREAM,
      );
      this.streamState(streamId).tombstoned = true;
      this.notify([tombstone!]);
      return { ok: true, position: tombstone! };
    }
    const metaStream = metaStreamOf(streamId);
    if (this.lastRevision(s) < 0n && this.lastRevision(this.streams.get(metaStream)) < 0n) {
      return { ok: false, reason: 'wrong_expected_version', current: -1n };
    }
    const written = this.writeMetadata(streamId, DELETED_STREAM);
    return { ok: true, position: written };
  }

  writeExplicitTransaction(streamId: string, proposed: readonly ProposedEvent[]): ExplicitTransactionResult {
    if (proposed.length === 0) throw new Error('esdb-test-server: an explicit transaction needs events');
    const check = this.checkCommit(
      streamId,
      { kind: 'any' },
      proposed.map((e) => e.id),
    );
    if (check.decision !== 'ok') throw new Error(`esdb-test-server: explicit transaction refused (${check.decision})`);
    const s = this.streamState(streamId);
    const emptyRecord = prepareRecordSize(streamId, '', new Uint8Array(0), new Uint8Array(0));
    this.addRecord(emptyRecord); // TransactionBegin
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const prepared = proposed.map((e, i) => {
      const size = prepareRecordSize(streamId, e.type, e.data, e.metadata);
      const prepare = this.addRecord(size);
      return { e, prepare, size, revision: BigInt(s.events.length + i) };
    });
    this.addRecord(emptyRecord); // TransactionEnd
    const commit = this.addRecord(COMMIT_RECORD_SIZE);
    const written = prepared.map(({ e, prepare, size, revision }) =>
      this.index(s, { ...e, streamId, revision, created, commit, prepare, size }),
    );
    if (check.softDeleted) this.softUndelete(streamId, written[0]!.revision);
    this.notify(written);
    return {
      commitPosition: commit,
      preparePositions: written.map((e) => e.prepare),
      nextExpectedRevision: written.at(-1)!.revision,
    };
  }

  private streamState(streamId: string): StreamState {
    let s = this.streams.get(streamId);
    if (!s) {
      s = { events: [], ids: new Map(), tombstoned: false, truncateBefore: null };
      this.streams.set(streamId, s);
    }
    return s;
  }

  private addRecord(size: bigint): bigint {
    const start = this.logEnd;
    this.recordStarts.add(start);
    this.logEnd += size;
    return start;
  }

  private index(s: StreamState, e: StoredEvent): StoredEvent {
    if (e.revision !== DELETED_STREAM) s.events.push(e);
    s.ids.set(e.id, e);
    this.all.push(e);
    if (e.streamId.startsWith('$$')) {
      const original = this.streamState(e.streamId.slice(2));
      original.truncateBefore = parseTruncateBefore(e.data);
    }
    return e;
  }

  private writeSelfCommitted(streamId: string, proposed: readonly ProposedEvent[], revision?: bigint): StoredEvent[] {
    const s = this.streamState(streamId);
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    return proposed.map((e) => {
      const size = prepareRecordSize(streamId, e.type, e.data, e.metadata);
      const position = this.addRecord(size);
      return this.index(s, {
        ...e,
        streamId,
        revision: revision ?? BigInt(s.events.length),
        created,
        commit: position,
        prepare: position,
        size,
      });
    });
  }

  /** StorageWriterService.SoftUndeleteStream: `$tb` moves to the first revision written after the delete. */
  private softUndelete(streamId: string, recreateFrom: bigint): void {
    this.writeMetadata(streamId, recreateFrom);
  }

  private writeMetadata(streamId: string, truncateBefore: bigint): StoredEvent {
    const metaStream = metaStreamOf(streamId);
    const [written] = this.writeSelfCommitted(metaStream, [
      {
        id: randomUUID(),
        type: '$metadata',
        contentType: 'application/json',
        // JSON.stringify cannot write long.MaxValue exactly.
        data: Buffer.from(`{"$tb":${truncateBefore}}`, 'utf8'),
        metadata: new Uint8Array(0),
      },
    ]);
    this.notify([written!]);
    return written!;
  }

  private notify(written: readonly StoredEvent[]): void {
    for (const e of written) {
      for (const listener of [...this.listeners]) {
        try {
          listener(e);
        } catch {
          // A broken subscriber must never fail an append.
        }
      }
    }
  }
}

function parseTruncateBefore(data: Uint8Array): bigint | null {
  // A regex, not JSON.parse: `$tb` can be long.MaxValue, beyond a double's precision.
  const match = /"\$tb"\s*:\s*(\d+)/.exec(Buffer.from(data).toString('utf8'));
  return match ? BigInt(match[1]!) : null;
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

function toBytes(value: unknown): { bytes: Uint8Array; json: boolean } {
  if (value === undefined) return { bytes: new Uint8Array(0), json: true };
  if (value instanceof Uint8Array) return { bytes: value, json: false };
  return { bytes: Buffer.from(JSON.stringify(value), 'utf8'), json: true };
}

function toProposedFromJs(e: ExplicitTransactionEvent): ProposedEvent {
  const data = toBytes(e.data);
  return {
    id: (e.id ?? randomUUID()).toLowerCase(),
    type: e.type,
    contentType: data.json ? 'application/json' : 'application/octet-stream',
    data: data.bytes,
    metadata: toBytes(e.metadata).bytes,
  };
}

function toReadEvent(e: StoredEvent, structuredUuid: boolean): ReadResp {
  const recorded = new ReadRespCls.ReadEvent.RecordedEvent();
  recorded.setId(toUuid(e.id, structuredUuid));
  recorded.setStreamIdentifier(streamIdentifier(e.streamId));
  recorded.setStreamRevision(e.revision.toString());
  recorded.setCommitPosition(e.commit.toString());
  recorded.setPreparePosition(e.prepare.toString());
  const md = recorded.getMetadataMap();
  md.set('type', e.type);
  // ESDB only stores an is-json flag, so content-type comes back as one of these two.
  md.set('content-type', e.contentType === 'application/json' ? 'application/json' : 'application/octet-stream');
  md.set('created', e.created.toString());
  recorded.setData(e.data);
  recorded.setCustomMetadata(e.metadata);

  const readEvent = new ReadRespCls.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(e.commit.toString());
  const resp = new ReadRespCls();
  resp.setEvent(readEvent);
  return resp;
}

/** `null` is (-1,-1): only 24.10.4's bug sends it. */
function checkpointResp(position: Pos | null): ReadResp {
  const checkpoint = new ReadRespCls.Checkpoint();
  checkpoint.setCommitPosition((position?.commit ?? WIRE_MINUS_ONE).toString());
  checkpoint.setPreparePosition((position?.prepare ?? WIRE_MINUS_ONE).toString());
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

function streamNotFoundResp(name: string): ReadResp {
  // v21+ answers with a message (older servers used a NotFound status);
  // the client turns it into StreamNotFoundError.
  const notFound = new ReadRespCls.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(name));
  const resp = new ReadRespCls();
  resp.setStreamNotFound(notFound);
  return resp;
}

function grpcError(code: grpc.status, details: string, trailers: Record<string, string> = {}): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
}

// RpcExceptions.cs: the `exception` trailer is what the client maps to its error classes.
const rpcErrors = {
  streamDeleted: (name: string) =>
    grpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, {
      exception: 'stream-deleted',
      'stream-name': name,
    }),
  accessDenied: () => grpcError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' }),
  maxAppendSizeExceeded: (max: number) =>
    grpcError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(max),
    }),
  wrongExpectedVersion: (operation: string, name: string, expected: Expected, actual: bigint) =>
    grpcError(
      grpc.status.FAILED_PRECONDITION,
      `${operation} failed due to WrongExpectedVersion. Stream: ${name}, Expected version: ${expectedAsLong(expected)}, Actual version: ${actual}`,
      {
        exception: 'wrong-expected-version',
        'stream-name': name,
        'expected-version': expectedAsLong(expected).toString(),
        'actual-version': actual.toString(),
      },
    ),
  readAllInvalidPosition: () => grpcError(grpc.status.UNKNOWN, 'Unexpected ReadAllResult: InvalidPosition'),
  subscriptionInvalidPosition: () => grpcError(grpc.status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'),
  handlerThrew: () => grpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler.'),
};

/** ExpectedVersion constants as the server writes them in trailers. */
function expectedAsLong(expected: Expected): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    case 'revision':
      return expected.revision;
    default: {
      const never: never = expected;
      throw new Error(`unexpected expected revision ${JSON.stringify(never)}`);
    }
  }
}

/** google.rpc.Status with an event_store.client.* message packed in `details` (Status.cs). */
function rpcStatus(code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) {
  const details = new anyPb.Any();
  details.pack(detail.serializeBinary(), typeName);
  const status = new statusPb.Status();
  status.setCode(code);
  status.setMessage(message);
  status.setDetails(details);
  return status;
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

/** Enumerator.ReadBatchSize: matching events per page, and the window when the client sends `count`. */
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

interface Page {
  events: StoredEvent[];
  considered: number;
  /** Where the page started (CurrentPos). */
  current: Pos;
  /** Where the next page starts (NextPos). */
  next: Pos;
  endOfStream: boolean;
}

/** AllReader.FilteredReadAllEventsForward from `from` (inclusive). */
function readPage(store: EventLog, from: Pos, filter: EventFilter): Page {
  const events: StoredEvent[] = [];
  let considered = 0;
  let next = from;
  let i = store.lowerBound(from);
  while (events.length < READ_BATCH_SIZE && considered < filter.window) {
    const e = store.all[i++];
    if (!e) return { events, considered, current: from, next, endOfStream: true };
    considered += 1;
    if (filter.matches(e)) events.push(e);
    next = positionAfter(e);
  }
  return { events, considered, current: from, next, endOfStream: false };
}

// ---------------------------------------------------------------------------
// Streams service
// ---------------------------------------------------------------------------

interface OpenCall {
  /** End the call with this status. */
  fail(code: grpc.status, details: string): void;
  /** Stop listeners and timers without touching the call (server shutting down). */
  detach(): void;
}

interface ServerState {
  store: EventLog;
  subscriptions: Set<() => void>;
  openCalls: Set<OpenCall>;
  calls: Record<RpcName, number>;
  requests: RequestRecord[];
  checkpointAtEndOfCatchUp: boolean;
  checkpointBugAtEnd: boolean;
  maxAppendSize: number;
  secured: boolean;
}

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

const requiresLeader = (metadata: grpc.Metadata) => metadata.get('requires-leader').some((v) => String(v) === 'true');

function readPosition(p: { getCommitPosition(): string; getPreparePosition(): string }): Pos {
  return { commit: BigInt(p.getCommitPosition()), prepare: BigInt(p.getPreparePosition()) };
}

/** Write timeout of the server (ClusterVNodeOptions WriteTimeoutMs). */
const WRITE_TIMEOUT_MS = 2000;

function streamsService(state: ServerState) {
  const { store, calls, requests } = state;

  // --- Append: client-streaming. First message = options, then one per event.
  const append: grpc.handleClientStreamingCall<AppendReq, AppendResp> = (call, callback) => {
    calls.append += 1;
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Partial<grpc.ServiceError> | null, resp: AppendResp | null) => {
      if (done) return;
      done = true;
      state.openCalls.delete(open);
      callback(err, resp);
    };
    const open: OpenCall = {
      fail: (code, details) => finish(grpcError(code, details), null),
      detach: () => {
        done = true;
        state.openCalls.delete(open);
      },
    };
    state.openCalls.add(open);
    call.on('data', (req: AppendReq) => {
      if (done) return;
      if (req.hasOptions()) {
        options = req.getOptions();
        requests.push({
          rpc: 'append',
          target: 'stream',
          requiresLeader: requiresLeader(call.metadata),
          stream: streamName(options!.getStreamIdentifier()),
        });
      } else if (req.hasProposedMessage()) {
        const event = toProposed(req.getProposedMessage()!);
        size += sizeOnDisk(event);
        // Streams.Append.cs refuses as soon as the running size passes the limit.
        if (size > state.maxAppendSize) finish(rpcErrors.maxAppendSizeExceeded(state.maxAppendSize), null);
        events.push(event);
      }
    });
    // Client cancellation surfaces as 'error' on the readable side; without a
    // listener it would be an uncaught exception in the test process.
    call.on('error', () => open.detach());
    call.on('end', () => {
      if (done) return;
      if (!options) {
        finish(grpcError(grpc.status.INVALID_ARGUMENT, 'first AppendReq must carry options'), null);
        return;
      }
      const name = streamName(options.getStreamIdentifier());
      const outcome = store.append(name, parseExpected(options), events);
      if (!outcome.ok && outcome.reason === 'stream_deleted') {
        finish(rpcErrors.streamDeleted(name), null);
        return;
      }
      const resp = new AppendRespCls();
      if (outcome.ok) {
        const success = new AppendRespCls.Success();
        if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        if (outcome.position === null) success.setNoPosition(new sharedPb.Empty());
        else {
          const position = new AppendRespCls.Position();
          position.setCommitPosition(outcome.position.commit.toString());
          position.setPreparePosition(outcome.position.prepare.toString());
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
      finish(null, resp);
    });
  };

  // --- BatchAppend: one long-lived bidi stream per client, multiplexed by
  // correlation id; a write may span several requests, the last has is_final.
  const batchAppend: grpc.handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> = (call) => {
    calls.batchAppend += 1;
    requests.push({ rpc: 'batchAppend', target: 'stream', requiresLeader: requiresLeader(call.metadata) });
    interface PendingWrite {
      name: string;
      expected: Expected;
      events: ProposedEvent[];
      size: number;
      timer: NodeJS.Timeout;
    }
    const pending = new Map<string, PendingWrite>();
    let ended = false;
    const send = (correlationId: UUID | undefined, name: string, fill: (resp: BatchAppendResp) => void) => {
      if (ended || call.cancelled) return;
      const resp = new BatchAppendRespCls();
      if (correlationId) resp.setCorrelationId(correlationId);
      // The client reads the stream name from here when building errors.
      resp.setStreamIdentifier(streamIdentifier(name));
      fill(resp);
      call.write(resp);
    };
    const sendError = (correlationId: UUID | undefined, name: string, status: ReturnType<typeof rpcStatus>) =>
      send(correlationId, name, (resp) => resp.setError(status));
    const timeoutStatus = () =>
      rpcStatus(codePb.Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout');
    const detach = () => {
      ended = true;
      for (const write of pending.values()) clearTimeout(write.timer);
      pending.clear();
      state.openCalls.delete(open);
    };
    const open: OpenCall = {
      fail: (code, details) => {
        detach();
        call.emit('error', grpcError(code, details));
      },
      detach,
    };
    state.openCalls.add(open);

    call.on('data', (req: BatchAppendReq) => {
      if (ended) return;
      const correlationId = req.getCorrelationId();
      const key = parseUuid(correlationId);
      if (req.hasOptions()) {
        const o = req.getOptions()!;
        const name = streamName(o.getStreamIdentifier());
        // Streams.BatchAppend.cs: timeout = min(requested deadline - now, write timeout).
        const requested = o.hasDeadline() ? o.getDeadline()!.toDate().getTime() - Date.now() : Infinity;
        const timeout = Math.min(requested, WRITE_TIMEOUT_MS);
        if (timeout <= 0) {
          sendError(correlationId, name, timeoutStatus());
          return;
        }
        if (!pending.has(key)) {
          const timer = setTimeout(() => {
            // Still not complete when its deadline passes: answered Timeout, never written.
            if (pending.delete(key)) sendError(correlationId, name, timeoutStatus());
          }, timeout);
          timer.unref();
          pending.set(key, { name, expected: parseExpected(o), events: [], size: 0, timer });
        }
      }
      const write = pending.get(key);
      if (!write) return;
      for (const m of req.getProposedMessagesList()) {
        const event = toProposed(m);
        write.size += sizeOnDisk(event);
        write.events.push(event);
      }
      if (write.size > state.maxAppendSize) {
        pending.delete(key);
        clearTimeout(write.timer);
        const detail = new sharedPb.MaximumAppendSizeExceeded();
        detail.setMaxappendsize(state.maxAppendSize);
        sendError(
          correlationId,
          write.name,
          rpcStatus(codePb.Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', detail, 'event_store.client.MaximumAppendSizeExceeded'),
        );
        return;
      }
      if (!req.getIsFinal()) return;
      pending.delete(key);
      clearTimeout(write.timer);

      const outcome = store.append(write.name, write.expected, write.events);
      if (outcome.ok) {
        send(correlationId, write.name, (resp) => {
          const success = new BatchAppendRespCls.Success();
          if (outcome.currentRevision === null) success.setNoStream(new googleEmptyPb.Empty());
          else success.setCurrentRevision(outcome.currentRevision.toString());
          if (outcome.position === null) success.setNoPosition(new googleEmptyPb.Empty());
          else {
            const position = new sharedPb.AllStreamPosition();
            position.setCommitPosition(outcome.position.commit.toString());
            position.setPreparePosition(outcome.position.prepare.toString());
            success.setPosition(position);
          }
          resp.setSuccess(success);
        });
      } else if (outcome.reason === 'stream_deleted') {
        const detail = new sharedPb.StreamDeleted();
        detail.setStreamIdentifier(streamIdentifier(write.name));
        sendError(correlationId, write.name, rpcStatus(codePb.Code.NOT_FOUND, 'StreamDeleted', detail, 'event_store.client.StreamDeleted'));
      } else {
        // Status.WrongExpectedVersion: ALREADY_EXISTS with the shared WrongExpectedVersion packed in `details`.
        const wev = new sharedPb.WrongExpectedVersion();
        if (outcome.currentRevision === null) wev.setCurrentNoStream(new googleEmptyPb.Empty());
        else wev.setCurrentStreamRevision(outcome.currentRevision.toString());
        const exp = outcome.expected;
        if (exp.kind === 'revision') wev.setExpectedStreamPosition(exp.revision.toString());
        else if (exp.kind === 'no_stream') wev.setExpectedNoStream(new googleEmptyPb.Empty());
        else if (exp.kind === 'stream_exists') wev.setExpectedStreamExists(new googleEmptyPb.Empty());
        else wev.setExpectedAny(new googleEmptyPb.Empty());
        sendError(
          correlationId,
          write.name,
          rpcStatus(codePb.Code.ALREADY_EXISTS, 'WrongExpectedVersion', wev, 'event_store.client.WrongExpectedVersion'),
        );
      }
    });
    call.on('error', detach);
    call.on('end', () => {
      detach();
      call.end();
    });
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
    const onAll = !options.hasStream();
    requests.push({
      rpc: 'read',
      target: onAll ? 'all' : 'stream',
      requiresLeader: requiresLeader(call.metadata),
      ...(onAll ? {} : { stream: streamName(options.getStream()!.getStreamIdentifier()) }),
      subscription: options.hasSubscription(),
      ...(options.hasSubscription() ? {} : { count: BigInt(options.getCount() || '0') }),
    });
    // Streams.Read.cs checks access before anything else.
    if (onAll && state.secured) {
      call.emit('error', rpcErrors.accessDenied());
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
      if (options.hasStream()) subscribeToStream(call, options, structured, send);
      else subscribeToAll(call, options, filter, structured, send);
      return;
    }

    const count = BigInt(options.getCount() || '0');
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    let candidates: readonly StoredEvent[];

    if (options.hasStream()) {
      const so = options.getStream()!;
      const name = streamName(so.getStreamIdentifier());
      const stream = store.stream(name);
      if (stream?.tombstoned) {
        call.emit('error', rpcErrors.streamDeleted(name));
        return;
      }
      const truncateBefore = stream?.truncateBefore ?? 0n;
      if (!stream || stream.events.length === 0 || truncateBefore === DELETED_STREAM) {
        send(streamNotFoundResp(name));
        call.end();
        return;
      }
      const length = stream.events.length;
      // Events below `$tb` (metadata, or a soft delete followed by new appends) do not read back.
      const firstReadable = Number(truncateBefore < BigInt(length) ? truncateBefore : BigInt(length));
      if (!backwards) {
        const from = so.hasEnd() ? length : so.hasRevision() ? Number(BigInt(so.getRevision())) : 0;
        candidates = stream.events.slice(Math.max(Math.min(from, length), firstReadable));
      } else {
        // Backwards from a revision includes it; beyond the end clamps to the last event.
        const from = so.hasStart() ? 0 : so.hasRevision() ? Math.min(Number(BigInt(so.getRevision())), length - 1) : length - 1;
        candidates = stream.events.slice(firstReadable, Math.max(firstReadable, from + 1)).reverse();
      }
    } else {
      const ao = options.getAll()!;
      const all = store.all;
      if (ao.hasPosition() && !store.isValidPosition(readPosition(ao.getPosition()!))) {
        call.emit('error', rpcErrors.readAllInvalidPosition());
        return;
      }
      if (!backwards) {
        const from = ao.hasEnd() ? all.length : ao.hasPosition() ? store.lowerBound(readPosition(ao.getPosition()!)) : 0;
        candidates = all.slice(from);
      } else {
        // Exclusive: a backward read starts at the record ending at that position.
        const to = ao.hasStart() ? 0 : ao.hasPosition() ? store.lowerBound(readPosition(ao.getPosition()!)) : all.length;
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

  /** Registers an open subscription; returns the function that ends it on our side. */
  function track(call: grpc.ServerWritableStream<ReadReq, ReadResp>, unlisten: () => void): void {
    const stop = () => {
      unlisten();
      state.subscriptions.delete(stop);
      state.openCalls.delete(open);
    };
    const open: OpenCall = {
      fail: (code, details) => {
        stop();
        call.emit('error', grpcError(code, details));
      },
      detach: stop,
    };
    state.subscriptions.add(stop);
    state.openCalls.add(open);
    // `unsubscribe()` on the client cancels the call; the server sees 'cancelled'.
    call.on('cancelled', stop);
    call.on('close', stop);
  }

  function subscribeToStream(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
    structured: boolean,
    send: (resp: ReadResp) => void,
  ): void {
    // JS is single-threaded: confirmation, catch-up and registering the live
    // listener all happen in this tick, so no append can slip in between.
    const so = options.getStream()!;
    const name = streamName(so.getStreamIdentifier());
    const stream = store.stream(name);
    send(confirmationResp());
    if (stream?.tombstoned) {
      call.emit('error', rpcErrors.streamDeleted(name));
      return;
    }
    const events = stream?.events ?? [];
    const first = stream?.truncateBefore ?? 0n;
    // From a revision is exclusive for subscriptions.
    const from = so.hasEnd() ? events.length : so.hasRevision() ? Number(BigInt(so.getRevision())) + 1 : 0;
    if (first !== DELETED_STREAM) {
      for (const e of events.slice(Math.min(Math.max(from, Number(first)), events.length))) send(toReadEvent(e, structured));
    }
    send(caughtUpResp());
    let ended = false;
    const unlisten = store.onAppended((e) => {
      if (ended || e.streamId !== name) return;
      if (e.revision === DELETED_STREAM) {
        ended = true;
        unlisten();
        call.emit('error', rpcErrors.streamDeleted(name));
        return;
      }
      send(toReadEvent(e, structured));
    });
    track(call, unlisten);
  }

  function subscribeToAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
    filter: EventFilter | null,
    structured: boolean,
    send: (resp: ReadResp) => void,
  ): void {
    const ao = options.getAll()!;
    const requested = ao.hasPosition() ? readPosition(ao.getPosition()!) : null;
    // (2^64-1, 2^64-1) is Position.End: 24.10.4's bogus checkpoint, given back, subscribes from the end.
    const isEnd = ao.hasEnd() || (requested?.commit === WIRE_MINUS_ONE && requested.prepare === WIRE_MINUS_ONE);
    const start: Pos | 'start' | 'end' = isEnd ? 'end' : (requested ?? 'start');
    const v24 = state.checkpointAtEndOfCatchUp;
    if (typeof start === 'object' && !store.isValidPosition(start)) {
      // 23.10 reads the start position before confirming; 24.10 confirms, then its catch-up read fails.
      if (v24) {
        send(confirmationResp());
        call.emit('error', rpcErrors.subscriptionInvalidPosition());
      } else {
        call.emit('error', rpcErrors.handlerThrew());
      }
      return;
    }
    send(confirmationResp());

    // `checkpoint`: the event or checkpoint most recently sent (null = (-1,-1), nothing yet).
    let checkpoint: Pos | null = start === 'end' ? store.lastIndexed : start === 'start' ? null : start;
    let liveCounter = 0;
    // 24.10 goes live at once when the start is at or after the last record (no catch-up, no checkpoint).
    const skipCatchUp = start === 'end' || (v24 && checkpoint !== null && comparePos(checkpoint, store.lastIndexed) >= 0);
    if (!skipCatchUp) {
      if (!filter) {
        const from = checkpoint === null ? 0 : store.lowerBound(checkpoint);
        for (const e of store.all.slice(from)) {
          if (checkpoint && comparePos(e, checkpoint) <= 0) continue; // the start is exclusive
          send(toReadEvent(e, structured));
          checkpoint = e;
        }
      } else if (v24) {
        checkpoint = catchUp24(filter, checkpoint, structured, send);
      } else {
        liveCounter = catchUp23(filter, checkpoint, structured, send);
      }
    }
    send(caughtUpResp());

    const from = checkpoint;
    const unlisten = store.onAppended((e) => {
      // 24.10 skips live events at or before where the client asked to start (a start past the end).
      if (v24 && from && comparePos(e, from) <= 0) return;
      if (!filter) {
        send(toReadEvent(e, structured));
        return;
      }
      if (filter.matches(e)) send(toReadEvent(e, structured));
      liveCounter += 1;
      if (liveCounter >= filter.checkpointInterval) {
        liveCounter = 0;
        send(checkpointResp(e));
      }
    });
    track(call, unlisten);
  }

  /** Enumerator.AllSubscriptionFiltered.CatchUp (24.10). Returns the last position sent. */
  function catchUp24(filter: EventFilter, start: Pos | null, structured: boolean, send: (resp: ReadResp) => void): Pos | null {
    let checkpoint = start;
    let counter = 0;
    let from: Pos = start ?? { commit: 0n, prepare: 0n };
    for (;;) {
      const page = readPage(store, from, filter);
      for (const e of page.events) {
        if (checkpoint && comparePos(e, checkpoint) <= 0) continue; // only the first page's first event
        send(toReadEvent(e, structured));
        checkpoint = e;
      }
      counter += page.considered;
      if (page.endOfStream) {
        if (state.checkpointBugAtEnd) {
          send(checkpointResp(checkpoint)); // null: 24.10.4 sends (-1,-1)
        } else {
          checkpoint = checkpoint ? maxPos(checkpoint, page.current) : page.current;
          send(checkpointResp(checkpoint));
        }
        return checkpoint;
      }
      if (counter >= filter.checkpointInterval) {
        counter %= filter.checkpointInterval;
        checkpoint = checkpoint ? maxPos(checkpoint, page.current) : page.current;
        send(checkpointResp(checkpoint));
      }
      from = page.next;
    }
  }

  /** Enumerators.AllSubscriptionFiltered.CatchUp (23.10). Returns the count the live phase carries on from. */
  function catchUp23(filter: EventFilter, start: Pos | null, structured: boolean, send: (resp: ReadResp) => void): number {
    let from: Pos = { commit: 0n, prepare: 0n };
    if (start) {
      // 23.10 reads one event at the start position and continues after it.
      const first = store.all[store.lowerBound(start)];
      from = first ? positionAfter(first) : start;
    }
    let counter = 0;
    for (;;) {
      const page = readPage(store, from, filter);
      let position: Pos = page.current;
      for (const e of page.events) {
        send(toReadEvent(e, structured));
        position = e;
      }
      counter += page.considered;
      if (page.endOfStream) return counter; // goes live without a checkpoint
      if (counter >= filter.checkpointInterval) {
        counter %= filter.checkpointInterval;
        send(checkpointResp(position));
      }
      from = page.next;
    }
  }

  function deleteOrTombstone(
    rpc: 'delete' | 'tombstone',
    call: grpc.ServerUnaryCall<DeleteReq | TombstoneReq, DeleteResp | TombstoneResp>,
  ): { ok: true; position: Pos } | { ok: false; error: Partial<grpc.ServiceError> } {
    calls[rpc] += 1;
    const options = call.request.getOptions();
    const name = streamName(options?.getStreamIdentifier());
    requests.push({ rpc, target: 'stream', requiresLeader: requiresLeader(call.metadata), stream: name });
    if (!options) return { ok: false, error: grpcError(grpc.status.INVALID_ARGUMENT, 'options are required') };
    const expected = parseExpected(options);
    const outcome = store.delete(name, expected, rpc === 'tombstone');
    if (outcome.ok) return outcome;
    if (outcome.reason === 'stream_deleted') return { ok: false, error: rpcErrors.streamDeleted(name) };
    return { ok: false, error: rpcErrors.wrongExpectedVersion('Delete', name, expected, outcome.current) };
  }

  const deleteStream: grpc.handleUnaryCall<DeleteReq, DeleteResp> = (call, callback) => {
    const outcome = deleteOrTombstone('delete', call);
    if (!outcome.ok) return callback(outcome.error, null);
    const position = new streamsPb.DeleteResp.Position();
    position.setCommitPosition(outcome.position.commit.toString());
    position.setPreparePosition(outcome.position.prepare.toString());
    const resp = new streamsPb.DeleteResp();
    resp.setPosition(position);
    callback(null, resp);
  };
  const tombstone: grpc.handleUnaryCall<TombstoneReq, TombstoneResp> = (call, callback) => {
    const outcome = deleteOrTombstone('tombstone', call);
    if (!outcome.ok) return callback(outcome.error, null);
    const position = new streamsPb.TombstoneResp.Position();
    position.setCommitPosition(outcome.position.commit.toString());
    position.setPreparePosition(outcome.position.prepare.toString());
    const resp = new streamsPb.TombstoneResp();
    resp.setPosition(position);
    callback(null, resp);
  };

  return { read, append, batchAppend, delete: deleteStream, tombstone };
}

// ---------------------------------------------------------------------------
// ServerFeatures service
// ---------------------------------------------------------------------------

function serverFeaturesService(batchAppend: boolean, state: ServerState) {
  const getSupportedMethods: grpc.handleUnaryCall<Empty, SupportedMethods> = (_call, callback) => {
    state.calls.getSupportedMethods += 1;
    const result = new serverFeaturesPb.SupportedMethods();
    result.setEventStoreServerVersion(state.checkpointAtEndOfCatchUp ? '24.10.4' : '23.10.0');
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
      method(streams, 'delete'),
      method(streams, 'tombstone'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    if (batchAppend) methods.push(method(streams, 'batchappend', ['deadline_duration']));
    result.setMethodsList(methods);
    callback(null, result);
  };
  return { getSupportedMethods };
}
