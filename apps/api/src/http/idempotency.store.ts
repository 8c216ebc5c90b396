import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteFile } from '@app/event-store';

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: unknown;
}

/** First answers to requests sent with an Idempotency-Key, kept beside (never inside) the event log. */
export class IdempotencyStore {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      find: db.prepare('SELECT request_hash, status, body FROM idempotency WHERE actor = ? AND key = ?'),
      save: db.prepare(
        'INSERT INTO idempotency (actor, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  static open(file: string): IdempotencyStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = openSqliteFile(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency (
      actor TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
      body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (actor, key)) STRICT`);
    return new IdempotencyStore(db);
  }

  find(actor: string, key: string): StoredAnswer | undefined {
    const row = this.statements.find.get(actor, key) as { request_hash: string; status: number; body: string } | undefined;
    return row && { requestHash: row.request_hash, status: row.status, body: JSON.parse(row.body) };
  }

  save(actor: string, key: string, answer: StoredAnswer): void {
    this.statements.save.run(actor, key, answer.requestHash, answer.status, JSON.stringify(answer.body), new Date().toISOString());
  }

  close(): void {
    this.db.close();
  }
}
