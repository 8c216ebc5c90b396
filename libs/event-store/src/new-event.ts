import { randomUUID } from 'node:crypto';
import { canonicalEventContent, eventHashFromQuoted, quoteJson, type CanonicalEventContent, type EventHashParts } from './event-hash.js';
import { AppendTooLargeError, DuplicateEventIdError, InvalidEventError } from './event-store.errors.js';
import type { EventMetadata, ExpectedRevision, NewEvent } from './event-store.port.js';

export interface PreparedEvent {
  id: string;
  type: string;
  data: unknown;
  /** The caller's metadata without `previousHash` and `hash`: the store sets those when it appends. */
  metadata: EventMetadata;
  /** Canonical JSON of the data (see canonicalJson): stored as it was hashed. */
  dataJson: string;
  /** Canonical JSON of `metadata` (without the two hash fields). */
  metadataJson: string;
  hashParts: EventHashParts;
}

/** A prepared event with its place in its stream's hash chain. */
export interface ChainedEvent {
  event: PreparedEvent;
  revision: number;
  previousHash: string | null;
  hash: string;
  /** The metadata as stored: the writer's, plus `previousHash` and `hash`. */
  metadataJson: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const REQUIRED_METADATA = ['correlationId', 'causationId', 'actor', 'recordedAt'] as const;
export const MAX_EVENT_TYPE_LENGTH = 256;

/**
 * The checks both adapters make before anything reaches storage, so that the same bad append fails the
 * same way on SQLite and on EventStoreDB.
 */
export function prepareEvents(events: readonly NewEvent[]): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventError('An append needs at least one event');
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const where = `event ${index}`;
    const id = event.id ?? randomUUID();
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidEventError(`${where}: id must be a uuid`);
    }
    const lowered = id.toLowerCase();
    if (seen.has(lowered)) throw new InvalidEventError(`${where}: id ${id} appears twice in one append`);
    seen.add(lowered);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_EVENT_TYPE_LENGTH) {
      throw new InvalidEventError(`${where}: type must be a non-empty string of at most ${MAX_EVENT_TYPE_LENGTH} characters`);
    }
    if (event.type.startsWith('$')) {
      throw new InvalidEventError(`${where}: type must not start with "$" (reserved for system events)`);
    }
    const metadata = event.metadata;
    if (metadata === null || typeof metadata !== 'object') {
      throw new InvalidEventError(`${where}: metadata is required`);
    }
    for (const field of REQUIRED_METADATA) {
      if (typeof metadata[field] !== 'string' || metadata[field].length === 0) {
        throw new InvalidEventError(`${where}: metadata.${field} must be a non-empty string`);
      }
    }
    const own = withoutChainFields(metadata);
    let content: CanonicalEventContent;
    try {
      // One canonical form, for storing and for hashing. Unlike JSON.stringify it refuses NaN and Infinity
      // rather than storing null for them, so what is read back is what was written.
      content = canonicalEventContent({ id: lowered, type: event.type, data: event.data, metadata: own });
    } catch (error) {
      throw new InvalidEventError(`${where}: data and metadata must be JSON values (${(error as Error).message})`);
    }
    const { dataJson, metadataJson, parts: hashParts } = content;
    return { id: lowered, type: event.type, data: event.data, metadata: own, dataJson, metadataJson, hashParts };
  });
}

/**
 * Puts prepared events into their stream's hash chain: each gets `metadata.previousHash` (the hash of the
 * event before it in the stream, null at revision 0) and `metadata.hash`, overwriting whatever the writer
 * put there, so a writer can neither forge a link nor break one. Both adapters call this once they know
 * the stream's last event, which is why the chain lives in metadata: EventStoreDB stores it unchanged.
 */
export function chainEvents(
  streamName: string,
  firstRevision: number,
  previousHash: string | null,
  events: readonly PreparedEvent[],
): ChainedEvent[] {
  const quotedStreamName = quoteJson(streamName);
  let previous = previousHash;
  // Only the first link's previous hash comes from outside; every later one is a hex hash made here.
  let quotedPrevious = previous === null ? 'null' : quoteJson(previous);
  const chained = new Array<ChainedEvent>(events.length);
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const revision = firstRevision + index;
    const hash = eventHashFromQuoted(event.hashParts, quotedStreamName, revision, quotedPrevious);
    // Splicing onto the JSON made in prepareEvents saves serialising the metadata a second time.
    const metadataJson =
      (event.metadataJson.length > 2 ? event.metadataJson.slice(0, -1) + ',' : '{') +
      '"previousHash":' + quotedPrevious + ',"hash":"' + hash + '"}';
    chained[index] = { event, revision, previousHash: previous, hash, metadataJson };
    previous = hash;
    quotedPrevious = '"' + hash + '"';
  }
  return chained;
}

/** The metadata of a chained event as an object, for a store that serialises it itself. */
export function chainedMetadata({ event, previousHash, hash }: ChainedEvent): EventMetadata {
  return { ...event.metadata, previousHash, hash };
}

function withoutChainFields(metadata: EventMetadata): EventMetadata {
  if (!('hash' in metadata) && !('previousHash' in metadata)) return metadata;
  const { hash: _hash, previousHash: _previousHash, ...rest } = metadata;
  return rest as EventMetadata;
}

export function assertValidExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidEventError(
    `expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision (an integer >= 0), not ${String(expected)}`,
  );
}

/** EventStoreDB's default MaxAppendSize: the most one append may carry, measured as `appendSize` does. */
export const DEFAULT_MAX_APPEND_BYTES = 1_048_576;

/**
 * An append's size as EventStoreDB counts it against MaxAppendSize: per event, the UTF-8 bytes of its data and
 * of its metadata as stored (JSON, hash chain included) plus two bytes per character of its type, summed.
 */
export function appendSize(events: readonly ChainedEvent[]): number {
  let size = 0;
  for (const { event, metadataJson } of events) {
    size += Buffer.byteLength(event.dataJson) + Buffer.byteLength(metadataJson) + event.type.length * 2;
  }
  return size;
}

/** What the hash chain adds to each event's metadata, at least (a stream's first event has no previous hash). */
const CHAIN_FIELDS_BYTES = `,"previousHash":null,"hash":"${'0'.repeat(64)}"`.length;

/**
 * Refuses an append that is too big whatever its place in the stream, before anything is read, sent or
 * written: `appendSize` with the smallest chain fields (exact for a new stream, short by at most 66 bytes per
 * event otherwise, which `assertAppendWithinLimit` catches once the chain is known).
 */
export function assertPreparedWithinLimit(streamName: string, events: readonly PreparedEvent[], limit: number): void {
  let size = 0;
  for (const event of events) {
    size += Buffer.byteLength(event.dataJson) + Buffer.byteLength(event.metadataJson) + CHAIN_FIELDS_BYTES + event.type.length * 2;
  }
  if (size > limit) throw new AppendTooLargeError(streamName, size, limit);
}

/** Refuses, before anything is sent or written, an append the server would refuse for its size. */
export function assertAppendWithinLimit(streamName: string, events: readonly ChainedEvent[], limit: number): void {
  const size = appendSize(events);
  if (size > limit) throw new AppendTooLargeError(streamName, size, limit);
}

export function assertValidMaxAppendBytes(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('maxAppendBytes must be an integer >= 1');
  return limit;
}

/**
 * How far back a retry under `any` or `stream_exists` is looked for: the stream's newest events, this many
 * beyond the append's own. EventStoreDB recognises the ids of recently written events (a bounded cache, not
 * only the stream's last event), so a retry is the same append even after other events followed it; both
 * adapters look at the same window so that they agree on what counts as recent.
 */
export const RETRY_WINDOW = 64;

export interface StoredEventRef {
  id: string;
  revision: number;
  position: number;
}

/**
 * The retry rule for `any` and `stream_exists`, EventStoreDB's: when the append's first event id is among the
 * stream's newest events, every id of the append must be there too and the append is answered as the first
 * time (the stored events are returned, in the append's order); when it is not, the append is new (undefined).
 * Some ids stored and others not is a conflict, refused.
 */
export function findRecentRetry<Stored extends StoredEventRef>(
  streamName: string,
  newest: readonly Stored[],
  events: readonly PreparedEvent[],
): Stored[] | undefined {
  const byId = new Map(newest.map((stored) => [stored.id.toLowerCase(), stored]));
  if (!byId.has(events[0].id)) return undefined;
  return events.map((event) => {
    const stored = byId.get(event.id);
    if (!stored) {
      throw new DuplicateEventIdError(events[0].id, `in stream "${streamName}" by an earlier append that held other events`);
    }
    return stored;
  });
}
