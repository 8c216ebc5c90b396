import { randomUUID } from 'node:crypto';
import {
  AppendTooLargeError,
  DuplicateEventIdError,
  eventHash,
  InvalidEventError,
  LogVerifier,
  InvalidStreamNameError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@app/event-store';

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec calls this with a factory; the
 * same assertions then hold on SQLite, on EventStoreDB over gRPC, and on a real EventStoreDB server.
 */
export interface ContractSubject {
  store: EventStore;
  /** Reopens the same storage: what was acknowledged before must be there after. */
  dispose(): Promise<void>;
}

export interface ContractOptions {
  /** False where the backend checks only ids on a retry (EventStoreDB does not compare content). */
  detectsConflictingContent: boolean;
}

export function metadata(overrides: Record<string, unknown> = {}) {
  return {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'contract-test',
    recordedAt: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

export function event(type = 'ParticipantRegistered', data: unknown = { n: 1 }, id?: string): NewEvent {
  return { id, type, data, metadata: metadata() };
}

/** Unique per test so tests can share one server without seeing each other's streams. */
export function uniqueStream(category = 'participant'): string {
  return `${category}-${randomUUID()}`;
}

async function take(iterable: AsyncIterable<RecordedEvent>, count: number, predicate = (_: RecordedEvent) => true) {
  const taken: RecordedEvent[] = [];
  for await (const recorded of iterable) {
    if (predicate(recorded)) taken.push(recorded);
    if (taken.length >= count) break;
  }
  return taken;
}

export function describeEventStoreContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: ContractOptions,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject.dispose();
    });

    describe('appending and reading a stream', () => {
      it('stores every field of an event and reads it back', async () => {
        const stream = uniqueStream();
        const id = randomUUID();
        const meta = metadata({ command: 'RegisterParticipant' });
        const data = { gender: 'woman', nested: { list: [1, 2], text: 'Malmö å ä ö' } };
        const result = await store.appendToStream(stream, [{ id, type: 'ParticipantRegistered', data, metadata: meta }], {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).toBe(0);
        expect(result.position).toBeGreaterThan(0);

        const [stored] = await store.readStream(stream);
        expect(stored).toEqual({
          id,
          streamName: stream,
          revision: 0,
          position: result.position,
          type: 'ParticipantRegistered',
          data,
          metadata: { ...meta, previousHash: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
          recordedAt: expect.any(String),
        });
        expect(Number.isNaN(Date.parse(stored.recordedAt))).toBe(false);
      });

      it('gives the events of one append consecutive revisions and increasing positions', async () => {
        const stream = uniqueStream();
        const result = await store.appendToStream(stream, [event('A'), event('B'), event('C')]);
        expect(result.nextExpectedRevision).toBe(2);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0],
          ['B', 1],
          ['C', 2],
        ]);
        expect(events[0].position).toBeLessThan(events[1].position);
        expect(events[1].position).toBeLessThan(events[2].position);
        expect(events[2].position).toBe(result.position);
      });

      it('reads forwards from a revision, backwards, and at most maxCount events', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [0, 1, 2, 3, 4].map((n) => event('Counted', { n })));
        const forwards = await store.readStream(stream, { fromRevision: 2, maxCount: 2 });
        expect(forwards.map((e) => e.revision)).toEqual([2, 3]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([4, 3, 2]);
        const backwardsFrom = await store.readStream(stream, { direction: 'backwards', fromRevision: 1 });
        expect(backwardsFrom.map((e) => e.revision)).toEqual([1, 0]);
      });

      it('throws StreamNotFoundError for a stream that has no events', async () => {
        await expect(store.readStream(uniqueStream())).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('expected revision', () => {
      it('no_stream: succeeds on a new stream, fails once it exists', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event()], { expectedRevision: 'no_stream' });
        const error = await store
          .appendToStream(stream, [event()], { expectedRevision: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ streamName: stream, expected: 'no_stream', actual: 0 });
      });

      it('stream_exists: fails on a new stream, succeeds once it exists', async () => {
        const stream = uniqueStream();
        const error = await store
          .appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        await store.appendToStream(stream, [event()]);
        await expect(store.appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })).resolves.toMatchObject(
          { nextExpectedRevision: 1 },
        );
      });

      it('an exact revision: succeeds when it matches, fails with expected and actual when stale', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event(), event()]);
        await expect(store.appendToStream(stream, [event()], { expectedRevision: 1 })).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
        const error = await store.appendToStream(stream, [event()], { expectedRevision: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ streamName: stream, expected: 1, actual: 2 });
        expect((await store.readStream(stream)).length).toBe(3);
      });

      it('any: appends whatever the stream holds', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event()], { expectedRevision: 'any' });
        await expect(store.appendToStream(stream, [event()], { expectedRevision: 'any' })).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
      });

      it('concurrent appends with the same expected revision: exactly one wins', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event()]);
        const attempts = await Promise.allSettled(
          Array.from({ length: 16 }, (_, n) => store.appendToStream(stream, [event('Raced', { n })], { expectedRevision: 0 })),
        );
        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(15);
        for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1]);
      });
    });

    describe('idempotent appends', () => {
      it('the same event ids with the same expected revision give the same answer and no duplicates', async () => {
        const stream = uniqueStream();
        const events = [event('A', { a: 1 }, randomUUID()), event('B', { b: 2 }, randomUUID())];
        const first = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
        const third = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        expect(third).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('with any, re-appending the newest events of a stream is recognised as a retry', async () => {
        const stream = uniqueStream();
        const events = [event('A', { a: 1 }, randomUUID()), event('B', { b: 2 }, randomUUID())];
        const first = await store.appendToStream(stream, events, { expectedRevision: 'any' });
        await expect(store.appendToStream(stream, events, { expectedRevision: 'any' })).resolves.toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('with any or stream_exists, a retry is the same append even after other events followed it', async () => {
        const stream = uniqueStream();
        const events = [event('A', { a: 1 }, randomUUID()), event('B', { b: 2 }, randomUUID())];
        const first = await store.appendToStream(stream, events, { expectedRevision: 'any' });
        await store.appendToStream(stream, [event('X')], { expectedRevision: 'any' });
        await expect(store.appendToStream(stream, events, { expectedRevision: 'any' })).resolves.toEqual(first);
        await expect(store.appendToStream(stream, events, { expectedRevision: 'stream_exists' })).resolves.toEqual(first);
        await expect(store.appendToStream(stream, [events[0]], { expectedRevision: 'any' })).resolves.toEqual({
          nextExpectedRevision: 0,
          position: (await store.readStream(stream))[0].position,
        });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'X']);
      });

      it('with any, an append that repeats a stored id next to new ones is refused and writes nothing', async () => {
        const stream = uniqueStream();
        const stored = event('A', { a: 1 }, randomUUID());
        await store.appendToStream(stream, [stored, event('B')], { expectedRevision: 'any' });
        await expect(
          store.appendToStream(stream, [stored, event('C', { c: 3 }, randomUUID())], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
      });

      if (options.detectsConflictingContent) {
        it('the same event id with different content is an error and writes nothing', async () => {
          const stream = uniqueStream();
          const id = randomUUID();
          await store.appendToStream(stream, [event('A', { a: 1 }, id)], { expectedRevision: 'no_stream' });
          await expect(
            store.appendToStream(stream, [event('A', { a: 2 }, id)], { expectedRevision: 'no_stream' }),
          ).rejects.toThrow(/already stored in stream .* with different content/);
          await expect(
            store.appendToStream(stream, [event('A', { a: 2 }, id)], { expectedRevision: 'any' }),
          ).rejects.toThrow(/different content/);
          expect(await store.readStream(stream)).toHaveLength(1);
        });
      }
    });

    describe('the hash chain', () => {
      const hashOf = (e: RecordedEvent) => e.metadata.hash as string;

      it('gives every event a hash that recomputes from what is read back, chained across appends', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('A', { a: 1, nested: { z: [1, 'två'], y: null } })], { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [event('B', { b: 2 }), event('C', { c: 3 }), event('D', { d: 4 })], {
          expectedRevision: 0,
        });
        await store.appendToStream(stream, [event('E', { e: 5 })], { expectedRevision: 'any' });
        await store.appendToStream(stream, [event('F', { f: 6 })], { expectedRevision: 'stream_exists' });
        const events = await store.readStream(stream);
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
        expect(events[0].metadata.previousHash).toBeNull();
        events.forEach((e, index) => {
          expect(hashOf(e)).toMatch(/^[0-9a-f]{64}$/);
          expect(eventHash(e)).toBe(hashOf(e));
          if (index > 0) expect(e.metadata.previousHash).toBe(hashOf(events[index - 1]));
        });
        expect(new Set(events.map(hashOf)).size).toBe(events.length);
        // The whole stream passes the verifier as read back from the store.
        const verifier = new LogVerifier();
        for (const e of events) expect(verifier.check(e)).toBeUndefined();
        expect(verifier.result()).toMatchObject({ ok: true, events: 6, streams: 1 });
      });

      it('overwrites a hash and previousHash the writer put in the metadata', async () => {
        const stream = uniqueStream();
        const forged = 'f'.repeat(64);
        await store.appendToStream(stream, [event('A')]);
        await store.appendToStream(stream, [
          { type: 'B', data: { b: 1 }, metadata: metadata({ hash: forged, previousHash: forged }) },
          { type: 'C', data: { c: 1 }, metadata: metadata({ hash: 'not a hash', previousHash: null }) },
        ]);
        const [a, b, c] = await store.readStream(stream);
        expect(b.metadata.hash).not.toBe(forged);
        expect(b.metadata.previousHash).toBe(hashOf(a));
        expect(c.metadata.previousHash).toBe(hashOf(b));
        for (const e of [a, b, c]) expect(eventHash(e)).toBe(hashOf(e));
      });

      it('a hash covers the content and the place of the event', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('A', { n: 1 }), event('A', { n: 1 })]);
        const [first, second] = await store.readStream(stream);
        expect(hashOf(first)).not.toBe(hashOf(second));
        expect(eventHash({ ...first, data: { n: 2 } })).not.toBe(hashOf(first));
        expect(eventHash({ ...first, revision: 1 })).not.toBe(hashOf(first));
        expect(eventHash({ ...first, streamName: uniqueStream() })).not.toBe(hashOf(first));
        expect(eventHash({ ...first, metadata: { ...first.metadata, actor: 'someone else' } })).not.toBe(hashOf(first));
        expect(eventHash({ ...second, metadata: { ...second.metadata, previousHash: null } })).not.toBe(hashOf(second));
      });

      it('keeps one chain when writers with any race for a stream', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('Start')]);
        await Promise.all(
          Array.from({ length: 8 }, (_, n) =>
            store.appendToStream(stream, [event('Raced', { n }), event('Raced', { n, second: true })], { expectedRevision: 'any' }),
          ),
        );
        const events = await store.readStream(stream);
        expect(events).toHaveLength(17);
        const verifier = new LogVerifier();
        for (const e of events) expect(verifier.check(e)).toBeUndefined();
      });

      it('answers a retried append without writing, and the chain stays whole', async () => {
        const stream = uniqueStream();
        const events = [event('A', { a: 1 }, randomUUID()), event('B', { b: 2 }, randomUUID())];
        const first = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(stream, events, { expectedRevision: 'no_stream' })).resolves.toEqual(first);
        await expect(store.appendToStream(stream, events, { expectedRevision: 'any' })).resolves.toEqual(first);
        await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
        const [a, b, c] = await store.readStream(stream);
        expect([a.type, b.type, c.type]).toEqual(['A', 'B', 'C']);
        expect(c.metadata.previousHash).toBe(hashOf(b));
        expect(eventHash(c)).toBe(hashOf(c));
      });
    });

    describe('the size of an append', () => {
      const limit = 1_048_576;

      it('refuses an append over 1 MiB (data + metadata + type, summed over its events) and writes nothing', async () => {
        const stream = uniqueStream();
        const oneBig = await store
          .appendToStream(stream, [event('Big', { text: 'x'.repeat(limit) })])
          .catch((e: unknown) => e);
        expect(oneBig).toBeInstanceOf(AppendTooLargeError);
        expect(oneBig).toMatchObject({ streamName: stream, limit });
        expect((oneBig as AppendTooLargeError).size).toBeGreaterThan(limit);
        // Many events each well below the limit, together over it.
        const parts = Array.from({ length: 11 }, (_, n) => event('Part', { n, text: 'y'.repeat(100_000) }));
        await expect(store.appendToStream(stream, parts)).rejects.toBeInstanceOf(AppendTooLargeError);
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('accepts an append just under the limit', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('Near', { text: 'z'.repeat(limit - 2048) })]);
        const [stored] = await store.readStream(stream);
        expect((stored.data as { text: string }).text).toHaveLength(limit - 2048);
      });
    });

    describe('refusals write nothing', () => {
      it.each([
        ['', /must not be empty/],
        ['x'.repeat(257), /at most 256/],
        ['participant-\u0007', /control characters/],
        ['$system', /must not start with "\$"/],
      ])('an invalid stream name %j', async (stream, message) => {
        const before = await store.readAll({ direction: 'backwards', maxCount: 1 });
        const error = await store.appendToStream(stream, [event()]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidStreamNameError);
        expect((error as Error).message).toMatch(message);
        expect(await store.readAll({ direction: 'backwards', maxCount: 1 })).toEqual(before);
      });

      it.each([
        ['no events', []],
        ['an id that is not a uuid', [{ ...event(), id: 'not-a-uuid' }]],
        ['metadata without an actor', [{ ...event(), metadata: { ...metadata(), actor: '' } }]],
        ['a $-prefixed type', [event('$metadata')]],
        ['data without a canonical JSON form (NaN)', [event('A', { n: Number.NaN })]],
      ])('an append with %s', async (_, events) => {
        const stream = uniqueStream();
        await expect(store.appendToStream(stream, events as NewEvent[])).rejects.toBeInstanceOf(InvalidEventError);
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('the global log', () => {
      it('reads in global order from a position (inclusive), backwards, and filtered', async () => {
        const category = `contract${randomUUID().replaceAll('-', '')}`;
        const a = `${category}-a`;
        const b = `${category}-b`;
        const first = await store.appendToStream(a, [event('LabOpened', { n: 0 })]);
        await store.appendToStream(b, [event('ParticipantRegistered', { n: 1 })]);
        await store.appendToStream(a, [event('LabClosed', { n: 2 })]);

        const forwards = await store.readAll({ fromPosition: first.position, maxCount: 3 });
        expect(forwards.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
        for (let i = 1; i < forwards.length; i++) expect(forwards[i].position).toBeGreaterThan(forwards[i - 1].position);

        const newest = await store.readAll({ direction: 'backwards', maxCount: 2 });
        expect(newest.map((e) => (e.data as { n: number }).n)).toEqual([2, 1]);
        const backFrom = await store.readAll({ direction: 'backwards', fromPosition: forwards[1].position, maxCount: 2 });
        expect(backFrom.map((e) => (e.data as { n: number }).n)).toEqual([1, 0]);

        const byStream = await store.readAll({
          fromPosition: first.position,
          filter: { kind: 'streamNamePrefix', prefixes: [a] },
        });
        expect(byStream.map((e) => e.type)).toEqual(['LabOpened', 'LabClosed']);

        const byType = await store.readAll({
          fromPosition: first.position,
          filter: { kind: 'eventTypePrefix', prefixes: ['Lab'] },
          maxCount: 1,
        });
        expect(byType.map((e) => e.type)).toEqual(['LabOpened']);
      });

      it('reads after a position (exclusive), forwards and backwards, filtered, and pages through without gaps', async () => {
        const category = `after${randomUUID().replaceAll('-', '')}`;
        const written: number[] = [];
        for (let n = 0; n < 7; n++) {
          const { position } = await store.appendToStream(`${category}-${n % 2}`, [event('Counted', { n })]);
          written.push(position);
          await store.appendToStream(uniqueStream('noise'), [event('Noise')]);
        }
        const n = (events: RecordedEvent[]) => events.map((e) => (e.data as { n: number }).n);
        const filter = { kind: 'streamNamePrefix' as const, prefixes: [`${category}-`] };

        expect(n(await store.readAll({ afterPosition: written[0], maxCount: 2, filter }))).toEqual([1, 2]);
        const next = await store.readAll({ afterPosition: written[0], maxCount: 1 });
        expect(next[0].position).toBeGreaterThan(written[0]);
        expect(next[0].type).toBe('Noise');
        expect(n(await store.readAll({ afterPosition: written[3], direction: 'backwards', maxCount: 2, filter }))).toEqual([2, 1]);
        expect(await store.readAll({ afterPosition: written[6], filter })).toEqual([]);
        expect(n(await store.readAll({ afterPosition: 0, maxCount: 7, filter }))).toEqual([0, 1, 2, 3, 4, 5, 6]);

        const paged: RecordedEvent[] = [];
        let page = await store.readAll({ fromPosition: written[0], maxCount: 2, filter });
        while (page.length > 0) {
          paged.push(...page);
          page = await store.readAll({ afterPosition: page[page.length - 1].position, maxCount: 2, filter });
        }
        expect(n(paged)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });

      it('never hands out system events', async () => {
        const all = await store.readAll();
        expect(all.some((e) => e.type.startsWith('$') || e.streamName.startsWith('$'))).toBe(false);
      });
    });

    describe('catch-up subscriptions', () => {
      it('replays from a checkpoint (exclusive), then follows live appends in order', async () => {
        const stream = uniqueStream('lab');
        const first = await store.appendToStream(stream, [event('Before', { n: 0 })]);
        await store.appendToStream(stream, [event('Before', { n: 1 })]);
        const subscription = store.subscribeToAll({ fromPosition: first.position });
        const received = take(subscription, 3, (e) => e.streamName === stream);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await store.appendToStream(stream, [event('Live', { n: 2 })]);
        await store.appendToStream(stream, [event('Live', { n: 3 })]);
        const events = await received;
        await subscription.close();
        expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
      });

      it('never skips an event while many writers append concurrently', async () => {
        const category = `burst${randomUUID().replaceAll('-', '')}`;
        const subscription = store.subscribeToAll({
          fromPosition: 'end',
          filter: { kind: 'streamNamePrefix', prefixes: [`${category}-`] },
        });
        const received = take(subscription, 100);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const ids = Array.from({ length: 100 }, () => randomUUID());
        await Promise.all(
          ids.map((id, n) => store.appendToStream(`${category}-${n % 10}`, [event('Burst', { n }, id)])),
        );
        const events = await received;
        await subscription.close();
        expect(new Set(events.map((e) => e.id))).toEqual(new Set(ids));
        for (let i = 1; i < events.length; i++) expect(events[i].position).toBeGreaterThan(events[i - 1].position);
      });

      it('reports checkpoints past events its filter skipped', async () => {
        const category = `quiet${randomUUID().replaceAll('-', '')}`;
        const start = await store.appendToStream(uniqueStream(), [event()]);
        await store.appendToStream(
          uniqueStream('noise'),
          Array.from({ length: 100 }, (_, n) => event('Noise', { n })),
        );
        let reached = 0;
        const checkpointPassedNoise = new Promise<void>((resolve) => {
          const subscription = store.subscribeToAll({
            fromPosition: start.position,
            filter: { kind: 'streamNamePrefix', prefixes: [`${category}-`] },
            onCheckpoint: (position) => {
              reached = Math.max(reached, position);
              // EventStoreDB checkpoints once per search window, not necessarily at the very end.
              if (position > start.position) resolve();
            },
          });
          void (async () => {
            for await (const _ of subscription) {
              // nothing matches; only checkpoints arrive
            }
          })();
          checkpointSubscriptions.push(subscription);
        });
        await checkpointPassedNoise;
        expect(reached).toBeGreaterThan(start.position);
      });

      it('hands a checkpoint to onCheckpoint only once every matching event before it was processed', async () => {
        const category = `inband${randomUUID().replaceAll('-', '')}`;
        const start = await store.appendToStream(uniqueStream(), [event()]);
        const matching: number[] = [];
        for (let batch = 0; batch < 20; batch++) {
          const { position } = await store.appendToStream(`${category}-match`, Array.from({ length: 5 }, (_, n) => event('Match', { n })));
          matching.push(...(await store.readStream(`${category}-match`, { direction: 'backwards', maxCount: 5 })).map((e) => e.position).reverse());
          expect(matching[matching.length - 1]).toBe(position);
          await store.appendToStream(uniqueStream('noise'), Array.from({ length: 5 }, (_, n) => event('Noise', { n })));
        }
        const processed = new Set<number>();
        const early: Array<{ checkpoint: number; unprocessed: number }> = [];
        let checkpoints = 0;
        let finish!: () => void;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        const finishWhenDone = () => {
          if (processed.size === matching.length && checkpoints > 0) finish();
        };
        const subscription = store.subscribeToAll({
          fromPosition: start.position,
          filter: { kind: 'streamNamePrefix', prefixes: [`${category}-match`] },
          onCheckpoint: (checkpoint) => {
            checkpoints += 1;
            const unprocessed = matching.filter((position) => position <= checkpoint && !processed.has(position)).length;
            if (unprocessed > 0) early.push({ checkpoint, unprocessed });
            finishWhenDone();
          },
        });
        const consuming = (async () => {
          for await (const recorded of subscription) {
            // A consumer slower than the network: the client decodes ahead of it into its buffer.
            for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
            processed.add(recorded.position);
            finishWhenDone();
          }
        })();
        await finished;
        await subscription.close();
        await consuming;
        expect(early).toEqual([]);
        expect([...processed].sort((a, b) => a - b)).toEqual(matching);
      });

      it('resuming from any checkpoint delivers exactly the matching events not processed when it was handed out', async () => {
        const category = `resume${randomUUID().replaceAll('-', '')}`;
        const start = await store.appendToStream(uniqueStream(), [event()]);
        // Matches between runs of noise, so that the store's scan windows end just before a matching event too.
        for (let n = 0; n < 60; n++) {
          await store.appendToStream(uniqueStream('noise'), Array.from({ length: 1 + (n % 4) }, () => event('Noise')));
          await store.appendToStream(`${category}-match`, [event('Match', { n })]);
        }
        await store.appendToStream(uniqueStream('noise'), Array.from({ length: 40 }, () => event('Noise')));
        const filter = { kind: 'streamNamePrefix' as const, prefixes: [`${category}-match`] };
        const all = (await store.readStream(`${category}-match`)).map((e) => e.id);

        // Follows until every matching event was received and, when checkpoints are asked for, one came after them.
        const follow = async (fromPosition: number, onCheckpoint?: (position: number, processed: string[]) => void) => {
          const processed: string[] = [];
          let finish!: () => void;
          const finished = new Promise<void>((resolve) => (finish = resolve));
          const subscription = store.subscribeToAll({
            fromPosition,
            filter,
            onCheckpoint: (position) => {
              onCheckpoint?.(position, [...processed]);
              if (processed.at(-1) === all.at(-1)) finish();
            },
          });
          const consuming = (async () => {
            for await (const recorded of subscription) {
              processed.push(recorded.id);
              if (!onCheckpoint && recorded.id === all.at(-1)) finish();
            }
          })();
          await finished;
          await subscription.close();
          await consuming;
          return processed;
        };
        const checkpoints: Array<{ position: number; processed: string[] }> = [];
        await follow(start.position, (position, processed) => checkpoints.push({ position, processed }));
        expect(checkpoints.length).toBeGreaterThan(0);
        for (const { position, processed } of checkpoints) {
          if (processed.at(-1) === all.at(-1)) continue;
          expect(await follow(position)).toEqual(all.slice(processed.length));
        }
      });

      it.each([31, 32, 33, 64])(
        'resuming from the last checkpoint before an event delivers that event (%i events skipped before it)',
        async (skipped) => {
          const category = `tail${randomUUID().replaceAll('-', '')}`;
          const start = await store.appendToStream(uniqueStream(), [event()]);
          await store.appendToStream(uniqueStream('noise'), Array.from({ length: skipped }, (_, n) => event('Noise', { n })));
          const filter = { kind: 'streamNamePrefix' as const, prefixes: [`${category}-`] };
          const sentinel = event('Sentinel', {}, randomUUID());
          let checkpoint: number | undefined;
          let checkpointed!: () => void;
          const firstCheckpoint = new Promise<void>((resolve) => (checkpointed = resolve));
          const first = store.subscribeToAll({
            fromPosition: start.position,
            filter,
            onCheckpoint: (position) => {
              checkpoint = position;
              checkpointed();
            },
          });
          const checkpointBeforeSentinel = (async () => {
            for await (const recorded of first) {
              // Checkpoints come in order with events: the last one before the sentinel covers only what preceded it.
              if (recorded.id === sentinel.id) return checkpoint;
            }
            return undefined;
          })();
          await firstCheckpoint;
          await store.appendToStream(`${category}-1`, [sentinel]);
          const resumeFrom = await checkpointBeforeSentinel;
          await first.close();
          expect(resumeFrom).toBeDefined();

          const later = event('Later', {}, randomUUID());
          await store.appendToStream(`${category}-2`, [later]);
          const resumed = store.subscribeToAll({ fromPosition: resumeFrom!, filter });
          // Ends at the later event whether or not the sentinel came first.
          const received: string[] = [];
          for await (const recorded of resumed) {
            received.push(recorded.id);
            if (recorded.id === later.id) break;
          }
          await resumed.close();
          expect(received).toEqual([sentinel.id, later.id]);
        },
      );

      it('a failing onCheckpoint ends the iteration with its error, never an unhandled rejection', async () => {
        const category = `failing${randomUUID().replaceAll('-', '')}`;
        const start = await store.appendToStream(uniqueStream(), [event()]);
        await store.appendToStream(uniqueStream('noise'), Array.from({ length: 100 }, (_, n) => event('Noise', { n })));
        await store.appendToStream(uniqueStream('noise'), [event('Noise')]);
        let onUnhandled!: (reason: unknown) => void;
        const unhandled = new Promise<{ unhandled: unknown }>((resolve) => (onUnhandled = (reason) => resolve({ unhandled: reason })));
        process.on('unhandledRejection', onUnhandled);
        const subscription = store.subscribeToAll({
          fromPosition: start.position,
          filter: { kind: 'streamNamePrefix', prefixes: [`${category}-`] },
          onCheckpoint: () => {
            throw new Error('the checkpoint table is read-only');
          },
        });
        try {
          const iterated = (async () => {
            for await (const _ of subscription) {
              // nothing matches
            }
            return { ended: true };
          })().catch((error: unknown) => ({ threw: error }));
          const outcome = await Promise.race([iterated, unhandled]);
          expect(outcome).toEqual({ threw: expect.objectContaining({ message: 'the checkpoint table is read-only' }) });
        } finally {
          process.off('unhandledRejection', onUnhandled);
          await subscription.close();
        }
      });

      const checkpointSubscriptions: Array<{ close(): Promise<void> }> = [];
      afterAll(async () => {
        await Promise.all(checkpointSubscriptions.map((s) => s.close()));
      });

      it('ends iteration when closed', async () => {
        const subscription = store.subscribeToAll({ fromPosition: 'end' });
        const done = (async () => {
          let count = 0;
          for await (const _ of subscription) count += 1;
          return count;
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await subscription.close();
        await expect(done).resolves.toBeGreaterThanOrEqual(0);
      });
    });
  });
}
