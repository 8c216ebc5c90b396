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

function describe(revision: ExpectedRevision | 'no_stream'): string {
  return typeof revision === 'number' ? `revision ${revision}` : revision;
}
