import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteFile } from '@app/event-store';
import type { PersonalData, SealedPersonalData } from './participant.decider.js';

const ALGORITHM = 'aes-256-gcm';

/**
 * Per-person keys for personal data (crypto-shredding). The event log holds only ciphertext; the keys live
 * here, in their own SQLite file outside the log. Destroying a person's key erases them everywhere the
 * ciphertext went, while the events and every count built on them stay as they are.
 */
export class PersonalDataVault {
  private readonly statements;
  /**
   * Keys made during this event-loop turn, not yet on disk. They are written together in one transaction (one
   * fsync) when the turn ends; each seal resolves only once its key is durable, so no event is ever appended
   * with a key a crash could lose (a key whose event never comes is harmless).
   */
  private pending = new Map<string, PendingKey>();
  private flushScheduled = false;

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      get: db.prepare('SELECT key FROM person_keys WHERE key_id = ?').pluck(),
      insert: db.prepare('INSERT INTO person_keys (key_id, key, created_at) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM person_keys WHERE key_id = ?'),
    };
  }

  static open(file: string): PersonalDataVault {
    mkdirSync(dirname(file), { recursive: true });
    const db = openSqliteFile(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Deleted keys are overwritten with zeros, not merely unlinked from the b-tree.
    db.pragma('secure_delete = ON');
    db.exec('CREATE TABLE IF NOT EXISTS person_keys (key_id TEXT PRIMARY KEY, key BLOB NOT NULL, created_at TEXT NOT NULL) STRICT');
    return new PersonalDataVault(db);
  }

  /**
   * Creates keys for people about to be registered in bulk (a spreadsheet import), in one transaction: one
   * durable write for all of them instead of one each. Those who already have a key keep it. Keys still waiting
   * for the end of the turn are written in the same transaction, so everything known here is durable on return.
   */
  createKeys(keyIds: readonly string[]): void {
    const now = new Date().toISOString();
    for (const keyId of keyIds) {
      if (!this.pending.has(keyId) && this.statements.get.get(keyId) === undefined) {
        this.pending.set(keyId, { key: randomBytes(32), createdAt: now, waiters: [] });
      }
    }
    const failed = this.flush();
    for (const keyId of keyIds) if (failed.has(keyId)) throw failed.get(keyId);
  }

  /**
   * Encrypts with the person's key, creating the key when the person has none yet. Resolves once the key is
   * durable: keys created in the same turn share one commit.
   */
  async seal(keyId: string, data: PersonalData): Promise<{ sealed: SealedPersonalData; createdKey: boolean }> {
    const existing = this.key(keyId);
    if (existing) {
      const pending = this.pending.get(keyId);
      // Another seal of this turn made the key: this one is not its creator, but must wait for it all the same.
      if (pending) await this.durable(pending);
      return { sealed: encrypt(keyId, existing, data), createdKey: false };
    }
    const created: PendingKey = { key: randomBytes(32), createdAt: new Date().toISOString(), waiters: [] };
    this.pending.set(keyId, created);
    const sealed = encrypt(keyId, created.key, data);
    await this.durable(created);
    return { sealed, createdKey: true };
  }

  /**
   * Free text about a person (a reason for a correction or an erasure), sealed with that person's key so that
   * erasure shreds it too; undefined when the person has no key (erased): then the text is not kept at all.
   */
  sealText(keyId: string, text: string): SealedPersonalData | undefined {
    const key = this.key(keyId);
    return key ? encrypt(keyId, key, text) : undefined;
  }

  /** The person's data, or undefined once their key is destroyed. */
  unseal(sealed: SealedPersonalData): PersonalData | undefined {
    return this.decrypt(sealed) as PersonalData | undefined;
  }

  /** Text sealed by sealText, or undefined once the person's key is destroyed. */
  unsealText(sealed: SealedPersonalData): string | undefined {
    const text = this.decrypt(sealed);
    return typeof text === 'string' ? text : undefined;
  }

  private decrypt(sealed: SealedPersonalData): unknown {
    const key = this.key(sealed.keyId);
    if (!key) return undefined;
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8'));
  }

  /** Destroys the key, and pushes the deletion through the WAL so no copy of it stays on disk. */
  destroy(keyId: string): void {
    // A key still waiting for its commit is simply never written; its seal still resolves (nothing to lose).
    const pending = this.pending.get(keyId);
    if (pending) {
      this.pending.delete(keyId);
      for (const waiter of pending.waiters) waiter.resolve();
    }
    this.statements.delete.run(keyId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  hasKey(keyId: string): boolean {
    return this.key(keyId) !== undefined;
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  private key(keyId: string): Buffer | undefined {
    return this.pending.get(keyId)?.key ?? (this.statements.get.get(keyId) as Buffer | undefined);
  }

  private durable(pending: PendingKey): Promise<void> {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // setImmediate, not a microtask: requests parsed in the same turn of the loop all get to add their keys.
      setImmediate(() => this.flush());
    }
    return new Promise((resolve, reject) => pending.waiters.push({ resolve, reject }));
  }

  /** Writes every pending key in one transaction; should that fail, each alone, so one bad key fails only its own. */
  private flush(): Map<string, unknown> {
    this.flushScheduled = false;
    const failed = new Map<string, unknown>();
    if (this.pending.size === 0) return failed;
    const batch = [...this.pending];
    this.pending = new Map();
    try {
      this.db.transaction(() => {
        for (const [keyId, { key, createdAt }] of batch) this.statements.insert.run(keyId, key, createdAt);
      })();
      for (const [, { waiters }] of batch) for (const waiter of waiters) waiter.resolve();
    } catch {
      for (const [keyId, { key, createdAt, waiters }] of batch) {
        try {
          this.statements.insert.run(keyId, key, createdAt);
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          failed.set(keyId, error);
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    }
    return failed;
  }
}

interface PendingKey {
  key: Buffer;
  createdAt: string;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

function encrypt(keyId: string, key: Buffer, value: unknown): SealedPersonalData {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    keyId,
    algorithm: 'AES-256-GCM',
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}
