import type Database from 'better-sqlite3';
import { logChainHash } from '../event-hash.js';
import { StoreUnavailableError } from '../event-store.errors.js';
import type { EventMetadata } from '../event-store.port.js';
import {
  LogVerifier,
  logProblem,
  progressReporter,
  type LogVerification,
  type VerifyEventStoreOptions,
} from '../log-verifier.js';
import { openStoreReadOnly } from './sqlite-schema.js';

export interface SqliteLogVerification extends LogVerification {
  /**
   * The global chain value of the last sound row. Kept somewhere else (a report, a ticket, an e-mail to the
   * funder), it pins the whole log as it stands: rewriting any event, even with every hash recomputed,
   * changes it.
   */
  chainHead: string | null;
}

type RawRow = [
  position: number,
  eventId: unknown,
  stream: unknown,
  revision: unknown,
  type: unknown,
  data: unknown,
  metadata: unknown,
  chain: unknown,
];

/**
 * Verifies the embedded store's file, read-only: everything `LogVerifier` checks, plus what only this store
 * has: positions that run 1, 2, 3, ... without a gap (SQLite hands out the next rowid, so a gap is a
 * deleted row) and the global chain column. It reads raw rows a page at a time and never builds more of an
 * event than the checks need, so a million events take seconds. A row that cannot be parsed is reported as
 * the broken event it is, never thrown.
 */
export function verifySqliteEventLog(file: string, options: VerifyEventStoreOptions = {}): SqliteLogVerification {
  const db = openStoreReadOnly(file);
  try {
    return verifyRows(db, options);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`The event store ${file} could not be read to the end: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
}

function verifyRows(db: Database.Database, options: VerifyEventStoreOptions): SqliteLogVerification {
  const pageSize = options.pageSize ?? 5000;
  const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('events') as string[]);
  // A version 1 file that no writer has opened since the upgrade has no chain column yet.
  const chainColumn = columns.includes('chain') ? 'chain' : 'NULL';
  const page = db
    .prepare(
      `SELECT position, event_id, stream, revision, type, data, metadata, ${chainColumn} FROM events
       WHERE position > ? ORDER BY position LIMIT ?`,
    )
    .raw();
  const headPosition = db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck().get() as number;
  const progress = progressReporter(headPosition, options);
  const verifier = new LogVerifier();
  let lastPosition = 0;
  let chainHead: string | null = null;

  const finish = (): SqliteLogVerification => {
    progress.done(verifier.events, lastPosition);
    return { ...verifier.result(), chainHead };
  };

  for (;;) {
    const rows = page.all(lastPosition, pageSize) as RawRow[];
    for (const row of rows) {
      const [position, eventId, stream, revision, type, dataText, metadataText, chain] = row;
      const where = {
        position,
        streamName: String(stream),
        revision: typeof revision === 'number' ? revision : Number.NaN,
        id: String(eventId),
      };
      if (position !== lastPosition + 1) {
        const missing = position - lastPosition - 1;
        verifier.fail(
          logProblem(
            'position-gap',
            where,
            `${missing === 1 ? `position ${lastPosition + 1} is` : `positions ${lastPosition + 1} to ${position - 1} are`} ` +
              'missing before it (rows were deleted from the log)',
          ),
        );
        return finish();
      }
      if (
        typeof eventId !== 'string' ||
        typeof stream !== 'string' ||
        !Number.isSafeInteger(revision) ||
        typeof type !== 'string' ||
        typeof dataText !== 'string' ||
        typeof metadataText !== 'string'
      ) {
        verifier.fail(logProblem('unreadable', where, 'a column holds a value of the wrong type'));
        return finish();
      }
      const data = parse(dataText);
      const metadata = parse(metadataText);
      if (data instanceof ParseFailure || metadata instanceof ParseFailure) {
        const what = data instanceof ParseFailure ? `data (${data.message})` : `metadata (${(metadata as ParseFailure).message})`;
        verifier.fail(logProblem('unreadable', where, `its ${what} is not valid JSON`));
        return finish();
      }
      const event = { position, streamName: stream, revision: revision as number, id: eventId, type, data, metadata: metadata as EventMetadata };
      const chainProblem = () => {
        if (typeof chain !== 'string') {
          return logProblem(
            'chain',
            where,
            chain === null ? 'it has no global chain value (written before event store schema version 2)' : 'its global chain value is not text',
          );
        }
        const expected = logChainHash(chainHead, event.metadata.hash as string);
        if (chain === expected) return undefined;
        return logProblem(
          'chain',
          where,
          `its global chain value ${chain} does not follow from the row before it (expected ${expected}): rows were ` +
            'inserted, removed or reordered before it, or the chain column was edited',
        );
      };
      if (verifier.check(event, chainProblem)) return finish();
      chainHead = chain as string;
      lastPosition = position;
    }
    progress.tick(verifier.events, lastPosition);
    if (rows.length < pageSize) return finish();
  }
}

class ParseFailure {
  constructor(readonly message: string) {}
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return new ParseFailure((error as Error).message);
  }
}
