import type { ExpectedRevision } from './event-store.port.js';

/** Base class so callers can tell the store's own refusals from I/O failures. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or `'no_stream'`. */
    readonly actual: number | 'no_stream',
  ) {
    super(
      `Stream "${streamName}" was expected at ${describe(expected)} but is at ${describe(actual)}`,
    );
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'stream-not-found';
  constructor(readonly streamName: string) {
    super(`Stream "${streamName}" does not exist`);
  }
}

export class InvalidStreamNameError extends EventStoreError {
  readonly code = 'invalid-stream-name';
  constructor(
    readonly streamName: string,
    readonly rule: string,
  ) {
    super(`Invalid stream name ${JSON.stringify(streamName.slice(0, 80))}: ${rule}`);
  }
}

/** An append that breaks the port's rules (bad id, missing metadata, unserialisable data). */
export class InvalidEventError extends EventStoreError {
  readonly code = 'invalid-event';
}

/** An event id that is already stored with other content or in another place. */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'duplicate-event-id';
  constructor(
    readonly eventId: string,
    detail: string,
  ) {
    super(`Event id ${eventId} is already stored ${detail}`);
  }
}

/** The store cannot be opened or used safely; the message says what to do. */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * An append bigger than the store accepts in one go: EventStoreDB refuses more than its MaxAppendSize (1 MiB by
 * default), and both adapters refuse the same before anything is sent or written. The size is the serialised
 * JSON of each event's data and metadata (as stored, hash chain included) in UTF-8 bytes, plus two bytes per
 * character of its type (EventStoreDB's own measure), summed over the append.
 */
export class AppendTooLargeError extends EventStoreError {
  readonly code = 'append-too-large';
  constructor(
    readonly streamName: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `An append to stream "${streamName}" of ${size} bytes is over the store's limit of ${limit} bytes ` +
        '(data + metadata + 2 bytes per type character, summed over its events; LEDGER_MAX_APPEND_BYTES)',
    );
  }
}

/**
 * The stream was deleted on the EventStoreDB server (by an operator: the ledger never deletes). A tombstoned
 * stream refuses reads and appends for ever; a soft-deleted one refuses only `stream_exists`.
 */
export class StreamDeletedError extends EventStoreError {
  readonly code = 'stream-deleted';
  constructor(readonly streamName: string) {
    super(`Stream "${streamName}" was deleted on the EventStoreDB server and cannot be used again`);
  }
}

/** The store's credentials may not do this (e.g. reading `$all` needs the `$admins` or `$ops` role). */
export class AccessDeniedError extends EventStoreError {
  readonly code = 'access-denied';
  constructor(
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(
      `EventStoreDB denied access to ${operation}: the connection string's user needs the $admins or $ops role ` +
        'to read and subscribe to $all, and write access to the ledger\'s streams',
    );
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * An event written in an explicit transaction (legacy TCP clients): its commit position is the transaction's
 * commit record, shared with the other events of the transaction, and differs from its own prepare position.
 * The port carries one position per event, which cannot resume inside such a transaction, so the adapter
 * refuses to hand the event out rather than risk skipping or repeating events after a restart.
 */
export class ExplicitTransactionError extends EventStoreError {
  readonly code = 'explicit-transaction';
  constructor(
    readonly eventId: string,
    readonly streamName: string,
    readonly commitPosition: bigint,
    readonly preparePosition: bigint,
  ) {
    super(
      `Event ${eventId} in stream "${streamName}" was written in an explicit transaction ` +
        `(commit position ${commitPosition} differs from prepare position ${preparePosition}). The ledger addresses ` +
        'the log with one position per event and cannot read such events safely: write to this EventStoreDB only ' +
        'through the ledger, never with a legacy TCP client',
    );
  }
}

/**
 * A position the store cannot have sent: beyond what a position can be (EventStoreDB's are signed 64-bit, so
 * 2^63 and above is impossible; 24.10.4 sends 2^64-1 as a checkpoint) or beyond what the ledger can address.
 */
export class ImpossiblePositionError extends EventStoreError {
  readonly code = 'impossible-position';
  constructor(
    readonly what: 'checkpoint' | 'event position',
    readonly value: bigint,
    detail: string,
  ) {
    super(`EventStoreDB sent an impossible ${what} ${value}: ${detail}`);
  }
}

function describe(revision: ExpectedRevision | 'no_stream'): string {
  return typeof revision === 'number' ? `revision ${revision}` : revision;
}
