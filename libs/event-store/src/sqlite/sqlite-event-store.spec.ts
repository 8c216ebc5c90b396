import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError, StreamNotFoundError } from '../event-store.errors.js';
import type { NewEvent } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { verifySqliteEventLog } from './sqlite-log-verifier.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, `${name}-${randomUUID()}.sqlite`);
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const event = (n = 0): NewEvent => ({
  type: 'Counted',
  data: { n },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-11-22T00:00:00.000Z' },
});

describe('SqliteEventStore', () => {
  describe('opening a file', () => {
    it('creates the file and its directory when absent', async () => {
      const path = join(dir, 'nested', randomUUID(), 'events.sqlite');
      const store = SqliteEventStore.open({ file: path });
      await store.appendToStream('lab-1', [event()]);
      await store.close();
      expect(existsSync(path)).toBe(true);
    });

    it('refuses a file that is not a SQLite database and leaves it untouched', () => {
      const path = file('text');
      writeFileSync(path, 'name,gender\nAnna,woman\n');
      const before = digest(path);
      expect(() => SqliteEventStore.open({ file: path })).toThrow(StoreUnavailableError);
      expect(() => SqliteEventStore.open({ file: path })).toThrow(/not a SQLite database/);
      expect(digest(path)).toBe(before);
    });

    it('refuses a SQLite database of another application and leaves it untouched', () => {
      const path = file('foreign');
      const foreign = new Database(path);
      foreign.exec('CREATE TABLE budget (line TEXT, amount REAL); INSERT INTO budget VALUES (\'fees\', 1200);');
      foreign.close();
      const before = digest(path);
      expect(() => SqliteEventStore.open({ file: path })).toThrow(/not a Programme Ledger event store/);
      expect(digest(path)).toBe(before);
      expect(existsSync(`${path}-wal`)).toBe(false);
    });

    it('refuses a corrupt store with a clear message and leaves it untouched', async () => {
      const path = file('corrupt');
      const store = SqliteEventStore.open({ file: path });
      await store.appendToStream('lab-1', Array.from({ length: 200 }, (_, n) => event(n)));
      await store.close();
      const bytes = readFileSync(path);
      bytes.fill(0xa5, 4096, bytes.length); // keep the header page, wreck every page after it
      writeFileSync(path, bytes);
      const before = digest(path);
      expect(() => SqliteEventStore.open({ file: path })).toThrow(StoreUnavailableError);
      expect(() => SqliteEventStore.open({ file: path })).toThrow(/left untouched/);
      expect(digest(path)).toBe(before);
    });

    it('reopens its own file with everything in it', async () => {
      const path = file('reopen');
      const first = SqliteEventStore.open({ file: path });
      await first.appendToStream('lab-1', [event(1), event(2)]);
      await first.close();
      const second = SqliteEventStore.open({ file: path });
      expect((await second.readStream('lab-1')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      await second.close();
    });
  });

  it('commits concurrent appends together while each gets its own answer (group commit)', async () => {
    const store = SqliteEventStore.open({ file: file('group') });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, n) => store.appendToStream(`lab-${n}`, [event(n)], { expectedRevision: 'no_stream' })),
    );
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(results.map(() => 0));
    expect(new Set(results.map((r) => r.position)).size).toBe(64);
    expect(store.metrics.appends).toBe(64);
    expect(store.metrics.commits).toBeLessThan(8);
    await store.close();
  });

  it('keeps a refused append out of a batch without failing the others', async () => {
    const store = SqliteEventStore.open({ file: file('mixed') });
    await store.appendToStream('lab-1', [event()]);
    const [ok, refused, alsoOk] = await Promise.allSettled([
      store.appendToStream('lab-2', [event()], { expectedRevision: 'no_stream' }),
      store.appendToStream('lab-1', [event()], { expectedRevision: 'no_stream' }),
      store.appendToStream('lab-3', [event()], { expectedRevision: 'no_stream' }),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    expect(alsoOk.status).toBe('fulfilled');
    expect(await store.readStream('lab-1')).toHaveLength(1);
    await store.close();
  });

  it('sees appends made by another process on the same file: revision checks and both chains stay right', async () => {
    const path = file('shared');
    const ours = SqliteEventStore.open({ file: path });
    const theirs = SqliteEventStore.open({ file: path });
    await ours.appendToStream('lab-1', [event(1)], { expectedRevision: 'no_stream' });
    await ours.appendToStream('lab-2', [event(2)], { expectedRevision: 'no_stream' });
    // Another writer moves lab-1 on behind our back.
    await theirs.appendToStream('lab-1', [event(3)], { expectedRevision: 0 });
    await expect(ours.appendToStream('lab-1', [event(4)], { expectedRevision: 0 })).rejects.toThrow(/expected/i);
    await ours.appendToStream('lab-1', [event(4), event(5)], { expectedRevision: 1 });
    await theirs.appendToStream('lab-2', [event(6)], { expectedRevision: 0 });
    expect((await ours.appendToStream('lab-2', [event(7)], { expectedRevision: 1 })).nextExpectedRevision).toBe(2);
    await ours.close();
    await theirs.close();
    const verified = verifySqliteEventLog(path);
    expect(verified.problem).toBeUndefined();
    expect(verified).toMatchObject({ ok: true, events: 7, streams: 2 });
  });

  it('keeps chaining onto what is stored when appends of one stream are refused and accepted in one batch', async () => {
    const path = file('refused-in-batch');
    const store = SqliteEventStore.open({ file: path, maxAppendBytes: 2_000 });
    await store.appendToStream('lab-1', [event(1)]);
    const big = { ...event(2), data: { text: 'x'.repeat(2_000) } };
    const settled = await Promise.allSettled([
      store.appendToStream('lab-1', [event(3), event(4)], { expectedRevision: 5 }),
      store.appendToStream('lab-1', [event(5), event(6)], { expectedRevision: 0 }),
      store.appendToStream('lab-1', [event(7), big], { expectedRevision: 2 }),
      store.appendToStream('lab-1', [event(8)], { expectedRevision: 0 }),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'rejected']);
    expect((await store.appendToStream('lab-1', [event(9)], { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
    await store.close();
    expect(verifySqliteEventLog(path)).toMatchObject({ ok: true, events: 4 });
  });

  it('tells an onCommit observer how many events each commit wrote', async () => {
    const batches: number[] = [];
    const store = SqliteEventStore.open({ file: file('observed'), onCommit: (events) => batches.push(events) });
    await Promise.all(Array.from({ length: 10 }, (_, n) => store.appendToStream(`lab-${n}`, [event(n), event(n)])));
    await store.appendToStream('lab-0', [event()], { expectedRevision: 'no_stream' }).catch(() => undefined);
    await store.close();
    expect(batches.reduce((sum, events) => sum + events, 0)).toBe(20);
    expect(batches.length).toBe(store.metrics.commits);
  });

  it('refuses to edit or delete a stored event, even through SQL', async () => {
    const path = file('immutable');
    const store = SqliteEventStore.open({ file: path });
    await store.appendToStream('lab-1', [event(1)]);
    await store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE events SET data = '{\"n\":2}'").run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/immutable/);
    db.close();
  });

  it('reads a stream from any revision, both ways, with and without a limit, and tells a missing stream apart', async () => {
    const store = SqliteEventStore.open({ file: file('reads') });
    await store.appendToStream('lab-1', Array.from({ length: 5 }, (_, n) => event(n)));
    await store.appendToStream('lab-10', [event(9)]);
    const revisions = async (options: Parameters<SqliteEventStore['readStream']>[1]) =>
      (await store.readStream('lab-1', options)).map((recorded) => (recorded.data as { n: number }).n);
    for (const fromRevision of [undefined, 0, 1, 3, 4, 5, 9]) {
      for (const maxCount of [undefined, 0, 2]) {
        const all = [0, 1, 2, 3, 4];
        const forwards = all.filter((n) => n >= (fromRevision ?? 0)).slice(0, maxCount);
        const backwards = all.reverse().filter((n) => n <= (fromRevision ?? 4)).slice(0, maxCount);
        expect(await revisions({ fromRevision, maxCount })).toEqual(forwards);
        expect(await revisions({ fromRevision, maxCount, direction: 'backwards' })).toEqual(backwards);
      }
    }
    // Read past its end, a stream that exists answers nothing; one that does not is not found, from any revision.
    for (const fromRevision of [undefined, 0, 1, 6]) {
      await expect(store.readStream('lab-2', { fromRevision })).rejects.toBeInstanceOf(StreamNotFoundError);
      await expect(store.readStream('lab-2', { fromRevision, direction: 'backwards' })).rejects.toBeInstanceOf(StreamNotFoundError);
    }
    await store.close();
  });

  it('reads the log in pages of any size both ways, beyond the page sizes it keeps a statement for', async () => {
    const store = SqliteEventStore.open({ file: file('pages') });
    for (let n = 0; n < 30; n++) await store.appendToStream(`lab-${n % 3}`, [event(n)]);
    const all = (await store.readAll()).map((e) => e.position);
    expect(all).toHaveLength(30);
    // More distinct sizes than the store keeps statements for: the later ones take the bound-LIMIT statement.
    for (let size = 0; size <= 25; size++) {
      expect((await store.readAll({ maxCount: size })).map((e) => e.position)).toEqual(all.slice(0, size));
      expect((await store.readAll({ fromPosition: all[5], maxCount: size })).map((e) => e.position)).toEqual(all.slice(5, 5 + size));
      const backwards = (await store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: size })).map((e) => e.position);
      expect(backwards).toEqual([...all].reverse().slice(0, size));
      const fromTwentieth = (await store.readAll({ direction: 'backwards', fromPosition: all[19], maxCount: size })).map((e) => e.position);
      expect(fromTwentieth).toEqual(all.slice(0, 20).reverse().slice(0, size));
    }
    await store.close();
  });

  it('answers with StoreUnavailableError once closed', async () => {
    const store = SqliteEventStore.open({ file: file('closed') });
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.appendToStream('lab-1', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  describe('reading the log through a stream-name or type filter', () => {
    // A small category is sought through the stream index, a large one (over 20,000 events) scanned: both must
    // give exactly what filtering the whole log would, in order, from any position, in either direction.
    it('answers what filtering every event would, for a few and for very many matching events', async () => {
      const store = SqliteEventStore.open({ file: file('filtered') });
      const typed = (type: string): NewEvent => ({ ...event(), type });
      for (let batch = 0; batch < 25; batch++) {
        await store.appendToStream(`big-${batch}`, Array.from({ length: 1_000 }, () => typed('Counted')));
        await store.appendToStream(`small-${batch}`, [typed('Rare')]);
        await store.appendToStream(`other-${batch}`, [typed('Counted')]);
      }
      const everything = await store.readAll({ maxCount: 100_000 });
      const expected = (prefix: string, from: number, forwards: boolean, max: number) =>
        (forwards ? everything : [...everything].reverse())
          .filter((e) => e.streamName.startsWith(prefix) && (forwards ? e.position > from : e.position < from))
          .slice(0, max)
          .map((e) => e.position);
      const middle = everything[12_000].position;
      for (const prefix of ['big-', 'small-', 'other-1']) {
        for (const [direction, from] of [['forwards', middle], ['backwards', middle]] as const) {
          const got = await store.readAll({
            filter: { kind: 'streamNamePrefix', prefixes: [prefix] },
            afterPosition: from,
            direction,
            maxCount: 5_000,
          });
          expect(got.map((e) => e.position)).toEqual(expected(prefix, from, direction === 'forwards', 5_000));
        }
      }
      const both = await store.readAll({ filter: { kind: 'streamNamePrefix', prefixes: ['small-', 'other-2'] }, maxCount: 100 });
      expect(both.map((e) => e.streamName)).toEqual(everything.filter((e) => /^(small-|other-2)/.test(e.streamName)).map((e) => e.streamName));
      const rare = await store.readAll({ filter: { kind: 'eventTypePrefix', prefixes: ['Ra'] }, maxCount: 100 });
      expect(rare.map((e) => e.streamName)).toEqual(Array.from({ length: 25 }, (_, n) => `small-${n}`));
      await store.close();
    });
  });
});

