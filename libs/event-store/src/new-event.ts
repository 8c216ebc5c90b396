import { randomUUID } from 'node:crypto';
import { InvalidEventError } from './event-store.errors.js';
import type { EventMetadata, ExpectedRevision, NewEvent } from './event-store.port.js';

export interface PreparedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  dataJson: string;
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
    return {
      id: lowered,
      type: event.type,
      data: event.data,
      metadata,
      dataJson: toJson(event.data, `${where}: data`),
      metadataJson: toJson(metadata, `${where}: metadata`),
    };
  });
}

function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidEventError(`${what} is not serialisable as JSON (${(error as Error).message})`);
  }
  if (json === undefined) throw new InvalidEventError(`${what} must be a JSON value`);
  return json;
}

export function assertValidExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidEventError(
    `expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision (an integer >= 0), not ${String(expected)}`,
  );
}
