import { eventHash, isSha256Hex } from './event-hash.js';
import type { EventStore, RecordedEvent } from './event-store.port.js';

/**
 * What verification reads of an event: all of it but the store's own recordedAt, which no hash covers.
 * The metadata is whatever was read back; nothing in it is trusted before it is checked.
 */
export interface VerifiableEvent {
  position: number;
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export type LogProblemKind =
  /** Positions went down or repeated. */
  | 'position-order'
  /** A position was skipped: an event was removed (only where positions are contiguous, as in SQLite). */
  | 'position-gap'
  /** A revision was skipped or repeated, or a stream does not start at 0. */
  | 'revision-gap'
  /** No `metadata.hash`, or not a SHA-256. */
  | 'hash-missing'
  /** The content no longer hashes to `metadata.hash`: the event was changed after it was written. */
  | 'hash-mismatch'
  /** `metadata.previousHash` is not the hash of the stream's previous event. */
  | 'previous-hash'
  /** The embedded store's global chain value is missing or does not follow from the row before. */
  | 'chain'
  /** The stored event cannot be read at all (invalid JSON, a value of the wrong type). */
  | 'unreadable';

/** The first thing wrong in a log, and the event it was found at. */
export interface LogProblem {
  kind: LogProblemKind;
  position: number;
  streamName: string;
  revision: number;
  id: string;
  /** What is wrong, in words. */
  detail: string;
  /** The event and what is wrong with it, in one sentence for people. */
  message: string;
}

export interface LogVerification {
  ok: boolean;
  /** Events checked and found sound (the broken one, if any, not included). */
  events: number;
  streams: number;
  /** Position of the last sound event; 0 when there is none. */
  lastPosition: number;
  problem?: LogProblem;
}

export interface VerifyProgress {
  events: number;
  position: number;
  /** The log's last position when verification started. */
  headPosition: number;
  eventsPerSecond: number;
  secondsLeft: number | null;
}

/** `position 7 (stream participant-p-1, revision 2, event 1f...)` */
export function describeEvent(event: { position: number; streamName: string; revision: number; id: string }): string {
  return `position ${event.position} (stream ${event.streamName}, revision ${event.revision}, event ${event.id})`;
}

export function logProblem(
  kind: LogProblemKind,
  event: { position: number; streamName: string; revision: number; id: string },
  detail: string,
): LogProblem {
  const { position, streamName, revision, id } = event;
  return { kind, position, streamName, revision, id, detail, message: `Event at ${describeEvent(event)}: ${detail}` };
}

/**
 * Checks a log, event by event in log order, against the hash chains the adapters write: every event's
 * hash recomputes from its content, every `previousHash` is the hash of its stream's previous event (null
 * at revision 0), revisions run 0, 1, 2, ... in each stream, and positions strictly increase. It stops at
 * the first problem: once one link is broken, everything after it in that stream would report too, and
 * the first is the one an auditor has to look at.
 */
export class LogVerifier {
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private lastPosition: number | undefined;
  private sound = 0;
  private firstProblem: LogProblem | undefined;

  /**
   * Checks the next event; answers the problem found, if any. After a problem, nothing more is checked.
   * `alsoCheck` runs once the event passed the checks here, before it counts as sound (a store's own checks).
   */
  check(event: VerifiableEvent, alsoCheck?: (event: VerifiableEvent) => LogProblem | undefined): LogProblem | undefined {
    if (this.firstProblem) return this.firstProblem;
    const problem = this.findProblem(event) ?? alsoCheck?.(event);
    if (problem) {
      this.firstProblem = problem;
      return problem;
    }
    this.heads.set(event.streamName, { revision: event.revision, hash: event.metadata.hash as string });
    this.lastPosition = event.position;
    this.sound += 1;
    return undefined;
  }

  /** Records a problem found outside the checks above (an unreadable row, the embedded store's chain). */
  fail(problem: LogProblem): LogProblem {
    this.firstProblem ??= problem;
    return this.firstProblem;
  }

  get problem(): LogProblem | undefined {
    return this.firstProblem;
  }

  get events(): number {
    return this.sound;
  }

  get streams(): number {
    return this.heads.size;
  }

  /** Each stream's last sound event: its revision and hash (an export's header states the same). */
  streamHeads(): ReadonlyMap<string, { revision: number; hash: string }> {
    return this.heads;
  }

  result(): LogVerification {
    return {
      ok: this.firstProblem === undefined,
      events: this.sound,
      streams: this.heads.size,
      lastPosition: this.lastPosition ?? 0,
      ...(this.firstProblem ? { problem: this.firstProblem } : {}),
    };
  }

  private findProblem(event: VerifiableEvent): LogProblem | undefined {
    const { position, streamName, revision, metadata } = event;
    if (this.lastPosition !== undefined && !(position > this.lastPosition)) {
      return logProblem('position-order', event, `its position does not come after the previous event's (${this.lastPosition})`);
    }
    const head = this.heads.get(streamName);
    const expectedRevision = head ? head.revision + 1 : 0;
    if (revision !== expectedRevision) {
      return logProblem(
        'revision-gap',
        event,
        !head
          ? `the stream's first event is at revision ${revision}, not 0 (its earlier events are missing)`
          : revision > expectedRevision
            ? `revision ${revision} follows revision ${head.revision} in its stream: ` +
              `${revision - expectedRevision === 1 ? `revision ${expectedRevision} is` : `revisions ${expectedRevision} to ${revision - 1} are`} missing`
            : `revision ${revision} follows revision ${head.revision} in its stream (repeated or out of order)`,
      );
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      return logProblem('unreadable', event, 'its metadata is not an object');
    }
    const stored = metadata.hash;
    if (!isSha256Hex(stored)) {
      return logProblem(
        'hash-missing',
        event,
        stored === undefined
          ? 'it has no hash in its metadata (written before the log was hash-chained, or the hash was removed)'
          : `its metadata.hash ${JSON.stringify(stored)?.slice(0, 80)} is not a SHA-256`,
      );
    }
    let computed: string;
    try {
      computed = eventHash(event);
    } catch (error) {
      return logProblem('unreadable', event, `its content cannot be hashed (${(error as Error).message})`);
    }
    if (computed !== stored) {
      return logProblem(
        'hash-mismatch',
        event,
        `its content does not match its hash: metadata.hash is ${stored} but the content hashes to ${computed} ` +
          '(the event was changed after it was written)',
      );
    }
    const expectedPrevious = head ? head.hash : null;
    if (metadata.previousHash !== expectedPrevious) {
      return logProblem(
        'previous-hash',
        event,
        head
          ? `its previousHash ${String(metadata.previousHash)} is not the hash of revision ${head.revision} of its stream ` +
            `(${head.hash}): the stream's chain is broken here`
          : `its previousHash is ${String(metadata.previousHash)} but the first event of a stream has none (null)`,
      );
    }
    return undefined;
  }
}

export interface VerifyEventStoreOptions {
  /** Events read per request. */
  pageSize?: number;
  onProgress?: (progress: VerifyProgress) => void;
  /** How often onProgress is called while reading; it is always called once at the end. */
  progressIntervalMs?: number;
}

/**
 * Walks a store's whole log through the port (EventStoreDB's way; the embedded store has the faster
 * `verifySqliteEventLog`, which also checks its global chain).
 */
export async function verifyEventStore(store: EventStore, options: VerifyEventStoreOptions = {}): Promise<LogVerification> {
  const verifier = new LogVerifier();
  const [head] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  const progress = progressReporter(head?.position ?? 0, options);
  let last = 0;
  for await (const page of readWholeLog(store, options.pageSize)) {
    for (const event of page) {
      if (verifier.check(event)) {
        progress.done(verifier.events, event.position);
        return verifier.result();
      }
      last = event.position;
    }
    progress.tick(verifier.events, last);
  }
  progress.done(verifier.events, last);
  return verifier.result();
}

/** The whole log, forwards, a page at a time, each page after the last event of the one before (exclusive). */
export async function* readWholeLog(store: EventStore, pageSize = 1000): AsyncGenerator<RecordedEvent[]> {
  let last: number | undefined;
  for (;;) {
    const page = await store.readAll({ ...(last === undefined ? { fromPosition: 'start' } : { afterPosition: last }), maxCount: pageSize });
    if (page.length === 0) return;
    yield page;
    last = page[page.length - 1].position;
    if (page.length < pageSize) return;
  }
}

/** Throttled progress in the shape VerifyProgress describes; shared by every walk over a log. */
export function progressReporter(
  headPosition: number,
  options: { onProgress?: (progress: VerifyProgress) => void; progressIntervalMs?: number },
): { tick(events: number, position: number): void; done(events: number, position: number): void } {
  const started = performance.now();
  const interval = options.progressIntervalMs ?? 1000;
  let lastReport = started;
  const report = (events: number, position: number) => {
    const now = performance.now();
    const seconds = (now - started) / 1000;
    const eventsPerSecond = seconds > 0 ? events / seconds : 0;
    const fraction = headPosition > 0 ? Math.min(1, position / headPosition) : 1;
    const secondsLeft = fraction > 0 && seconds > 0 ? (seconds / fraction) * (1 - fraction) : null;
    lastReport = now;
    options.onProgress?.({ events, position, headPosition, eventsPerSecond, secondsLeft });
  };
  return {
    tick(events, position) {
      if (options.onProgress && performance.now() - lastReport >= interval) report(events, position);
    },
    done: report,
  };
}
