import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@app/event-store';

/** Who asks, on behalf of which request, and when: everything a handler needs beyond the command's data. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string;
  /** The moment the command is handled; deciders see it as `today`, never read the clock themselves. */
  now: Date;
  /** The revision the caller last saw (HTTP If-Match); a different current revision is refused. */
  ifMatch?: number;
  /**
   * `idempotencyKeyHash(actor, Idempotency-Key)` when the request carried one (never the key itself). The
   * events the command writes carry it in their metadata, so a retry finds the first outcome in the stream
   * itself, whatever happened to the saved answer.
   */
  idempotencyKey?: string;
  /**
   * The id of an entity this command creates when the caller sent none. With an Idempotency-Key it is derived
   * from the key and the request, so a retry after a lost answer creates nothing new: it reaches the same stream.
   */
  newEntityId(): string;
  /**
   * Set when the command is one row of a spreadsheet import: every event it writes carries the import's id and
   * the row's number (as the spreadsheet shows it) in its metadata, so an auditor sees where a record came from.
   */
  importOrigin?: ImportOrigin;
}

export interface ImportOrigin {
  importId: string;
  row: number;
}

export const REPLAYED: unique symbol = Symbol('programme-ledger.replayed');

export interface CommandResult {
  id: string;
  streamName: string;
  /** Revision of the entity's stream after the command: the next If-Match / ETag. */
  revision: number;
  /** Global log position of the last event written, for read-your-writes. */
  position: number;
  /**
   * Set (as a symbol, so it never reaches a JSON answer) when the command had already happened under the
   * same Idempotency-Key: nothing was written and this is the first outcome, read back from the events.
   */
  readonly [REPLAYED]?: true;
}

/** Whether a command's answer is the first outcome of an earlier run with the same Idempotency-Key. */
export function wasReplayed(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { [REPLAYED]?: true })[REPLAYED] === true;
}

/** Version of every event's data shape; bump per event type when its data changes incompatibly. */
export const EVENT_SCHEMA_VERSION = 1;

/** How an Idempotency-Key is recorded: bound to its actor (two callers may pick the same key), never in clear. */
export function idempotencyKeyHash(actor: string, key: string): string {
  return sha256Hex(`${actor}\n${key}`);
}

/**
 * A uuid derived from its parts (SHA-256, shaped as a version 5 uuid), so that a retried request derives the
 * same entity and event ids as the first run did.
 */
export function derivedUuid(...parts: string[]): string {
  // From the one-shot hex digest (every command derives its event ids: createHash, a Buffer and its hex measured
  // 1.5 % of the service's main thread): the version nibble becomes 5, the variant's top bits 10.
  const hex = sha256Hex(parts.join('\n'));
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** New entity ids for a request: derived from its Idempotency-Key and what it asks (`scope`) when it has a key. */
export function entityIdSource(idempotencyKey: string | undefined, scope: string): () => string {
  return idempotencyKey === undefined ? () => randomUUID() : () => derivedUuid('entity', idempotencyKey, scope);
}
