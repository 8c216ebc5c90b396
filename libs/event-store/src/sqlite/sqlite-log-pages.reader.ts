import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '../event-store.port.js';
import { ReplayedEvent } from './replayed-event.js';

export interface SqliteLogPagesOptions {
  /** The first page starts just after this position. */
  afterPosition: number;
  /** Events per page; the reader stops after the first page shorter than this (the log's end when it got there). */
  pageSize: number;
  /** Pages read and not yet taken at most: what bounds the memory the reader holds. */
  pagesAhead?: number;
  /** The event types whose metadata the pages carry (see ReplayPagesOptions.metadataOf); absent: all. */
  metadataOf?: readonly string[];
  /** Reads one event's stored metadata text: how the others' is read, when asked. Needed with metadataOf. */
  metadataAt?: (position: number) => string;
}

/** A page as the reader thread sends it: columns, the data texts joined into one JSON array. */
interface PageMessage {
  kind: 'page';
  positions: Float64Array;
  revisions: Float64Array;
  ids: string[];
  /** Each stream name and type once per page, and per event its index: fewer strings to copy, and the same string
   * objects repeated, whose hashes the rebuild's maps compute once. */
  streams: Distinct;
  types: Distinct;
  /** `[data, data, ...]`: one JSON.parse on this thread instead of one per event. */
  data: string;
  /** The metadata texts one after another, event i's from offsets[i] to offsets[i + 1]: sliced only when read. */
  metadata: PageMetadata;
  recordedAt: string[];
}

interface Distinct {
  values: string[];
  of: Uint32Array;
}

interface PageMetadata {
  text: string;
  offsets: Uint32Array;
}

type ReaderMessage = PageMessage | { kind: 'end' } | { kind: 'failed'; message: string };

/** Slots of the Int32Array over the shared buffer the two threads agree through. */
const TAKEN = 0;
const STOP = 1;

/**
 * Plain JavaScript, run with `eval`: a worker cannot load a TypeScript file (jest runs the sources), and a
 * source text runs the same from the sources and from dist/. It reads pages while the rebuild applies the
 * previous ones, and waits (Atomics.wait, no event loop needed) when it is `pagesAhead` pages ahead.
 * Turning SQLite rows into JavaScript strings, the per-event data texts into one JSON array text and the
 * metadata texts into one text happens here; the rebuild's thread then parses one text per page, takes the other
 * columns as they are, and slices an event's metadata only if a projection reads it. Measured per 112,635 events
 * on the rebuild's thread: reading rows itself ~700 ms; a page as arrays of rows ~450 ms; as columns with the data
 * joined ~300 ms; with the metadata joined too ~250 ms.
 */
const READER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
function distinct(n) {
  const index = new Map();
  const values = [];
  const of = new Uint32Array(n);
  return {
    values,
    of,
    set(i, value) {
      let k = index.get(value);
      if (k === undefined) {
        k = values.length;
        values.push(value);
        index.set(value, k);
      }
      of[i] = k;
    },
  };
}
const Database = require(workerData.betterSqlite3);
const shared = new Int32Array(workerData.shared);
const { pageSize, pagesAhead } = workerData;
// Read-only beside the store's own writer: WAL gives each page a consistent snapshot and never blocks the writer.
function read(db) {
  // Left out in SQL, the metadata of the other types costs no string on this thread and no copy to the other.
  const metadataTypes = workerData.metadataOf;
  const metadataColumn = metadataTypes === undefined
    ? 'metadata'
    : metadataTypes.length === 0 ? 'NULL' : 'CASE WHEN type IN (' + metadataTypes.map(() => '?').join(', ') + ') THEN metadata END';
  const statement = db
    .prepare('SELECT position, event_id, stream, revision, type, data, ' + metadataColumn + ', recorded_at FROM events WHERE position > ? ORDER BY position ASC LIMIT ?')
    .raw();
  // The metadata types' placeholders come first in the statement, then the position and the limit.
  const page = { all: (after, size) => statement.all(...(metadataTypes ?? []), after, size) };
  let after = workerData.afterPosition;
  let sent = 0;
  for (;;) {
    for (;;) {
      if (Atomics.load(shared, ${STOP}) !== 0) return;
      const taken = Atomics.load(shared, ${TAKEN});
      if (sent - taken < pagesAhead) break;
      Atomics.wait(shared, ${TAKEN}, taken);
    }
    const rows = page.all(after, pageSize);
    const n = rows.length;
    const positions = new Float64Array(n);
    const revisions = new Float64Array(n);
    const ids = new Array(n);
    const streams = distinct(n);
    const types = distinct(n);
    const data = new Array(n);
    const metadata = new Array(n);
    const offsets = new Uint32Array(n + 1);
    const recordedAt = new Array(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      positions[i] = row[0];
      ids[i] = row[1];
      streams.set(i, row[2]);
      revisions[i] = row[3];
      types.set(i, row[4]);
      data[i] = row[5];
      // Not carried: an empty range (a stored metadata text never is empty).
      metadata[i] = row[6] ?? '';
      offsets[i + 1] = offsets[i] + metadata[i].length;
      recordedAt[i] = row[7];
    }
    // Before the arrays are handed over (a transferred buffer reads as empty here).
    if (n > 0) after = positions[n - 1];
    parentPort.postMessage(
      {
        kind: 'page', positions, revisions, ids,
        streams: { values: streams.values, of: streams.of }, types: { values: types.values, of: types.of },
        data: '[' + data.join(',') + ']', metadata: { text: metadata.join(''), offsets }, recordedAt,
      },
      [positions.buffer, revisions.buffer, offsets.buffer, streams.of.buffer, types.of.buffer],
    );
    sent++;
    if (n < pageSize) break;
  }
  parentPort.postMessage({ kind: 'end' });
}
// better-sqlite3's own error class does not survive the trip to the other thread: its message is sent instead.
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  read(db);
} catch (error) {
  parentPort.postMessage({ kind: 'failed', message: (error && error.code ? error.code + ': ' : '') + (error && error.message ? error.message : String(error)) });
} finally {
  if (db) db.close();
}
`;

/**
 * The embedded store's log, forwards, read on a thread of its own a few pages ahead of whoever applies it
 * (a rebuild): reading and decoding rows was the largest single cost of a rebuild's thread. It opens its own
 * read-only connection to the store's file, so it needs a file (not an in-memory store).
 *
 * `next()` answers the pages in order, the same events `readAll` answers (metadata parsed when first read),
 * ending with the first page shorter than `pageSize`; after that it answers empty pages. A failure of the
 * reader thread is answered by `next()` as an error. `close()` stops the thread; call it in a `finally`.
 * It reads the file, not the store object: closing the store does not stop it (the read on the rebuild's own thread
 * did stop), so whoever stops a store stops its rebuild first, as the service's projection engine does; the
 * metadata of events a page did not carry (see metadataOf) is fetched through `metadataAt`, which fails once the
 * store is closed.
 */
export class SqliteLogPages {
  readonly #worker: Worker;
  readonly #shared: Int32Array;
  readonly #ready: PageMessage[] = [];
  #waiting: { resolve: (page: RecordedEvent[]) => void; reject: (error: Error) => void } | undefined;
  #ended = false;
  #closed = false;
  #failure: Error | undefined;
  readonly #metadataAt: ((position: number) => string) | undefined;

  constructor(file: string, options: SqliteLogPagesOptions) {
    const pagesAhead = options.pagesAhead ?? 4;
    if (options.metadataOf !== undefined && options.metadataAt === undefined) throw new RangeError('metadataOf needs metadataAt');
    this.#metadataAt = options.metadataAt;
    if (!Number.isSafeInteger(options.pageSize) || options.pageSize < 1) throw new RangeError('pageSize must be an integer >= 1');
    if (!Number.isSafeInteger(pagesAhead) || pagesAhead < 1) throw new RangeError('pagesAhead must be an integer >= 1');
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.#shared = new Int32Array(shared);
    this.#worker = new Worker(READER_SOURCE, {
      eval: true,
      workerData: {
        betterSqlite3: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        afterPosition: options.afterPosition,
        pageSize: options.pageSize,
        pagesAhead,
        metadataOf: options.metadataOf === undefined ? undefined : [...options.metadataOf],
        shared,
      },
    });
    this.#worker.on('message', (message: ReaderMessage) => {
      // Pages the thread sent before it saw the stop are not wanted.
      if (this.#closed) return;
      if (message.kind === 'failed') return this.#fail(message.message);
      if (message.kind === 'end') this.#ended = true;
      else this.#ready.push(message);
      this.#settle();
    });
    this.#worker.on('error', (error: unknown) => this.#fail((error as Error | undefined)?.message ?? String(error)));
    this.#worker.on('exit', (code) => {
      if (!this.#ended) this.#fail(`its thread stopped (exit code ${code}) before the end of the log`);
    });
  }

  next(): Promise<RecordedEvent[]> {
    if (this.#waiting) return Promise.reject(new Error('SqliteLogPages.next() called again before the previous page arrived'));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#settle();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#ended = true;
    this.#ready.length = 0;
    this.#settle();
    Atomics.store(this.#shared, STOP, 1);
    Atomics.notify(this.#shared, TAKEN);
    await this.#worker.terminate();
  }

  #settle(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    const page = this.#ready.shift();
    if (page) {
      this.#waiting = undefined;
      Atomics.add(this.#shared, TAKEN, 1);
      Atomics.notify(this.#shared, TAKEN);
      let events: RecordedEvent[];
      try {
        events = decode(page, this.#metadataAt);
      } catch (error) {
        // Every later page is refused too: answering the next one would skip this page's events without a word.
        this.#failure = new Error(
          `Reading the event log failed: the events at positions ${page.positions[0]} to ${page.positions[page.positions.length - 1]} do not decode (${(error as Error).message})`,
        );
        this.#ready.length = 0;
        waiting.reject(this.#failure);
        return;
      }
      waiting.resolve(events);
    } else if (this.#failure) {
      this.#waiting = undefined;
      waiting.reject(this.#failure);
    } else if (this.#ended) {
      this.#waiting = undefined;
      waiting.resolve([]);
    }
  }

  #fail(reason: string): void {
    // Once the log's end arrived, the thread has nothing left to lose: a later error or exit is not a failure.
    if (this.#ended) return;
    this.#failure ??= new Error(`Reading the event log failed: ${reason}`);
    // Pages already read are still good; the failure is answered once they are taken.
    this.#settle();
  }
}

function decode(page: PageMessage, metadataAt: ((position: number) => string) | undefined): RecordedEvent[] {
  const data = JSON.parse(page.data) as unknown[];
  // The data texts were joined into one array: a stored text that is not exactly one JSON value would shift every
  // later event's data onto its neighbour, which a count tells.
  if (data.length !== page.positions.length) {
    throw new Error(`${page.positions.length} events carried ${data.length} data values: a stored data text is not one JSON value`);
  }
  const events = new Array<RecordedEvent>(data.length);
  const streams = page.streams.values;
  const streamOf = page.streams.of;
  const types = page.types.values;
  const typeOf = page.types.of;
  const { text: metadataText, offsets } = page.metadata;
  for (let i = 0; i < data.length; i++) {
    events[i] = new ReplayedEvent(
      page.positions[i],
      page.ids[i],
      streams[streamOf[i]],
      page.revisions[i],
      types[typeOf[i]],
      data[i],
      page.recordedAt[i],
      metadataText,
      offsets[i],
      offsets[i + 1],
      metadataAt,
    );
  }
  return events;
}

