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
   * durable write for all of them instead of one each. Those who already have a key keep it.
   */
  createKeys(keyIds: readonly string[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const keyId of keyIds) {
        if (this.statements.get.get(keyId) === undefined) this.statements.insert.run(keyId, randomBytes(32), now);
      }
    })();
  }

  /** Encrypts with the person's key, creating the key when the person has none yet. */
  seal(keyId: string, data: PersonalData): { sealed: SealedPersonalData; createdKey: boolean } {
    let key = this.statements.get.get(keyId) as Buffer | undefined;
    const createdKey = key === undefined;
    if (!key) {
      key = randomBytes(32);
      this.statements.insert.run(keyId, key, new Date().toISOString());
    }
    return { sealed: encrypt(keyId, key, data), createdKey };
  }

  /**
   * Free text about a person (a reason for a correction or an erasure), sealed with that person's key so that
   * erasure shreds it too; undefined when the person has no key (erased): then the text is not kept at all.
   */
  sealText(keyId: string, text: string): SealedPersonalData | undefined {
    const key = this.statements.get.get(keyId) as Buffer | undefined;
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
    const key = this.statements.get.get(sealed.keyId) as Buffer | undefined;
    if (!key) return undefined;
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8'));
  }

  /** Destroys the key, and pushes the deletion through the WAL so no copy of it stays on disk. */
  destroy(keyId: string): void {
    this.statements.delete.run(keyId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  hasKey(keyId: string): boolean {
    return this.statements.get.get(keyId) !== undefined;
  }

  close(): void {
    this.db.close();
  }
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
