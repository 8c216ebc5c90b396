import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventHash, logChainHash } from '../event-hash.js';
import type { NewEvent } from '../event-store.port.js';
import { verifyEventStore, type VerifyProgress } from '../log-verifier.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { verifySqliteEventLog } from './sqlite-log-verifier.js';
import { LEDGER_APPLICATION_ID, SCHEMA_VERSION } from './sqlite-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, `${name}-${randomUUID()}.sqlite`);
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const meta = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-11-22T00:00:00.000Z' };
const event = (n: number, type = 'Counted'): NewEvent => ({ type, data: { n }, metadata: meta });

/** 5 streams, single and multi-event appends interleaved: 18 events at positions 1..18. */
async function filledStore(path: string): Promise<void> {
  const store = SqliteEventStore.open({ file: path });
  let n = 0;
  for (let round = 0; round < 2; round++) {
    for (let s = 0; s < 5; s++) {
      const events = s % 2 === 0 ? [event(n++)] : [event(n++), event(n++), event(n++)];
      await store.appendToStream(`lab-${s}`, events);
    }
  }
  await store.close();
}

/** A raw connection with the immutability triggers dropped, as someone tampering with the file would. */
function tamper(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;');
    edit(db);
  } finally {
    db.close();
  }
}

const row = (path: string, position: number) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM events WHERE position = ?').get(position) as {
      position: number;
      event_id: string;
      stream: string;
      revision: number;
      type: string;
      data: string;
      metadata: string;
      chain: string;
    };
  } finally {
    db.close();
  }
};

describe('verifySqliteEventLog', () => {
  it('passes a sound store, in pages, reporting progress, and changes nothing in the file', async () => {
    const path = file('sound');
    await filledStore(path);
    const before = digest(path);
    const progress: VerifyProgress[] = [];
    const result = verifySqliteEventLog(path, { pageSize: 7, progressIntervalMs: 0, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ ok: true, events: 18, streams: 5, lastPosition: 18, chainHead: row(path, 18).chain });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ events: 18, position: 18, headPosition: 18 });
    expect(digest(path)).toBe(before);

    // The port's walk (EventStoreDB's way) agrees on the same log.
    const store = SqliteEventStore.open({ file: path });
    await expect(verifyEventStore(store, { pageSize: 3 })).resolves.toEqual({ ok: true, events: 18, streams: 5, lastPosition: 18 });
    await store.close();
  });

  it('chains the global log: each row covers the previous row\'s chain and its own hash', async () => {
    const path = file('chain');
    await filledStore(path);
    let previous: string | null = null;
    for (let position = 1; position <= 18; position++) {
      const { chain, metadata } = row(path, position);
      expect(chain).toBe(logChainHash(previous, JSON.parse(metadata).hash));
      previous = chain;
    }
  });

  it('names the row after a deleted one as a gap in positions', async () => {
    const path = file('deleted');
    await filledStore(path);
    const next = row(path, 8);
    tamper(path, (db) => db.prepare('DELETE FROM events WHERE position = 7').run());
    const result = verifySqliteEventLog(path);
    expect(result).toMatchObject({ ok: false, events: 6, lastPosition: 6 });
    expect(result.problem).toMatchObject({ kind: 'position-gap', position: 8, streamName: next.stream, revision: next.revision, id: next.event_id });
    expect(result.problem!.message).toBe(
      `Event at position 8 (stream ${next.stream}, revision ${next.revision}, event ${next.event_id}): ` +
        'position 7 is missing before it (rows were deleted from the log)',
    );
  });

  it('names the first row when the log\'s first rows were deleted', async () => {
    const path = file('head-deleted');
    await filledStore(path);
    tamper(path, (db) => db.prepare('DELETE FROM events WHERE position <= 2').run());
    expect(verifySqliteEventLog(path).problem).toMatchObject({ kind: 'position-gap', position: 3 });
    expect(verifySqliteEventLog(path).problem!.detail).toMatch(/^positions 1 to 2 are missing/);
  });

  it.each([
    ['data', "UPDATE events SET data = '{\"n\": 1' WHERE position = 5"],
    ['metadata', "UPDATE events SET metadata = substr(metadata, 2) WHERE position = 5"],
  ])('names a row whose %s is not valid JSON, without throwing', async (what, sql) => {
    const path = file('unparseable');
    await filledStore(path);
    const target = row(path, 5);
    tamper(path, (db) => db.exec(sql));
    const result = verifySqliteEventLog(path);
    expect(result.problem).toMatchObject({ kind: 'unreadable', position: 5, streamName: target.stream, id: target.event_id });
    expect(result.problem!.detail).toMatch(new RegExp(`^its ${what} \\(.+\\) is not valid JSON$`));
  });

  it('names a row whose content was changed', async () => {
    const path = file('edited');
    await filledStore(path);
    tamper(path, (db) => db.exec(`UPDATE events SET data = '{"n":1000}' WHERE position = 12`));
    expect(verifySqliteEventLog(path).problem).toMatchObject({ kind: 'hash-mismatch', position: 12 });
  });

  it('names a row that was rewritten with a fresh hash, by its global chain value', async () => {
    const path = file('rehashed');
    await filledStore(path);
    const target = row(path, 12);
    const metadata = JSON.parse(target.metadata);
    const data = { n: 1000 };
    metadata.hash = eventHash({ streamName: target.stream, revision: target.revision, id: target.event_id, type: target.type, data, metadata });
    tamper(path, (db) =>
      db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = 12').run(JSON.stringify(data), JSON.stringify(metadata)),
    );
    expect(verifySqliteEventLog(path).problem).toMatchObject({ kind: 'chain', position: 12, streamName: target.stream });

    // Rewriting its chain value too moves the break to the next row, which still covers the old one.
    tamper(path, (db) =>
      db.prepare('UPDATE events SET chain = ? WHERE position = 12').run(logChainHash(row(path, 11).chain, metadata.hash)),
    );
    expect(verifySqliteEventLog(path).problem).toMatchObject({ position: 13 });
  });

  it('refuses a file that is not an event store, and says there is none where none is', async () => {
    const path = file('foreign');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => verifySqliteEventLog(path)).toThrow(/not a Programme Ledger event store/);
    expect(() => verifySqliteEventLog(file('absent'))).toThrow(/There is no event store at/);
  });
});

describe('the global chain and schema version 2', () => {
  it('keeps the chain right when an append in a group commit is rolled back half-way', async () => {
    const path = file('rollback');
    const store = SqliteEventStore.open({ file: path });
    await store.appendToStream('lab-0', [event(0)]);
    // Another connection makes the second event of one append fail, after its first event was inserted.
    const other = new Database(path);
    other.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.type = 'Boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const [a, failed, c] = await Promise.allSettled([
      store.appendToStream('lab-1', [event(1)]),
      store.appendToStream('lab-2', [event(2), event(3, 'Boom')]),
      store.appendToStream('lab-3', [event(4)]),
    ]);
    expect([a.status, failed.status, c.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.metrics.commits).toBe(2);
    other.exec('DROP TRIGGER boom');
    other.close();
    await store.appendToStream('lab-4', [event(5), event(6)]);
    await store.close();
    expect(verifySqliteEventLog(path)).toMatchObject({ ok: true, events: 5, streams: 4, lastPosition: 5 });
  });

  it('migrates a version 1 file on open: its old rows stay unchained and verification says so', async () => {
    const path = file('v1');
    const v1 = new Database(path);
    v1.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
    v1.pragma('journal_mode = WAL');
    v1.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
        UNIQUE (stream, revision)) STRICT;
      CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
      CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
    `);
    v1.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      randomUUID(), 'lab-old', 0, 'Counted', '{"n":0}', JSON.stringify(meta), '2025-01-01T00:00:00.000Z',
    );
    v1.pragma('user_version = 1');
    v1.close();

    // Verifying reads a version 1 file as it is, without migrating it.
    const before = digest(path);
    expect(verifySqliteEventLog(path).problem).toMatchObject({ kind: 'hash-missing', position: 1, streamName: 'lab-old' });
    expect(digest(path)).toBe(before);

    const store = SqliteEventStore.open({ file: path });
    await store.appendToStream('lab-old', [event(1)]);
    await store.appendToStream('lab-new', [event(2)]);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT position, chain IS NOT NULL FROM events ORDER BY position').raw().all()).toEqual([[1, 0], [2, 1], [3, 1]]);
    // The immutability triggers survived the migration.
    expect(() => new Database(path).prepare('DELETE FROM events').run()).toThrow(/immutable/);
    db.close();
    const result = verifySqliteEventLog(path);
    expect(result.problem).toMatchObject({ kind: 'hash-missing', position: 1 });
    expect(result.problem!.detail).toMatch(/written before the log was hash-chained/);
  });
});
