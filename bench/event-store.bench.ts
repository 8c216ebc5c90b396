/**
 * `npm run bench`: throughput of the embedded event store beside raw better-sqlite3 doing the same inserts
 * in the same run, on the same disk, with the same durability (WAL, synchronous=FULL) and the same settings.
 * A benchmark, not a test: it prints numbers, targets and ratios and never fails on them, because these
 * machines are noisy. Each store run is followed at once by its raw twin, so both see the same load.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, verifySqliteEventLog, type NewEvent } from '@app/event-store';

const dir = benchScratchDir('bench-');
const PAYLOAD = {
  projectId: '7d5b2a4e-3f0c-4d8e-9a1b-2c3d4e5f6a7b',
  gender: 'woman',
  role: 'creative',
  birthYear: 1987,
  organisationId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  registeredOn: '2023-10-12',
  person: { ciphertext: 'x'.repeat(120), keyId: 'k-2f9c' },
};

function newEvent(): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: 'ParticipantRegistered',
    data: PAYLOAD,
    metadata: { correlationId: id, causationId: id, actor: 'bench', recordedAt: '2026-11-22T10:00:00.000Z' },
  };
}

/**
 * `storeSizedRows`: for one informational line only, never a ratio's baseline. The store's rows are bigger
 * than these (metadata.previousHash, metadata.hash, the chain column: about 200 bytes more each); padded
 * with fixed hex (nothing hashed), raw writes as many bytes as the store, which shows how much of the gap
 * is the bytes the hash chains add rather than the work of computing them.
 */
function openRaw(name: string, storeSizedRows = false) {
  const db = new Database(join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  // The same table as the store's (see sqlite-schema.ts), so the ratio measures the store's own overhead.
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
    recorded_at TEXT NOT NULL, chain TEXT, UNIQUE (stream, revision)) STRICT`);
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map<string, number>();
  const hex = 'f'.repeat(64);
  const row = (stream: string) => {
    const event = newEvent();
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const metadata = storeSizedRows
      ? { ...event.metadata, previousHash: revision === 0 ? null : hex, hash: hex }
      : event.metadata;
    insert.run(event.id, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(metadata),
      new Date().toISOString(), storeSizedRows ? hex : null);
  };
  return { db, row };
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US').padStart(10);
/** `ratio`, when given: the median of each run's own store/raw, which a ratio of two medians could flatter. */
const results: Array<{ name: string; store: number; raw: number; ratio?: number; target?: string }> = [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Store and raw take turns, a slice at a time, so a burst of load from elsewhere hits both alike. */
const SLICES = 10;

async function oneWriter(count: number) {
  const store = SqliteEventStore.open({ file: join(dir, 'one.sqlite') });
  const raw = openRaw('one-raw');
  let revision: number | 'no_stream' = 'no_stream';
  let storeMs = 0;
  let rawMs = 0;
  for (let slice = 0; slice < SLICES; slice++) {
    let t = performance.now();
    for (let i = 0; i < count / SLICES; i++) {
      revision = (await store.appendToStream('bench-one', [newEvent()], { expectedRevision: revision })).nextExpectedRevision;
    }
    storeMs += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < count / SLICES; i++) raw.db.transaction(() => raw.row('bench-one'))();
    rawMs += performance.now() - t;
  }
  const storeRate = rate(count, storeMs);
  const rawRate = rate(count, rawMs);
  await store.close();
  raw.db.close();
  results.push({ name: 'durable appends/s, 1 writer (1 event, 1 commit each)', store: storeRate, raw: rawRate, target: '>= 0.85x raw' });
}

async function concurrentWriters(writers: number, perWriter: number, run: number) {
  const store = SqliteEventStore.open({ file: join(dir, `many-${run}.sqlite`) });
  const t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let revision: number | 'no_stream' = 'no_stream';
      for (let i = 0; i < perWriter; i++) {
        revision = (await store.appendToStream(`bench-${w}`, [newEvent()], { expectedRevision: revision }))
          .nextExpectedRevision;
      }
    }),
  );
  const storeRate = rate(writers * perWriter, performance.now() - t);
  const { commits, appends } = store.metrics;
  await store.close();
  // Raw SQLite given the same grouping the store achieved: appends/commits rows per transaction.
  const perCommit = Math.max(1, Math.round(appends / commits));
  const rawRun = (storeSizedRows: boolean) => {
    const raw = openRaw(`many-raw-${run}${storeSizedRows ? '-sized' : ''}`, storeSizedRows);
    const t2 = performance.now();
    for (let done = 0; done < writers * perWriter; done += perCommit) {
      raw.db.transaction(() => {
        for (let k = 0; k < perCommit; k++) raw.row(`bench-${(done + k) % writers}`);
      })();
    }
    const rawRate = rate(writers * perWriter, performance.now() - t2);
    raw.db.close();
    return rawRate;
  };
  return { store: storeRate, raw: rawRun(false), rawSized: rawRun(true), perCommit };
}

/** The headline figure, as the median of `runs` runs (each with its raw twin). */
async function concurrentWritersMedian(writers: number, perWriter: number, runs: number) {
  const measured = [];
  for (let run = 0; run < runs; run++) {
    const one = await concurrentWriters(writers, perWriter, run);
    console.log(
      `  ${writers} writers, run ${run + 1}: store ${one.store.toLocaleString('en-US')}/s, raw ${one.raw.toLocaleString('en-US')}/s, ` +
        `raw with store-sized rows ${one.rawSized.toLocaleString('en-US')}/s`,
    );
    measured.push(one);
  }
  results.push({
    name: `durable appends/s, ${writers} concurrent writers (medians of ${runs} runs, ~${median(measured.map((m) => m.perCommit))} per commit)`,
    store: median(measured.map((m) => m.store)),
    raw: median(measured.map((m) => m.raw)),
    ratio: median(measured.map((m) => m.store / m.raw)),
    target: '>= 40,000 and >= 0.85x raw',
  });
  results.push({
    name: `  the same, raw writing rows as big as the store's (informational, no target)`,
    store: median(measured.map((m) => m.store)),
    raw: median(measured.map((m) => m.rawSized)),
    ratio: median(measured.map((m) => m.store / m.rawSized)),
  });
}

async function batchInserts(batches: number, size: number) {
  const store = SqliteEventStore.open({ file: join(dir, 'batch.sqlite') });
  const raw = openRaw('batch-raw');
  let storeMs = 0;
  let rawMs = 0;
  let t: number;
  // Store and raw take turns, one batch each.
  for (let b = 0; b < batches; b++) {
    t = performance.now();
    await store.appendToStream(`bench-batch-${b}`, Array.from({ length: size }, newEvent), { expectedRevision: 'no_stream' });
    storeMs += performance.now() - t;
    t = performance.now();
    raw.db.transaction(() => {
      for (let k = 0; k < size; k++) raw.row(`bench-batch-${b}`);
    })();
    rawMs += performance.now() - t;
  }
  const storeRate = rate(batches * size, storeMs);
  const rawRate = rate(batches * size, rawMs);
  raw.db.close();
  results.push({ name: `batch inserts events/s (${size} events per append)`, store: storeRate, raw: rawRate, target: '>= 0.75x raw (within 1.3x)' });

  // readAll over what the batch run wrote, a page at a time, as a projection would.
  t = performance.now();
  let read = 0;
  let from = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    read += page.length;
    if (page.length < 1000) break;
    from = page[page.length - 1].position + 1;
  }
  const readRate = rate(read, performance.now() - t);
  await store.close();
  const rawDb = new Database(join(dir, 'batch.sqlite'), { readonly: true });
  const select = rawDb.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT 1000').raw();
  t = performance.now();
  let rawRead = 0;
  for (let position = 0; ; ) {
    const rows = select.all(position) as unknown[][];
    for (const r of rows) JSON.parse(r[5] as string), JSON.parse(r[6] as string);
    rawRead += rows.length;
    if (rows.length < 1000) break;
    position = (rows[rows.length - 1][0] as number) + 1;
  }
  const rawReadRate = rate(rawRead, performance.now() - t);
  rawDb.close();
  results.push({ name: 'readAll events/s (pages of 1,000, JSON parsed)', store: readRate, raw: rawReadRate, target: '>= 200,000' });

  // `ledger verify` over the same file: every hash and both chains recomputed, against the raw read above.
  t = performance.now();
  const verified = verifySqliteEventLog(join(dir, 'batch.sqlite'));
  if (!verified.ok) throw new Error(`the benchmark's own log does not verify: ${verified.problem?.message}`);
  results.push({ name: 'verify events/s (hashes, stream chains, global chain)', store: rate(verified.events, performance.now() - t), raw: rawReadRate, target: '1M in < 60 s' });
}

const quick = process.argv.includes('--quick');
console.log(`Programme Ledger event store benchmark (${quick ? 'quick' : 'full'}), data in ${dir}`);
try {
  await oneWriter(quick ? 500 : 5_000);
  await concurrentWritersMedian(64, quick ? 100 : 1_500, 3);
  await batchInserts(quick ? 50 : 300, 1_000);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('');
console.log(`${'measure'.padEnd(80)} ${'store'.padStart(10)} ${'raw'.padStart(10)}  ratio   target`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(80)} ${fmt(r.store)} ${fmt(r.raw)}  ${(r.ratio ?? r.store / r.raw).toFixed(2).padStart(5)}x  ${r.target ?? ''}`,
  );
}
