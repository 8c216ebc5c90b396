import Database from 'better-sqlite3';
import { openSqliteFile } from '@app/event-store';
import { AnswerKeysFilter } from './answer-keys.filter.js';

export interface StoredAnswer {
  requestHash: string;
  status: number;
  /**
   * The first answer, when it was small enough to keep. Without it the request runs again on a retry and,
   * having already happened, answers its first outcome from its own events.
   */
  body?: unknown;
}

export interface IdempotencyStoreOptions {
  /** How long an answer is kept (LEDGER_IDEMPOTENCY_TTL_HOURS); a key seen after that is a new request. */
  ttlHours: number;
  clock?: () => Date;
  /** Answers larger than this (as JSON) are not kept. */
  maxAnswerBytes?: number;
}

export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;
export const MAX_KEPT_ANSWER_BYTES = 64 * 1024;
const HOUR_MS = 3_600_000;

interface AnswerRow {
  keyHash: string;
  requestHash: string;
  status: number;
  /** The answer as JSON, or null when it was too large to keep. */
  body: string | null;
  createdAt: number;
}

/**
 * First answers to requests sent with an Idempotency-Key, kept beside (never inside) the event log, for a
 * limited time. Keys are stored only as their hash with the actor (see idempotencyKeyHash). This store is a
 * convenience: that a command happened only once is decided by the event log itself (AggregateStore).
 */
export class IdempotencyStore {
  private readonly statements;
  private readonly ttlMs: number;
  private readonly clock: () => Date;
  private readonly maxAnswerBytes: number;
  private readonly purgeTimer: NodeJS.Timeout;
  /** Answers saved in this turn of the event loop, written together at its end (see saveGrouped). */
  private pending = new Map<string, AnswerRow>();
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private readonly saveAll: (rows: AnswerRow[]) => void;
  /** The keys that may have an answer here, or null once another connection has written to the file. */
  private keys: AnswerKeysFilter | null;
  /** SQLite's count of other connections' commits to the file, when `keys` was last known complete. */
  private dataVersion: number;
  private versionCheckedThisTurn = false;

  private constructor(
    private readonly db: Database.Database,
    options: IdempotencyStoreOptions,
  ) {
    this.ttlMs = options.ttlHours * HOUR_MS;
    this.clock = options.clock ?? (() => new Date());
    this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_KEPT_ANSWER_BYTES;
    this.statements = {
      find: db.prepare('SELECT request_hash, status, body FROM answers WHERE key_hash = ? AND created_at > ?'),
      save: db.prepare(
        'INSERT OR REPLACE INTO answers (key_hash, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      purge: db.prepare('DELETE FROM answers WHERE created_at <= ?'),
      count: db.prepare('SELECT count(*) FROM answers').pluck(),
      keys: db.prepare('SELECT key_hash FROM answers').pluck(),
      newest: db.prepare('SELECT max(created_at) FROM answers').pluck(),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
    this.saveAll = db.transaction((rows: AnswerRow[]) => {
      for (const row of rows) this.statements.save.run(row.keyHash, row.requestHash, row.status, row.body, row.createdAt);
    });
    this.purge();
    // Read before the keys: a commit by another process in between then shows as a changed version, never as a key
    // the filter lacks while the version says it has everything.
    this.dataVersion = this.statements.dataVersion.get() as number;
    const newestKeptAt = (this.statements.newest.get() as number | null) ?? Number.NEGATIVE_INFINITY;
    // Iterated, not gathered: a day of answers can be hundreds of thousands of keys. An iterator holds the connection
    // until it is read to the end, which the filter does whenever it is told of any key.
    const count = this.statements.count.get() as number;
    const kept = count > 0 ? (this.statements.keys.iterate() as IterableIterator<string>) : [];
    this.keys = new AnswerKeysFilter(this.ttlMs, () => this.clock().getTime(), kept, count, newestKeptAt);
    // Hourly (or per TTL, when shorter): an expired answer is never replayed anyway, this bounds the file.
    this.purgeTimer = setInterval(() => this.purge(), Math.min(this.ttlMs, HOUR_MS));
    this.purgeTimer.unref();
  }

  static open(file: string, options: IdempotencyStoreOptions = { ttlHours: DEFAULT_IDEMPOTENCY_TTL_HOURS }): IdempotencyStore {
    // Creates the file (and the directory, when missing) owner-only.
    const db = openSqliteFile(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Purged answers are overwritten with zeros, not merely unlinked from the b-tree.
    db.pragma('secure_delete = ON');
    db.exec(`CREATE TABLE IF NOT EXISTS answers (
      key_hash TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT,
      created_at INTEGER NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS answers_by_age ON answers (created_at)`);
    // The first version kept raw keys and whole answers, token grants' plaintext tokens among them, forever:
    // drop it and rewrite the file so that nothing of it stays on disk. Its retries are still recognised by
    // the events themselves.
    const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idempotency'").get();
    if (legacy) {
      db.exec('DROP TABLE idempotency');
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    return new IdempotencyStore(db, options);
  }

  find(keyHash: string): StoredAnswer | undefined {
    const saving = this.pending.get(keyHash);
    if (saving) return { requestHash: saving.requestHash, status: saving.status, ...(saving.body === null ? {} : { body: JSON.parse(saving.body) }) };
    if (this.keys && !this.keys.mightHave(keyHash) && this.stillOnlyWriter()) return undefined;
    const row = this.statements.find.get(keyHash, this.clock().getTime() - this.ttlMs) as
      | { request_hash: string; status: number; body: string | null }
      | undefined;
    if (!row) return undefined;
    return { requestHash: row.request_hash, status: row.status, ...(row.body === null ? {} : { body: JSON.parse(row.body) }) };
  }

  /** Keeps the answer, or only that the request was answered when its answer is too large to keep. */
  save(keyHash: string, answer: StoredAnswer): void {
    const row = this.rowOf(keyHash, answer);
    this.keys?.add(keyHash, row.createdAt);
    this.statements.save.run(row.keyHash, row.requestHash, row.status, row.body, row.createdAt);
  }

  /**
   * Like save, but written in one transaction with every answer saved in the same turn of the event loop, and
   * resolved once that transaction is on disk: under load the answers of a burst of commands (the event store
   * acknowledges its appends in groups) cost one fsync, not one each. `find` sees an answer from the moment it
   * is handed over.
   */
  saveGrouped(keyHash: string, answer: StoredAnswer): Promise<void> {
    const row = this.rowOf(keyHash, answer);
    this.pending.set(keyHash, row);
    this.keys?.add(keyHash, row.createdAt);
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.waiting.length === 0) return;
    const rows = [...this.pending.values()];
    const waiting = this.waiting;
    this.waiting = [];
    try {
      this.saveAll(rows);
      waiting.forEach((w) => w.resolve());
    } catch (error) {
      waiting.forEach((w) => w.reject(error));
    } finally {
      for (const row of rows) if (this.pending.get(row.keyHash) === row) this.pending.delete(row.keyHash);
    }
  }

  private rowOf(keyHash: string, answer: StoredAnswer): AnswerRow {
    const json = answer.body === undefined ? null : JSON.stringify(answer.body);
    const body = json !== null && Buffer.byteLength(json) <= this.maxAnswerBytes ? json : null;
    return { keyHash, requestHash: answer.requestHash, status: answer.status, body, createdAt: this.clock().getTime() };
  }

  /**
   * The filter only knows the answers this connection wrote and found at open. The service is the file's only
   * writer; should another process ever write answers into it, every key is looked up from then on.
   */
  private stillOnlyWriter(): boolean {
    // Asked once per turn of the event loop (the pragma takes the file's read lock, ~20 µs): within a turn no other
    // answer of ours is written, and another process's commit could land just after any check anyway.
    if (this.versionCheckedThisTurn) return true;
    if (this.statements.dataVersion.get() !== this.dataVersion) {
      this.keys = null;
      return false;
    }
    this.versionCheckedThisTurn = true;
    setImmediate(() => (this.versionCheckedThisTurn = false));
    return true;
  }

  /** Removes the answers older than the TTL; answers how many. */
  purge(): number {
    return this.statements.purge.run(this.clock().getTime() - this.ttlMs).changes;
  }

  get size(): number {
    return this.statements.count.get() as number;
  }

  close(): void {
    clearInterval(this.purgeTimer);
    this.flush();
    this.db.close();
  }
}
