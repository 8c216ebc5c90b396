import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
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
  StoreUnavailableError,
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
import { assertValidExpectedRevision, chainedMetadata, chainEvents, prepareEvents, type PreparedEvent } from '../new-event.js';
import { assertValidStreamName } from '../stream-name.js';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, or a cluster: `esdb+discover://...` / `esdb://n1:2113,n2:2113,n3:2113`. */
  connectionString: string;
  /** Deadline for the health check, in milliseconds. */
  pingTimeoutMs?: number;
}

type EsdbRecordedEvent = NonNullable<ResolvedEvent['event']>;

/** How often an append with `any` or `stream_exists` is tried again after another writer moved the stream. */
const CHAIN_ATTEMPTS = 10;

/**
 * The port on EventStoreDB. Positions: EventStoreDB addresses `$all` by `{commit, prepare}`; every event
 * appended over gRPC has its own commit position, so the port's single number is the commit position and
 * a checkpoint `p` resumes at `{commit: p, prepare: p}`. System events (`$`-prefixed) are never handed out.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly pingTimeoutMs: number;
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
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    assertValidStreamName(streamName);
    const expected = options.expectedRevision ?? 'any';
    assertValidExpectedRevision(expected);
    const prepared = prepareEvents(events);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendChained(streamName, prepared, expected);
      } catch (error) {
        // The writer asked for no particular revision, so losing the race for the stream's head between our
        // read and our append is not its conflict: chain onto the new head and try again.
        const raced = error instanceof EsdbWrongExpectedVersionError && (expected === 'any' || expected === 'stream_exists');
        if (!raced || attempt >= CHAIN_ATTEMPTS) throw mapError(error, streamName, expected);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * One attempt. The hash chain needs the hash of the event the new ones will follow, so the stream's last
   * event is read first and the append expects exactly that revision: should another writer get in
   * between, EventStoreDB refuses rather than storing a link to the wrong event.
   */
  private async appendChained(streamName: string, prepared: PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.readLastEvent(streamName);
    let esdbExpected: AppendExpectedRevision;
    if (expected === 'any' || expected === 'stream_exists') {
      if (!last && expected === 'stream_exists') throw new WrongExpectedVersionError(streamName, expected, 'no_stream');
      // The stream ends with this append's last event: most likely a retry of it. EventStoreDB's own
      // idempotency check then answers as it did before the chain, without writing.
      const retry = last !== undefined && last.id === prepared[prepared.length - 1].id;
      esdbExpected = retry ? toEsdbExpected(expected) : last ? BigInt(last.revision) : NO_STREAM;
    } else {
      const current = last?.revision ?? -1;
      const wanted = expected === 'no_stream' ? -1 : expected;
      // Behind the expected revision the append must fail; sending it could let it land on a head that
      // other writers moved there meanwhile, linked to the event we read. Beyond it, EventStoreDB either
      // recognises a retry (and writes nothing) or refuses, so the hashes sent never reach the stream.
      if (current < wanted) throw new WrongExpectedVersionError(streamName, expected, last?.revision ?? 'no_stream');
      esdbExpected = toEsdbExpected(expected);
    }
    const eventData = chainEvents(streamName, (last?.revision ?? -1) + 1, last?.hash ?? null, prepared).map(
      (link) =>
        ({
          id: link.event.id,
          contentType: 'application/json',
          type: link.event.type,
          data: link.event.data,
          metadata: chainedMetadata(link),
        }) as EventData,
    );
    const result = await this.client.appendToStream(streamName, eventData, { expectedRevision: esdbExpected });
    if (!result.position) {
      throw new StoreUnavailableError('EventStoreDB answered an append without a log position');
    }
    return { nextExpectedRevision: Number(result.nextExpectedRevision), position: toPortPosition(result.position) };
  }

  private async readLastEvent(streamName: string): Promise<{ revision: number; id: string; hash: string | null } | undefined> {
    let last: { revision: number; id: string; hash: string | null } | undefined;
    try {
      // Read to the end (one event at most) rather than return from inside the loop: a read left with its
      // end unconsumed never finishes, and the client's dispose() then waits for it forever.
      for await (const { event } of this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (!event || last) continue;
        const hash = (event.metadata as { hash?: unknown } | undefined)?.hash;
        last = { revision: Number(event.revision), id: event.id, hash: typeof hash === 'string' ? hash : null };
      }
    } catch (error) {
      if (!(error instanceof EsdbStreamNotFoundError)) throw error;
    }
    return last;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamName(streamName);
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const from = options.fromRevision ?? (forwards ? 'start' : 'end');
    const fromRevision: ReadRevision = from === 'start' ? START : from === 'end' ? END : BigInt(from);
    try {
      const events: RecordedEvent[] = [];
      const read = this.client.readStream(streamName, {
        fromRevision,
        direction: forwards ? FORWARDS : BACKWARDS,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
      return events;
    } catch (error) {
      throw mapError(error, streamName);
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    // The client's readAll takes no server-side filter, and system events would eat into maxCount:
    // read on and filter here, stopping (which cancels the gRPC call) once enough events matched.
    const matches = compileFilter(options.filter);
    try {
      const events: RecordedEvent[] = [];
      if (maxCount === 0) return events;
      if (!forwards && typeof options.fromPosition === 'number') {
        // EventStoreDB reads backwards from *before* a position; the port includes the event at it.
        const [atPosition] = await this.readAll({ fromPosition: options.fromPosition, maxCount: 1, filter: options.filter });
        if (atPosition?.position === options.fromPosition) events.push(atPosition);
        if (events.length >= maxCount) return events;
      }
      const read = this.client.readAll({
        fromPosition: toReadPosition(options.fromPosition ?? (forwards ? 'start' : 'end')),
        direction: forwards ? FORWARDS : BACKWARDS,
        maxCount: Number.MAX_SAFE_INTEGER,
      });
      try {
        for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
          if (!isUserEvent(resolved.event) || !matches(resolved.event)) continue;
          events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
          if (events.length >= maxCount) break;
        }
      } finally {
        // Leaving the loop early only stops reading; the gRPC call stays open until it is cancelled.
        await read.cancel().catch(() => undefined);
      }
      return events;
    } catch (error) {
      throw mapError(error);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition ?? 'start';
    const filter = toEsdbFilter(options.filter, options.onCheckpoint);
    const source = this.client.subscribeToAll({
      // Subscriptions start after the given position, so a checkpoint resumes with the next event.
      fromPosition: toReadPosition(from),
      filter,
    });
    const subscriptions = this.subscriptions;
    let closed = false;
    async function* follow(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const resolved of source as AsyncIterable<AllStreamResolvedEvent>) {
          if (closed) return;
          if (isUserEvent(resolved.event)) yield toRecordedEvent(resolved.event, resolved.commitPosition);
        }
      } catch (error) {
        // Closing cancels the gRPC call; the stream then ends with an error that is ours, not a failure.
        if (closed) return;
        throw mapError(error);
      } finally {
        subscriptions.delete(subscription);
      }
    }
    const iterator = follow();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        if (closed) return;
        closed = true;
        subscriptions.delete(subscription);
        await source.unsubscribe().catch(() => undefined);
        source.destroy();
      },
    };
    subscriptions.add(subscription);
    return subscription;
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
      throw mapError(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close().catch(() => undefined)));
    await this.client.dispose();
  }
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
  const position = event.position ? toPortPosition(event.position) : commitPosition !== undefined ? Number(commitPosition) : -1;
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
  if (!Number.isSafeInteger(commit)) {
    throw new StoreUnavailableError(`EventStoreDB log position ${position.commit} is beyond what the ledger can address`);
  }
  return commit;
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

function toEsdbFilter(
  filter: EventFilter | undefined,
  onCheckpoint?: (position: number) => void | Promise<void>,
): Filter {
  const checkpointReached = onCheckpoint
    ? (_: unknown, position: Position) => onCheckpoint(toPortPosition(position))
    : undefined;
  if (!filter) return excludeSystemEvents({ checkpointReached });
  const options = { prefixes: filter.prefixes, checkpointReached };
  return filter.kind === 'streamNamePrefix' ? streamNameFilter(options) : eventTypeFilter(options);
}

function mapError(error: unknown, streamName?: string, expected?: ExpectedRevision): Error {
  if (error instanceof EsdbWrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedVersionError(
      error.streamName ?? streamName ?? '',
      expected ?? fromEsdbExpected(error.expectedVersion),
      typeof actual === 'bigint' ? Number(actual) : 'no_stream',
    );
  }
  if (error instanceof EsdbStreamNotFoundError) return new StreamNotFoundError(streamName ?? String(error.streamName));
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
