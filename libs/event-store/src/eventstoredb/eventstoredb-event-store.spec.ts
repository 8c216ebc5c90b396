import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { startEsdbTestServer, type EsdbTestServer, type EsdbTestServerOptions } from '../../../../test/esdb/esdb-test-server.js';
import { eventHash } from '../event-hash.js';
import {
  AccessDeniedError,
  AppendTooLargeError,
  ExplicitTransactionError,
  ImpossiblePositionError,
  StoreUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
} from '../event-store.errors.js';
import type { NewEvent, RecordedEvent, Subscription } from '../event-store.port.js';
import { LogVerifier } from '../log-verifier.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

/*
 * What only EventStoreDB does (deleted streams, secured servers, clusters, legacy transactions, server
 * bugs), against the wire-level test server, which behaves as the real server does for each of these.
 * What both stores do is in test/contract.
 */
const event = (type = 'Counted', data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-12-01T00:00:00.000Z' },
});
const uniqueStream = (category = 'participant') => `${category}-${randomUUID()}`;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

async function drain(subscription: Subscription): Promise<unknown> {
  try {
    for await (const _ of subscription) {
      // only the way it ends matters
    }
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await subscription.close();
  }
}

describe('EventStoreDbEventStore', () => {
  const opened: Array<{ server: EsdbTestServer; store: EventStoreDbEventStore; client: EventStoreDBClient }> = [];
  async function open(options: EsdbTestServerOptions = {}, maxAppendBytes?: number) {
    const server = await startEsdbTestServer({ systemEvents: true, ...options });
    const store = new EventStoreDbEventStore({ connectionString: server.connectionString, maxAppendBytes });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    opened.push({ server, store, client });
    return { server, store, client };
  }
  afterAll(async () => {
    for (const { server, store, client } of opened) {
      await store.close();
      await client.dispose();
      await server.close();
    }
  });

  describe('reading $all in pages', () => {
    it('asks the server for one page, not for the rest of the log', async () => {
      const { server, store } = await open();
      const stream = uniqueStream();
      for (let n = 0; n < 4; n++) await store.appendToStream(stream, Array.from({ length: 50 }, () => event()));
      const all = await store.readAll();
      const before = server.requests.length;
      const page = await store.readAll({ afterPosition: all[9].position, maxCount: 10 });
      expect(page.map((e) => e.position)).toEqual(all.slice(10, 20).map((e) => e.position));
      const asked = server.requests.slice(before).filter((r) => r.rpc === 'read' && r.target === 'all');
      expect(asked).toHaveLength(1);
      // The page and the event at its exclusive start, which a forward read from a position returns again.
      expect(asked[0].count).toBe(11n);
    });

    it('goes on past filtered-out events and page ends, each event once and in order, both ways', async () => {
      const { server, store } = await open();
      const wanted = uniqueStream('wanted');
      const other = uniqueStream('other');
      await store.appendToStream(wanted, [event('Counted', { n: 0 })]);
      for (let n = 0; n < 6; n++) await store.appendToStream(other, Array.from({ length: 500 }, () => event()));
      await store.appendToStream(wanted, [event('Counted', { n: 1 })]);
      for (let n = 0; n < 4; n++) await store.appendToStream(other, Array.from({ length: 500 }, () => event()));
      await store.appendToStream(wanted, [event('Counted', { n: 2 })]);

      const before = server.requests.length;
      const everything = await store.readAll();
      expect(everything).toHaveLength(5_003);
      expect(new Set(everything.map((e) => e.id)).size).toBe(5_003);
      expect(everything.every((e, i) => i === 0 || e.position > everything[i - 1].position)).toBe(true);
      expect(server.requests.slice(before).filter((r) => r.rpc === 'read' && r.target === 'all').length).toBeGreaterThan(1);

      const backwards = await store.readAll({ fromPosition: 'end', direction: 'backwards' });
      expect(backwards.map((e) => e.id)).toEqual([...everything].reverse().map((e) => e.id));

      const filtered = await store.readAll({ filter: { kind: 'streamNamePrefix', prefixes: ['wanted-'] } });
      expect(filtered.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
      const afterFirst = await store.readAll({ afterPosition: filtered[0].position, maxCount: 1, filter: { kind: 'streamNamePrefix', prefixes: ['wanted-'] } });
      expect(afterFirst.map((e) => e.data)).toEqual([{ n: 1 }]);
    });
    it('a filter that matches little costs a few calls, not one per event (the access registry finds its newest grant so)', async () => {
      const { server, store } = await open();
      const wanted = uniqueStream('wanted');
      await store.appendToStream(wanted, [event()]);
      for (let n = 0; n < 6; n++) await store.appendToStream(uniqueStream('other'), Array.from({ length: 500 }, () => event()));
      const filter = { kind: 'streamNamePrefix' as const, prefixes: ['wanted-'] };
      const calls = () => server.requests.filter((r) => r.rpc === 'read' && r.target === 'all').length;

      let before = calls();
      const newest = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1, filter });
      expect(newest.map((e) => e.streamName)).toEqual([wanted]);
      // 3,001 records read in pages of 1, 2, 4, ... is 12 calls.
      expect(calls() - before).toBeLessThanOrEqual(15);

      before = calls();
      expect(await store.readAll({ afterPosition: newest[0].position, maxCount: 1, filter })).toEqual([]);
      expect(calls() - before).toBeLessThanOrEqual(15);

      // Backwards from a position includes the event at it: looked at alone, without reading on to the next match.
      const [lastOther] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
      before = calls();
      const fromOther = await store.readAll({ fromPosition: lastOther.position, direction: 'backwards', maxCount: 1, filter });
      expect(fromOther.map((e) => e.id)).toEqual([newest[0].id]);
      expect(calls() - before).toBeLessThanOrEqual(16);
    });
  });

  describe('deleted streams', () => {
    it('a soft-deleted stream appended to again continues at the server revision, every hash true to it', async () => {
      const { store, client } = await open();
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
      await client.deleteStream(stream);
      await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);

      // The aggregate store reads "not found" and appends expecting no stream, as for a new one.
      const result = await store.appendToStream(stream, [event('D')], { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(3);
      await store.appendToStream(stream, [event('E')], { expectedRevision: 3 });
      await store.appendToStream(stream, [event('F')]);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['D', 3],
        ['E', 4],
        ['F', 5],
      ]);
      for (const e of events) expect(eventHash(e)).toBe(e.metadata.hash);
      expect(events[0].metadata.previousHash).toBeNull();
      expect(events[1].metadata.previousHash).toBe(events[0].metadata.hash);
    });

    it('the verifier shows where a stream was soft-deleted and written again', async () => {
      const { store, client } = await open();
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A'), event('B')]);
      await client.deleteStream(stream);
      await store.appendToStream(stream, [event('C')]);
      const verifier = new LogVerifier();
      const problems = (await store.readAll({ filter: { kind: 'streamNamePrefix', prefixes: [stream] } })).map((e) => verifier.check(e));
      expect(problems.slice(0, 2)).toEqual([undefined, undefined]);
      expect(problems[2]).toMatchObject({ kind: 'previous-hash', revision: 2 });
    });

    it('stream_exists on a soft-deleted stream is refused with StreamDeletedError and writes nothing', async () => {
      const { store, client, server } = await open();
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')]);
      await client.deleteStream(stream);
      const before = server.eventCount;
      expect(await failure(store.appendToStream(stream, [event('B')], { expectedRevision: 'stream_exists' }))).toBeInstanceOf(
        StreamDeletedError,
      );
      expect(server.eventCount).toBe(before);
    });

    it('a tombstoned stream refuses reads and appends with StreamDeletedError', async () => {
      const { store, client } = await open();
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')]);
      await client.tombstoneStream(stream);
      const read = await failure(store.readStream(stream));
      expect(read).toBeInstanceOf(StreamDeletedError);
      expect(read).toMatchObject({ streamName: stream });
      for (const expectedRevision of ['any', 'no_stream', 'stream_exists', 0] as const) {
        expect(await failure(store.appendToStream(stream, [event('B')], { expectedRevision }))).toBeInstanceOf(StreamDeletedError);
      }
    });
  });

  describe('a secured server', () => {
    it('refuses reading and following $all with AccessDeniedError, while streams still work', async () => {
      const { store } = await open({ secured: true });
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')]);
      expect(await store.readStream(stream)).toHaveLength(1);
      const read = await failure(store.readAll({ maxCount: 1 }));
      expect(read).toBeInstanceOf(AccessDeniedError);
      expect((read as Error).message).toMatch(/\$admins or \$ops/);
      expect(await drain(store.subscribeToAll({ fromPosition: 'start' }))).toBeInstanceOf(AccessDeniedError);
    });
  });

  describe('clusters', () => {
    it('reads that decide an append ask the leader; queries of $all may go to a follower', async () => {
      const { store, server } = await open();
      const stream = uniqueStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
      await store.appendToStream(stream, [event('C')]);
      await store.readStream(stream);
      await store.readAll({ maxCount: 5 });
      const reads = server.requests.filter((r) => r.rpc === 'read');
      const streamReads = reads.filter((r) => r.target === 'stream');
      expect(streamReads.length).toBeGreaterThanOrEqual(4);
      expect(streamReads.every((r) => r.requiresLeader)).toBe(true);
      expect(reads.filter((r) => r.target === 'all').map((r) => r.requiresLeader)).toContain(false);
    });
  });

  describe('explicit transactions (legacy TCP writers)', () => {
    it('refuses, loudly, to hand out an event whose commit and prepare positions differ', async () => {
      const { store, server } = await open();
      const stream = uniqueStream();
      await store.appendToStream(uniqueStream(), [event('Before')]);
      await server.writeExplicitTransaction(stream, [
        { type: 'Legacy', data: { n: 1 } },
        { type: 'Legacy', data: { n: 2 } },
      ]);
      const read = await failure(store.readStream(stream));
      expect(read).toBeInstanceOf(ExplicitTransactionError);
      expect((read as Error).message).toMatch(/explicit transaction/);
      expect(await failure(store.readAll())).toBeInstanceOf(ExplicitTransactionError);
      expect(await drain(store.subscribeToAll({ fromPosition: 'start' }))).toBeInstanceOf(ExplicitTransactionError);
    });
  });

  describe('checkpoints', () => {
    it("24.10.4's 2^64-1 checkpoint is an error the subscriber sees, not a crash", async () => {
      const { store } = await open({ checkpointBugAtEnd: true });
      await store.appendToStream(uniqueStream('noise'), [event('Noise')]);
      let onUnhandled!: (reason: unknown) => void;
      const unhandled = new Promise<{ unhandled: unknown }>((resolve) => (onUnhandled = (reason) => resolve({ unhandled: reason })));
      process.on('unhandledRejection', onUnhandled);
      const stored: number[] = [];
      try {
        const subscription = store.subscribeToAll({
          fromPosition: 'start',
          filter: { kind: 'streamNamePrefix', prefixes: [`nothing-${randomUUID()}`] },
          onCheckpoint: (position) => {
            stored.push(position);
          },
        });
        const outcome = await Promise.race([drain(subscription).then((threw) => ({ threw })), unhandled]);
        expect(outcome).toEqual({ threw: expect.any(ImpossiblePositionError) });
        expect(((outcome as { threw: Error }).threw).message).toMatch(/18446744073709551615.*24\.10\.5/);
        expect(stored).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });

  describe('the size of an append', () => {
    it('is refused before it is sent, even where the server would take it', async () => {
      const { store, server } = await open({ maxAppendSize: 4 * 1024 * 1024 });
      const stream = uniqueStream();
      const before = server.requests.length;
      const error = await failure(store.appendToStream(stream, [event('Big', { text: 'x'.repeat(1_100_000) })]));
      expect(error).toBeInstanceOf(AppendTooLargeError);
      // Nothing went out: no append, not even the read of the stream's head.
      expect(server.requests.slice(before)).toEqual([]);
    });

    it("a server with a smaller MaxAppendSize refuses with the port's error too", async () => {
      const { store } = await open({ maxAppendSize: 64 * 1024 });
      const error = await failure(store.appendToStream(uniqueStream(), [event('Big', { text: 'x'.repeat(100_000) })]));
      expect(error).toBeInstanceOf(AppendTooLargeError);
      expect(error).toMatchObject({ limit: 64 * 1024 });
    });

    it('is configurable: a lower limit on the adapter refuses what the server would take', async () => {
      const { store } = await open({}, 10_000);
      await store.appendToStream(uniqueStream(), [event('Small', { text: 'x'.repeat(5_000) })]);
      expect(await failure(store.appendToStream(uniqueStream(), [event('Big', { text: 'x'.repeat(10_000) })]))).toMatchObject({
        limit: 10_000,
      });
    });
  });

  describe('drops', () => {
    it('a subscription dropped by the server ends with StoreUnavailableError, before or while it is iterated', async () => {
      const { store, server } = await open();
      const notYetIterated = store.subscribeToAll({ fromPosition: 'end' });
      const iterated = store.subscribeToAll({ fromPosition: 'end' });
      const received: RecordedEvent[] = [];
      const following = (async () => {
        try {
          for await (const recorded of iterated) received.push(recorded);
          return undefined;
        } catch (error) {
          return error;
        }
      })();
      await store.appendToStream(uniqueStream(), [event('Live')]);
      await server.drop();
      expect(await following).toBeInstanceOf(StoreUnavailableError);

      expect(await drain(notYetIterated)).toBeInstanceOf(StoreUnavailableError);
      await iterated.close();
    });
  });
});
