/**
 * The one port every other module talks to. Two adapters implement it: the embedded SQLite store
 * (zero set-up, the default) and EventStoreDB. Its semantics follow EventStoreDB's so that code written
 * against the embedded store behaves the same in production.
 */

/** `'any'` skips the check; a number is the revision of the stream's last event (the first event is 0). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type Direction = 'forwards' | 'backwards';

/**
 * Who did what and why. Every event carries these four; adapters refuse an append without them, because
 * an auditor must be able to trace every event to a person and a request.
 */
export interface EventMetadata {
  correlationId: string;
  causationId: string;
  actor: string;
  /** When the command was recorded, as the command handler saw it (ISO 8601). */
  recordedAt: string;
  /**
   * Set by the store on every append, whatever the writer passed: the hash of the previous event in the
   * stream (null at revision 0), and this event's own hash (see `eventHash`). Together they chain each
   * stream, so an edited, removed or reordered event shows when the log is verified.
   */
  previousHash?: string | null;
  hash?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** A uuid chosen by the writer so that retries are idempotent; the store generates one when absent. */
  id?: string;
  /** An explicit, stable string such as `ParticipantRegistered`, never derived from a class name. */
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamName: string;
  /** Zero-based position of the event within its stream. */
  revision: number;
  /** Position in the store's global log; strictly increasing in log order. */
  position: number;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** When the store wrote it (ISO 8601). */
  recordedAt: string;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: pass it as `expectedRevision` on the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  /** Revision to start from, inclusive. Defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: number | 'start' | 'end';
  direction?: Direction;
  maxCount?: number;
}

/** A server-side filter on the global log. Prefixes are OR-ed. */
export type EventFilter =
  | { kind: 'streamNamePrefix'; prefixes: string[] }
  | { kind: 'eventTypePrefix'; prefixes: string[] };

export interface ReadAllOptions {
  /** Global position to start from, inclusive. */
  fromPosition?: number | 'start' | 'end';
  /**
   * Exclusive start: the first event after this position (forwards) or before it (backwards). Positions are
   * opaque (on EventStoreDB they are byte offsets of variable-size records), so "the next one" is asked for
   * this way, never as `position + 1`. Give either `fromPosition` or `afterPosition`, not both.
   */
  afterPosition?: number;
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeToAllOptions {
  /**
   * A checkpoint: the position of the last event the subscriber has processed. Delivery starts with the
   * first event after it (exclusive, as in EventStoreDB). `'start'` replays the whole log; `'end'` only
   * follows new appends.
   */
  fromPosition?: number | 'start' | 'end';
  filter?: EventFilter;
  /**
   * Called with a position the subscription has scanned up to, even when the filter let nothing through,
   * so a consumer can persist its checkpoint without replaying filtered-out history on restart.
   */
  onCheckpoint?: (position: number) => void | Promise<void>;
}

/**
 * A catch-up subscription: replays from the checkpoint, then follows live appends. Pulling is the
 * back-pressure: the store reads the next page only when the consumer asks for more.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** The log from a position on, page by page: the first page shorter than asked is the last. */
export interface LogPages {
  next(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export interface ReplayPagesOptions {
  /** The first page starts just after this position. */
  afterPosition: number;
  pageSize: number;
  /**
   * On the embedded store: read on a thread of its own, pages ahead of the caller ('thread', the default where the
   * store is a file), or on the caller's thread ('inline'). The thread takes about a quarter of a rebuild's loading
   * CPU off the caller's thread but costs about a tenth more CPU in all, which pays only where a core is idle.
   */
  reader?: 'thread' | 'inline';
  /**
   * The event types whose metadata the caller reads: a hint. The embedded store's reader thread sends only theirs
   * (the metadata was half of what it handed over and a seventh of a rebuild's main thread); any other event's
   * metadata is still there when read, fetched then, one event at a time (so only while the store is open: a fetch
   * after close fails as any read does). Absent: every event's is sent.
   */
  metadataOf?: readonly string[];
}

export interface EventStore {
  appendToStream(streamName: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws `StreamNotFoundError` when the stream has no events. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  /**
   * The whole log from a position on, for a rebuild that applies every event: a store that can read it faster than
   * readAll pages offers this (the embedded store: read-only, metadata parsed on demand, optionally on a thread);
   * `replayPages` (the function) falls back to readAll for any other.
   */
  replayPages?(options: ReplayPagesOptions): LogPages;
  /** Resolves when the store answers; rejects with the reason when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Nest injection token for the configured `EventStore`. */
export const EVENT_STORE = Symbol.for('programme-ledger.EventStore');

/** The log from a position on, page by page, through the store's own replay when it has one, else readAll. */
export function replayPages(store: EventStore, options: ReplayPagesOptions): LogPages {
  if (store.replayPages) return store.replayPages(options);
  return pagesAfter(options.afterPosition, (after) => store.readAll({ afterPosition: after, maxCount: options.pageSize }));
}

/** Pages read one after another, each from just after the last position of the one before. */
export function pagesAfter(afterPosition: number, read: (after: number) => Promise<RecordedEvent[]>): LogPages {
  let position = afterPosition;
  return {
    next: async () => {
      const events = await read(position);
      if (events.length > 0) position = events[events.length - 1].position;
      return events;
    },
    close: async () => {},
  };
}
