import type Database from 'better-sqlite3';
import {
  LogVerifier,
  openSqliteFile,
  readWholeLog,
  type EventMetadata,
  type EventStore,
  type LogProblem,
  type NewEvent,
} from '@app/event-store';

/** One row of the embedded store's log, as `sqlite-log-verifier.ts` reads it. */
interface SourceEvent {
  position: number;
  id: string;
  streamName: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface MigrationProgress {
  /** Source position reached, and the source's last position when the migration started. */
  position: number;
  headPosition: number;
  copied: number;
  eventsPerSecond: number;
}

export interface MigrationOptions {
  /** The most events one append carries (a run of one stream's consecutive events goes in one append). */
  maxEventsPerAppend?: number;
  /** The target's MaxAppendSize, in the adapter's measure; a run is cut before it. */
  maxAppendBytes?: number;
  onProgress?: (progress: MigrationProgress) => void;
  progressIntervalMs?: number;
  /** Test-only pause after each append (see test-pause.ts). */
  pauseAfterAppend?: () => Promise<void>;
}

export interface MigrationResult {
  /** Events appended by this run. */
  copied: number;
  /** Events the target already held when this run started (an earlier, interrupted run copied them). */
  alreadyThere: number;
  /** Events and streams in the source, as far as this run read it; the target holds the same. */
  events: number;
  streams: number;
  /** The source's last position copied. */
  sourceHead: number;
  /**
   * Whether the source was locked for the whole run: no service had it open, so nothing can follow what was
   * copied, and the migration is finished. Otherwise the service kept writing; a later run copies the rest.
   */
  finished: boolean;
}

export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
}

const PAGE = 2_000;

/**
 * Copies the embedded store's log to another store, in log order, one stream run at a time, each event with
 * its id, type, data and metadata. The target computes each event's hash chain link on append from exactly
 * what the source hashed (stream, revision, id, type, data, metadata) and the previous event of the stream,
 * which it holds too, so every hash comes out the same; the final check proves it.
 *
 * Where to resume is read from the target itself: it is always a prefix of the source log (appends go one
 * after the other, in log order), so its last event names the source position to continue after. Every
 * append states the exact revision the stream must be at and carries the source's event ids, so an append
 * repeated after an interruption (written, but not acknowledged) is recognised by the target as the same
 * append and writes nothing: no event is ever written twice.
 */
export async function migrateLog(sourceFile: string, target: EventStore, options: MigrationOptions = {}): Promise<MigrationResult> {
  const { db, finished } = openSource(sourceFile);
  try {
    const resumeAfter = await resumePosition(db, target);
    const headPosition = db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck().get() as number;
    const page = db
      .prepare('SELECT position, event_id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?')
      .raw();
    const verifier = new LogVerifier();
    const maxEvents = options.maxEventsPerAppend ?? 100;
    const maxBytes = options.maxAppendBytes ?? 1_048_576;
    const started = performance.now();
    let lastReport = started;
    let copied = 0;
    let alreadyThere = 0;
    let position = 0;
    let run: SourceEvent[] = [];
    let runBytes = 0;

    const flush = async () => {
      if (run.length === 0) return;
      const [first] = run;
      const last = run[run.length - 1];
      const events: NewEvent[] = run.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
      const result = await target.appendToStream(first.streamName, events, {
        expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1,
      });
      if (result.nextExpectedRevision !== last.revision) {
        throw new Error(`the target put ${first.streamName} revision ${last.revision} at revision ${result.nextExpectedRevision}`);
      }
      copied += run.length;
      run = [];
      runBytes = 0;
      await options.pauseAfterAppend?.();
      const now = performance.now();
      if (options.onProgress && now - lastReport >= (options.progressIntervalMs ?? 1000)) {
        lastReport = now;
        options.onProgress({ position, headPosition, copied, eventsPerSecond: copied / ((now - started) / 1000) });
      }
    };

    for (;;) {
      const rows = page.all(position, PAGE) as unknown[][];
      for (const row of rows) {
        const event = sourceEvent(row);
        const problem = verifier.check(event);
        if (problem) throw new MigrationRefused(sourceProblem(problem));
        position = event.position;
        if (event.position <= resumeAfter) {
          alreadyThere += 1;
          continue;
        }
        // What the adapters count against the append limit, roughly: enough to keep a run well inside it.
        const bytes = JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + event.type.length * 2;
        const last = run[run.length - 1];
        if (last && (last.streamName !== event.streamName || run.length >= maxEvents || runBytes + bytes > maxBytes / 2)) await flush();
        run.push(event);
        runBytes += bytes;
      }
      if (rows.length < PAGE) break;
    }
    await flush();
    options.onProgress?.({ position, headPosition, copied, eventsPerSecond: copied / Math.max((performance.now() - started) / 1000, 0.001) });

    await assertSameLog(verifier, target);
    return { copied, alreadyThere, events: verifier.events, streams: verifier.streams, sourceHead: position, finished };
  } finally {
    db.close();
  }
}

/**
 * The source, locked when no one else has it open: SQLite's exclusive locking mode is only granted when no
 * other connection (the service) holds the file, and then keeps the service from opening it until the
 * migration ends, so what was copied is the whole log. When the service runs, the log is read as it grows.
 */
function openSource(file: string): { db: Database.Database; finished: boolean } {
  const db = openSqliteFile(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    assertEventLog(db, file);
    return { db, finished: true };
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  }
  const reader = openSqliteFile(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  assertEventLog(reader, file);
  return { db: reader, finished: false };
}

function assertEventLog(db: Database.Database, file: string): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('events') as string[];
  if (!['position', 'event_id', 'stream', 'revision', 'type', 'data', 'metadata'].every((column) => columns.includes(column))) {
    throw new MigrationRefused(`${file} is not a Programme Ledger event store`);
  }
}

/** The source position after which the target has nothing yet; refuses a target holding anything else. */
async function resumePosition(db: Database.Database, target: EventStore): Promise<number> {
  const [last] = await target.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
  if (!last) return 0;
  const row = db.prepare('SELECT position, event_id FROM events WHERE stream = ? AND revision = ?').raw().get(last.streamName, last.revision) as
    | [number, string]
    | undefined;
  if (!row || row[1].toLowerCase() !== last.id.toLowerCase()) {
    throw new MigrationRefused(
      `The target already holds events that are not from this log (its last event, ${last.id} at ${last.streamName} ` +
        `revision ${last.revision}, is not in it); migrate into an empty EventStoreDB`,
    );
  }
  return row[0];
}

/** After copying: the target holds as many events and streams, every chain verifies, and every stream ends in the same hash. */
async function assertSameLog(source: LogVerifier, target: EventStore): Promise<void> {
  const verifier = new LogVerifier();
  for await (const page of readWholeLog(target)) {
    for (const event of page) {
      const problem = verifier.check(event);
      if (problem) throw new Error(`the log on the target does not verify: ${problem.message}`);
    }
  }
  if (verifier.events !== source.events || verifier.streams !== source.streams) {
    throw new Error(
      `the target holds ${verifier.events} events in ${verifier.streams} streams, the source ${source.events} in ${source.streams}`,
    );
  }
  const targetHeads = verifier.streamHeads();
  for (const [stream, head] of source.streamHeads()) {
    const other = targetHeads.get(stream);
    if (!other || other.revision !== head.revision || other.hash !== head.hash) {
      throw new Error(
        `stream ${stream} ends at revision ${head.revision} with hash ${head.hash} in the source, but at ` +
          `${other ? `revision ${other.revision} with hash ${other.hash}` : 'nothing'} on the target`,
      );
    }
  }
}

function sourceEvent(row: unknown[]): SourceEvent {
  const [position, id, streamName, revision, type, data, metadata] = row as [number, string, string, number, string, string, string];
  return { position, id, streamName, revision, type, data: JSON.parse(data), metadata: JSON.parse(metadata) as EventMetadata };
}

function sourceProblem(problem: LogProblem): string {
  return `The embedded log does not verify, so it is not copied past it: ${problem.message} (run "ledger verify")`;
}
