import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  AccessDeniedError as EsdbAccessDeniedError,
  MaxAppendSizeExceededError as EsdbMaxAppendSizeExceededError,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  ErrorType,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  AccessDeniedError,
  AppendTooLargeError,
  ExplicitTransactionError,
  ImpossiblePositionError,
  StoreUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../event-store.errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port.js';
import {
  appendSize,
  assertAppendWithinLimit,
  assertPreparedWithinLimit,
  assertValidExpectedRevision,
  assertValidMaxAppendBytes,
  chainedMetadata,
  chainEvents,
  DEFAULT_MAX_APPEND_BYTES,
  findRecentRetry,
  prepareEvents,
  RETRY_WINDOW,
  type PreparedEvent,
} from '../new-event.js';
import { assertValidStreamName } from '../stream-name.js';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, or a cluster: `esdb+discover://...` / `esdb://n1:2113,n2:2113,n3:2113`. */
  connectionString: string;
  /** Deadline for the health check, in milliseconds. */
  pingTimeoutMs?: number;
  /**
   * The server's MaxAppendSize (1 MiB unless the server was configured otherwise): a bigger append is refused
   * here, before it is sent, with `AppendTooLargeError`.
   */
  maxAppendBytes?: number;
}

type EsdbRecordedEvent = NonNullable<ResolvedEvent['event']>;

interface StreamHeadEvent {
  id: string;
  revision: number;
  position: number;
  hash: string | null;
}

/** How often an append with `any` or `stream_exists` is tried again after another writer moved the stream. */
const CHAIN_ATTEMPTS = 10;
/** No stream gets this long: an append expecting it is always refused, with the stream's real revision. */
const PROBE_REVISION = 2n ** 62n;
/** EventStoreDB's positions are signed 64-bit: anything from here on is not a position (24.10.4 sends 2^64-1). */
const POSITION_LIMIT = 2n ** 63n;

/** A checkpoint put into the subscription's own stream, so it reaches the consumer after the events before it. */
interface CheckpointMark {
  checkpoint: Position;
}

/**
 * The port on EventStoreDB. Positions: EventStoreDB addresses `$all` by `{commit, prepare}`; every event
 * appended over gRPC is its own self-committed record with commit == prepare, so the port's single number is
 * that position and a checkpoint `p` resumes at `{commit: p, prepare: p}`. Events written in an explicit
 * transaction (legacy TCP clients) share one commit position and cannot be addressed by one number: every
 * event read or received is checked and such an event fails the read with `ExplicitTransactionError`.
 * Positions are byte offsets of variable-size records, so this adapter never computes one: "after p" is a
 * read from p that drops the event at p. System events (`$`-prefixed) are never handed out.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly pingTimeoutMs: number;
  private readonly maxAppendBytes: number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: EventStoreDbEventStoreOptions) {
    try {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (error) {
      throw new StoreUnavailableError(
        `EVENTSTORE_CONNECTION_STRING is not a valid EventStoreDB connection string (${(error as Error).message}); ` +
          'expected e.g. esdb://127.0.0.1:2113?tls=false',
        { cause: error },
      );
    }
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.maxAppendBytes = assertValidMaxAppendBytes(options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES);
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    assertValidStreamName(streamName);
    const expected = options.expectedRevision ?? 'any';
    assertValidExpectedRevision(expected);
    const prepared = prepareEvents(events);
    assertPreparedWithinLimit(streamName, prepared, this.maxAppendBytes);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendChained(streamName, prepared, expected);
      } catch (error) {
        // The writer asked for no particular revision, so losing the race for the stream's head between our
        // read and our append is not its conflict: chain onto the new head and try again.
        const raced = error instanceof EsdbWrongExpectedVersionError && (expected === 'any' || expected === 'stream_exists');
        if (!raced || attempt >= CHAIN_ATTEMPTS) throw mapError(error, { streamName, expected });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * One attempt. The hash chain needs the hash of the event the new ones will follow, so the stream's newest
   * events are read first (from the leader: a follower may lag) and the append expects exactly the revision
   * read: should another writer get in between, EventStoreDB refuses rather than storing a link to the wrong
   * event. `any` and `stream_exists` keep EventStoreDB's retry rule (`findRecentRetry`): ids already among the
   * stream's recent events are the same append, answered without writing, even when other events followed.
   */
  private async appendChained(streamName: string, prepared: PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const anyRevision = expected === 'any' || expected === 'stream_exists';
    const newest = await this.readNewest(streamName, anyRevision ? prepared.length + RETRY_WINDOW : 1);
    const last = newest[0];
    if (anyRevision && last) {
      const retried = findRecentRetry(streamName, newest, prepared);
      if (retried) {
        const end = retried[retried.length - 1];
        return { nextExpectedRevision: end.revision, position: end.position };
      }
    }
    // A stream soft-deleted on the server reads as missing, yet the server appends to it at its old last
    // revision + 1: the chain must be built for those revisions, or every hash in it would be wrong.
    const deletedHead = last ? undefined : await this.softDeletedHead(streamName);
    const head = last?.revision ?? deletedHead;
    let esdbExpected: AppendExpectedRevision;
    if (expected === 'any') {
      esdbExpected = head === undefined ? NO_STREAM : BigInt(head);
    } else if (expected === 'stream_exists') {
      if (!last) {
        throw deletedHead === undefined
          ? new WrongExpectedVersionError(streamName, expected, 'no_stream')
          : new StreamDeletedError(streamName);
      }
      esdbExpected = BigInt(last.revision);
    } else {
      const current = head ?? -1;
      const wanted = expected === 'no_stream' ? -1 : expected;
      // Behind the expected revision the append must fail; sending it could let it land on a head that
      // other writers moved there meanwhile, linked to the event we read. Beyond it, EventStoreDB either
      // recognises a retry (and writes nothing) or refuses, so the hashes sent never reach the stream.
      if (current < wanted) throw new WrongExpectedVersionError(streamName, expected, head ?? 'no_stream');
      esdbExpected = toEsdbExpected(expected);
    }
    // A soft-deleted stream's old events cannot be read, so its chain starts again (previousHash null) at the
    // server's revision; the verifier then shows where the stream was deleted.
    const chained = chainEvents(streamName, (head ?? -1) + 1, last?.hash ?? null, prepared);
    assertAppendWithinLimit(streamName, chained, this.maxAppendBytes);
    const eventData = chained.map(
      (link) =>
        ({
          id: link.event.id,
          contentType: 'application/json',
          type: link.event.type,
          data: link.event.data,
          metadata: chainedMetadata(link),
        }) as EventData,
    );
    let result;
    try {
      result = await this.client.appendToStream(streamName, eventData, { expectedRevision: esdbExpected, requiresLeader: true });
    } catch (error) {
      // The server was configured with a smaller MaxAppendSize than this adapter's limit.
      if (error instanceof EsdbMaxAppendSizeExceededError) {
        throw new AppendTooLargeError(streamName, appendSize(chained), Number(error.maxAppendSize));
      }
      throw error;
    }
    if (!result.position) {
      throw new StoreUnavailableError('EventStoreDB answered an append without a log position');
    }
    return { nextExpectedRevision: Number(result.nextExpectedRevision), position: toPortPosition(result.position) };
  }

  /** The stream's newest events, newest first; none when the stream does not exist (or was soft-deleted). */
  private async readNewest(streamName: string, count: number): Promise<StreamHeadEvent[]> {
    const newest: StreamHeadEvent[] = [];
    try {
      // Read to the end rather than return from inside the loop: a read left with its end unconsumed never
      // finishes, and the client's dispose() then waits for it forever.
      const read = this.client.readStream(streamName, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: count,
        requiresLeader: true,
      });
      for await (const { event } of read) {
        if (!event) continue;
        const recorded = toRecordedEvent(event, undefined);
        const hash = (event.metadata as { hash?: unknown } | undefined)?.hash;
        newest.push({ id: recorded.id, revision: recorded.revision, position: recorded.position, hash: typeof hash === 'string' ? hash : null });
      }
    } catch (error) {
      if (!(error instanceof EsdbStreamNotFoundError)) throw error;
    }
    return newest;
  }

  /**
   * The last revision of a stream that reads as missing: a number when it was soft-deleted (the server keeps
   * counting its revisions), undefined when it never existed. An empty append expecting a revision no stream
   * reaches is always refused, with the stream's real revision, and writes nothing.
   */
  private async softDeletedHead(streamName: string): Promise<number | undefined> {
    try {
      await this.client.appendToStream(streamName, [], { expectedRevision: PROBE_REVISION, requiresLeader: true });
    } catch (error) {
      if (!(error instanceof EsdbWrongExpectedVersionError)) throw error;
      const actual = error.actualVersion;
      return typeof actual === 'bigint' && actual >= 0n ? Number(actual) : undefined;
    }
    throw new StoreUnavailableError(`EventStoreDB accepted an append to "${streamName}" at revision ${PROBE_REVISION}`);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamName(streamName);
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const from = options.fromRevision ?? (forwards ? 'start' : 'end');
    const fromRevision: ReadRevision = from === 'start' ? START : from === 'end' ? END : BigInt(from);
    try {
      const events: RecordedEvent[] = [];
      // Stream reads decide commands (the revision to expect), so they ask the leader: a follower may lag.
      const read = this.client.readStream(streamName, {
        fromRevision,
        direction: forwards ? FORWARDS : BACKWARDS,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
        requiresLeader: true,
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
      return events;
    } catch (error) {
      throw mapError(error, { streamName });
    }
  }

  /** The record of $all that starts at `position` (or the next one), system events included. */
  private async recordAt(position: number): Promise<AllStreamResolvedEvent | undefined> {
    const read = this.client.readAll({ fromPosition: toReadPosition(position), direction: FORWARDS, maxCount: 1 });
    try {
      for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) return resolved;
      return undefined;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  /** Queries: any node may answer (a follower, with `nodePreference=follower`), as they decide nothing. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const after = exclusiveStart(options);
    // The client's readAll takes no server-side filter, and system events would eat into maxCount:
    // read on and filter here, stopping (which cancels the gRPC call) once enough events matched.
    const matches = compileFilter(options.filter);
    try {
      const events: RecordedEvent[] = [];
      if (maxCount === 0) return events;
      if (!forwards && after === undefined && typeof options.fromPosition === 'number') {
        // EventStoreDB reads backwards from *before* a position; the port includes the event at it.
        // One record, unfiltered: a filtered read would go on to the next match, possibly the end of the log.
        const atPosition = await this.recordAt(options.fromPosition);
        if (atPosition && isUserEvent(atPosition.event) && matches(atPosition.event)) {
          const event = toRecordedEvent(atPosition.event, atPosition.commitPosition);
          if (event.position === options.fromPosition) events.push(event);
        }
        if (events.length >= maxCount) return events;
      }
      // "After p" is read from p itself, a record's start (p + 1 is not a position EventStoreDB accepts):
      // forwards that includes the event at p, dropped below; backwards it already starts before p.
      // The log is read in pages of what is still wanted, never "everything from here": a server streams what a
      // read asks for, so a page of 500 asked as "all the rest" made each page cost the rest of the log.
      // System events (and events the filter drops) can leave a page short of maxCount: the next page goes on
      // from the last record read, which a forward read returns again (its position is a record's start), and is
      // twice as large as the one before, so a sparse filter costs a few calls, not one per record.
      let from: ReadPosition = toReadPosition(after ?? options.fromPosition ?? (forwards ? 'start' : 'end'));
      let repeated: ReadPosition | undefined;
      let pageSize = 0;
      for (;;) {
        pageSize = Math.min(READ_PAGE, Math.max(maxCount - events.length, pageSize * 2));
        const wanted = pageSize + (forwards && (after !== undefined || repeated) ? 1 : 0);
        const read = this.client.readAll({ fromPosition: from, direction: forwards ? FORWARDS : BACKWARDS, maxCount: wanted });
        let records = 0;
        let last: ReadPosition | undefined;
        try {
          for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
            records += 1;
            const at = recordPosition(resolved);
            if (repeated && at && samePosition(at, repeated)) continue;
            last = at ?? last;
            if (!isUserEvent(resolved.event) || !matches(resolved.event)) continue;
            const event = toRecordedEvent(resolved.event, resolved.commitPosition);
            if (after !== undefined && (forwards ? event.position <= after : event.position >= after)) continue;
            events.push(event);
            if (events.length >= maxCount) break;
          }
        } finally {
          // Leaving the loop early only stops reading; the gRPC call stays open until it is cancelled.
          await read.cancel().catch(() => undefined);
        }
        if (events.length >= maxCount || records < wanted || last === undefined) break;
        from = last;
        repeated = forwards ? last : undefined;
      }
      return events;
    } catch (error) {
      throw mapError(error, { operation: 'reading $all' });
    }
  }

  /**
   * Checkpoints travel in the subscription's own stream, behind the events decoded before them, and
   * `onCheckpoint` is called only when the consumer asks for what follows those events: a checkpoint is never
   * handed out while events before it still wait in the client's buffer (which would lose them when the
   * consumer stores it and crashes). The client's own callback only queues it, so a failing `onCheckpoint`
   * (or an impossible checkpoint) ends the iteration with its error instead of rejecting inside the client.
   */
  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition ?? 'start';
    const source = this.client.subscribeToAll({
      // Subscriptions start after the given position, so a checkpoint resumes with the next event.
      fromPosition: toReadPosition(from),
      filter: toEsdbFilter(options.filter),
    });
    // The client emits a drop as an 'error' event, not as the stream's end. Until the consumer first asks for
    // an event nothing else listens: kept here, it is thrown on that first ask rather than crash the process
    // as an unhandled 'error' (or be lost, leaving the consumer waiting for ever).
    let dropped: unknown;
    source.on('error', (error) => {
      dropped ??= error;
    });
    const subscriptions = this.subscriptions;
    const lastEventBefore = (position: Position) => this.lastEventBefore(position);
    let closed = false;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      // Bounded: cancelling a call the server already ended (a drop, a server gone) may not settle until the
      // channel reconnects, and a close must never hang on it.
      await settledWithin(source.unsubscribe(), CLOSE_WAIT_MS);
      source.destroy();
    };
    async function* follow(): AsyncGenerator<RecordedEvent> {
      try {
        if (dropped !== undefined) throw dropped;
        for await (const item of source as AsyncIterable<AllStreamResolvedEvent | CheckpointMark>) {
          if (closed) return;
          if ('checkpoint' in item) {
            let position: number | undefined = toCheckpointPosition(item.checkpoint);
            // (c, p) with p != c means "before the record at c" (24.10 sends the page start (c, 0), the end of the
            // log included). As one number, c would resume after that record and skip it: hand out the last event
            // before it instead, a record start from which resuming misses nothing.
            if (item.checkpoint.prepare !== item.checkpoint.commit) position = await lastEventBefore(item.checkpoint);
            if (position !== undefined && options.onCheckpoint) await options.onCheckpoint(position);
            continue;
          }
          if (isUserEvent(item.event)) yield toRecordedEvent(item.event, item.commitPosition);
        }
      } catch (error) {
        // Closing cancels the gRPC call; the stream then ends with an error that is ours, not a failure.
        if (closed) return;
        throw mapError(error, { operation: 'subscribing to $all' });
      } finally {
        subscriptions.delete(subscription);
        // Not awaited: cancelling a call the server already ended may not settle until the channel reconnects.
        void stop();
      }
    }
    const iterator = follow();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        if (closed) return;
        closed = true;
        subscriptions.delete(subscription);
        await stop();
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  /** The position of the last event (system events included) before `position`, if there is one. */
  private async lastEventBefore(position: Position): Promise<number | undefined> {
    let found: number | undefined;
    const read = this.client.readAll({ fromPosition: position, direction: BACKWARDS, maxCount: 1 });
    for await (const { event } of read as AsyncIterable<AllStreamResolvedEvent>) {
      if (event && found === undefined) found = toRecordedEvent(event, undefined).position;
    }
    return found;
  }

  async ping(): Promise<void> {
    try {
      const read = this.client.readAll({
        fromPosition: END,
        direction: BACKWARDS,
        maxCount: 1,
        deadline: this.pingTimeoutMs,
      });
      for await (const _ of read) {
        // Draining one event proves the server answers reads.
      }
    } catch (error) {
      throw mapError(error, { operation: 'reading $all' });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close().catch(() => undefined)));
    await settledWithin(this.client.dispose(), CLOSE_WAIT_MS);
  }
}

/** How long a close waits for the client to let go of a call or a channel before it stops waiting. */
const CLOSE_WAIT_MS = 2_000;

/** Resolves when `work` settles (either way) or after `ms`, whichever comes first; never rejects. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

function isUserEvent(event: EsdbRecordedEvent | undefined): event is EsdbRecordedEvent {
  return event !== undefined && !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

function compileFilter(filter: EventFilter | undefined): (event: EsdbRecordedEvent) => boolean {
  if (!filter) return () => true;
  const { prefixes } = filter;
  return filter.kind === 'streamNamePrefix'
    ? (event) => prefixes.some((prefix) => event.streamId.startsWith(prefix))
    : (event) => prefixes.some((prefix) => event.type.startsWith(prefix));
}

function toRecordedEvent(event: EsdbRecordedEvent, commitPosition: bigint | undefined): RecordedEvent {
  let position: number;
  if (event.position) {
    if (event.position.commit !== event.position.prepare) {
      throw new ExplicitTransactionError(event.id, event.streamId, event.position.commit, event.position.prepare);
    }
    position = toPortPosition(event.position);
  } else {
    position = commitPosition !== undefined ? toPortPosition({ commit: commitPosition, prepare: commitPosition }) : -1;
  }
  return {
    id: event.id,
    streamName: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

function toPortPosition(position: Position): number {
  const commit = Number(position.commit);
  if (position.commit < 0n || !Number.isSafeInteger(commit)) {
    throw new ImpossiblePositionError('event position', position.commit, 'beyond what the ledger can address (2^53 - 1)');
  }
  return commit;
}

function toCheckpointPosition(position: Position): number {
  if (position.commit >= POSITION_LIMIT || position.commit < 0n) {
    throw new ImpossiblePositionError(
      'checkpoint',
      position.commit,
      'positions are below 2^63. EventStoreDB 24.10.4 sends 2^64-1 at the end of a filtered catch-up; ' +
        'run 24.10.5 or later (the compose files pin it)',
    );
  }
  return toPortPosition(position);
}

/** `afterPosition`, when given: the exclusive start of a read of the global log. */
function exclusiveStart(options: ReadAllOptions): number | undefined {
  if (options.afterPosition === undefined) return undefined;
  if (options.fromPosition !== undefined) throw new RangeError('readAll takes fromPosition or afterPosition, not both');
  if (!Number.isSafeInteger(options.afterPosition) || options.afterPosition < 0) {
    throw new RangeError('afterPosition must be a position (an integer >= 0)');
  }
  return options.afterPosition;
}

/** Records asked of the server per read call at most (a read of everything goes on page by page). */
const READ_PAGE = 4_096;

function recordPosition(resolved: AllStreamResolvedEvent): ReadPosition | undefined {
  if (resolved.event?.position) return resolved.event.position;
  return resolved.commitPosition !== undefined ? { commit: resolved.commitPosition, prepare: resolved.commitPosition } : undefined;
}

function samePosition(a: ReadPosition, b: ReadPosition): boolean {
  return typeof a === 'object' && typeof b === 'object' && a.commit === b.commit && a.prepare === b.prepare;
}

function toReadPosition(from: number | 'start' | 'end'): ReadPosition {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return { commit: BigInt(from), prepare: BigInt(from) };
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function fromEsdbExpected(expected: unknown): ExpectedRevision {
  if (typeof expected === 'bigint') return Number(expected);
  if (expected === NO_STREAM || expected === STREAM_EXISTS) return expected;
  return 'any';
}

/**
 * The client's checkpoint callback only queues the checkpoint behind the events already decoded (see
 * subscribeToAll); it never awaits the consumer. It is always set, so that an impossible checkpoint is seen.
 */
function toEsdbFilter(filter: EventFilter | undefined): Filter {
  const checkpointReached = (subscription: unknown, checkpoint: Position) => {
    (subscription as { push(item: CheckpointMark): boolean }).push({ checkpoint });
  };
  if (!filter) return excludeSystemEvents({ checkpointReached });
  const options = { prefixes: filter.prefixes, checkpointReached };
  return filter.kind === 'streamNamePrefix' ? streamNameFilter(options) : eventTypeFilter(options);
}

function mapError(error: unknown, context: { streamName?: string; expected?: ExpectedRevision; operation?: string }): Error {
  const { streamName, expected } = context;
  if (error instanceof EsdbWrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedVersionError(
      error.streamName ?? streamName ?? '',
      expected ?? fromEsdbExpected(error.expectedVersion),
      typeof actual === 'bigint' ? Number(actual) : 'no_stream',
    );
  }
  if (error instanceof EsdbStreamNotFoundError) return new StreamNotFoundError(streamName ?? String(error.streamName));
  if (error instanceof EsdbStreamDeletedError) return new StreamDeletedError(streamName ?? String(error.streamName));
  if (error instanceof EsdbAccessDeniedError) {
    return new AccessDeniedError(context.operation ?? (streamName ? `stream "${streamName}"` : 'the store'), { cause: error });
  }
  const type = (error as { type?: string }).type;
  if (
    type === ErrorType.UNAVAILABLE ||
    type === ErrorType.DEADLINE_EXCEEDED ||
    type === ErrorType.TIMEOUT ||
    type === ErrorType.NOT_LEADER ||
    type === ErrorType.CANCELLED
  ) {
    return new StoreUnavailableError(`EventStoreDB did not answer: ${(error as Error).message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
