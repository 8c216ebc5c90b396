import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteLogPages } from './sqlite-log-pages.reader.js';
import { readPagesToEnd as readToEnd, recordedFields as fields } from '../../../../test/support/recorded-events.js';

describe('reading the embedded log on a thread of its own (SqliteLogPages)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readers: SqliteLogPages[] = [];
  const pages = (afterPosition: number, pageSize: number, pagesAhead?: number) => {
    const reader = new SqliteLogPages(join(dir, 'events.sqlite'), { afterPosition, pageSize, pagesAhead });
    readers.push(reader);
    return reader;
  };
  const append = async (from: number, count: number) => {
    for (let n = from; n < from + count; n++) {
      await store.appendToStream(`lab-${n % 4}`, [
        {
          type: n % 3 === 0 ? 'LabOpened' : 'AttendanceRecorded',
          data: { n, name: `Verkstad ${n} – åäö "citat" \\ ${'x'.repeat(n % 7)}`, nested: { list: [n, null, true, 1.5] }, empty: {} },
          metadata: { correlationId: `c-${n}`, causationId: `c-${n}`, actor: 'test', recordedAt: '2025-01-01T00:00:00.000Z' },
        },
      ]);
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-log-pages-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the events readAll answers, every field, across page boundaries', async () => {
    await append(0, 23);
    const { events, sizes } = await readToEnd(pages(0, 5), 5);
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    expect(events.map(fields)).toEqual((await store.readAll()).map(fields));
    expect(events.map((e) => e.position)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });

  it('carries the metadata of the types asked for, and reads any other event\'s when asked (metadataOf)', async () => {
    await append(0, 23);
    const asked: number[] = [];
    const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
    const metadataAt = db.prepare('SELECT metadata FROM events WHERE position = ?').pluck();
    const reader = new SqliteLogPages(join(dir, 'events.sqlite'), {
      afterPosition: 0,
      pageSize: 5,
      metadataOf: ['LabOpened'],
      metadataAt: (position) => {
        asked.push(position);
        return metadataAt.get(position) as string;
      },
    });
    readers.push(reader);
    const { events } = await readToEnd(reader, 5);
    const all = await store.readAll();
    events.forEach((event) => event.metadata);
    db.close();
    // Every field, metadata included, as readAll answers it; only the attendances' metadata was fetched one by one.
    expect(events.map(fields)).toEqual(all.map(fields));
    expect(asked).toEqual(all.filter((e) => e.type === 'AttendanceRecorded').map((e) => e.position));
    // Through the store, which fetches from its own connection.
    const { events: viaStore } = await readToEnd(store.replayPages({ afterPosition: 0, pageSize: 4, metadataOf: [] }), 4);
    expect(viaStore.map(fields)).toEqual(all.map(fields));
    expect(() => new SqliteLogPages(join(dir, 'events.sqlite'), { afterPosition: 0, pageSize: 5, metadataOf: [] })).toThrow(/metadataAt/);
  });

  it('starts just after the position it is given (a resumed rebuild)', async () => {
    await append(0, 17);
    const { events } = await readToEnd(pages(9, 4), 4);
    expect(events.map(fields)).toEqual((await store.readAll({ afterPosition: 9 })).map(fields));
    expect(events[0].position).toBe(10);
  });

  it('ends with an empty page on a log that is exactly whole pages long, and on an empty log', async () => {
    expect(await readToEnd(pages(0, 5), 5)).toEqual({ events: [], sizes: [0] });
    await append(0, 10);
    const { events, sizes } = await readToEnd(pages(0, 5), 5);
    expect(sizes).toEqual([5, 5, 0]);
    expect(events.map(fields)).toEqual((await store.readAll()).map(fields));
  });

  it('reads what is appended while it reads, up to the first short page', async () => {
    await append(0, 12);
    const reader = pages(0, 4, 1);
    const first = await reader.next();
    // The reader is at most one page ahead, so these land in pages it has not read yet.
    await append(12, 9);
    const rest = await readToEnd(reader, 4);
    const events = [...first, ...rest.events];
    expect(events).toHaveLength(21);
    expect(events.map(fields)).toEqual((await store.readAll()).map(fields));
  });

  it('answers a failure of its thread as an error naming the log, after the pages it read before', async () => {
    await append(0, 40);
    const reader = pages(0, 4, 1);
    const first = await reader.next();
    expect(first).toHaveLength(4);
    // The log becomes unreadable while the reader is held back (one page ahead): its next read fails.
    const other = new Database(join(dir, 'events.sqlite'));
    other.exec('ALTER TABLE events RENAME TO events_elsewhere');
    let error: unknown;
    try {
      for (let page = 0; page < 10; page++) await reader.next();
    } catch (caught) {
      error = caught;
    }
    other.exec('ALTER TABLE events_elsewhere RENAME TO events');
    other.close();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Reading the event log failed: .*no such table: events/);
  });

  it.each([
    ['is not JSON', '{"n": '],
    ['is two JSON values', '1,2'],
  ])('refuses a page whose stored data %s, and every page after it (none is skipped)', async (_, text) => {
    await append(0, 12);
    // Only a file edited by hand can hold this: the store's triggers refuse every UPDATE.
    const other = new Database(join(dir, 'events.sqlite'));
    other.exec('DROP TRIGGER events_are_immutable_update');
    other.prepare('UPDATE events SET data = ? WHERE position = 5').run(text);
    other.close();
    const reader = pages(0, 2, 1);
    expect((await reader.next()).map((e) => e.position)).toEqual([1, 2]);
    expect((await reader.next()).map((e) => e.position)).toEqual([3, 4]);
    await expect(reader.next()).rejects.toThrow(/^Reading the event log failed: the events at positions 5 to 6 do not decode/);
    await expect(reader.next()).rejects.toThrow(/positions 5 to 6/);
  });

  it('answers an error when the file cannot be opened', async () => {
    const reader = new SqliteLogPages(join(dir, 'absent.sqlite'), { afterPosition: 0, pageSize: 5 });
    readers.push(reader);
    await expect(reader.next()).rejects.toThrow(/^Reading the event log failed: /);
  });

  it('answers no more pages once closed before the end of the log (the thread is terminated in close)', async () => {
    await append(0, 30);
    const reader = pages(0, 3, 2);
    expect(await reader.next()).toHaveLength(3);
    await reader.close();
    expect(await reader.next()).toEqual([]);
  });
});
