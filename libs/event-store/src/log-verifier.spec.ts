import { randomUUID } from 'node:crypto';
import { eventHash } from './event-hash.js';
import { LogVerifier, type VerifiableEvent } from './log-verifier.js';
import { chainedMetadata, chainEvents, prepareEvents } from './new-event.js';

const meta = { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' };

/** A log as an adapter would write it: streams interleaved, each chained, positions increasing by `step`. */
function log(streams: Array<[stream: string, count: number]>, step = 1): VerifiableEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  const events: VerifiableEvent[] = [];
  let position = 0;
  const remaining = new Map(streams);
  while ([...remaining.values()].some((n) => n > 0)) {
    for (const [stream, left] of remaining) {
      if (left === 0) continue;
      remaining.set(stream, left - 1);
      const head = heads.get(stream);
      const [link] = chainEvents(stream, head ? head.revision + 1 : 0, head?.hash ?? null, prepareEvents([{ type: 'Counted', data: { stream, left }, metadata: meta }]));
      position += step;
      events.push({ position, streamName: stream, revision: link.revision, id: link.event.id, type: link.event.type, data: link.event.data, metadata: chainedMetadata(link) });
      heads.set(stream, { revision: link.revision, hash: link.hash });
    }
  }
  return events;
}

function verify(events: VerifiableEvent[]) {
  const verifier = new LogVerifier();
  for (const event of events) if (verifier.check(event)) break;
  return verifier.result();
}

/** The event with its metadata replaced, and its own hash recomputed so that only the chain is wrong. */
function rehashed(event: VerifiableEvent, metadata: Record<string, unknown>): VerifiableEvent {
  const changed = { ...event, metadata: { ...metadata } };
  changed.metadata.hash = eventHash(changed);
  return changed;
}

describe('LogVerifier', () => {
  it('passes a sound log and counts its events and streams', () => {
    const events = log([['lab-1', 3], ['lab-2', 2], ['participant-1', 4]], 97);
    expect(verify(events)).toEqual({ ok: true, events: 9, streams: 3, lastPosition: events[8].position });
    expect(verify([])).toEqual({ ok: true, events: 0, streams: 0, lastPosition: 0 });
  });

  it('names an event whose content no longer matches its hash', () => {
    const events = log([['lab-1', 3], ['lab-2', 3]]);
    const target = events[3]; // lab-2, revision 1
    events[3] = { ...target, data: { ...(target.data as object), left: 99 } };
    const result = verify(events);
    expect(result.ok).toBe(false);
    expect(result.events).toBe(3);
    expect(result.problem).toMatchObject({ kind: 'hash-mismatch', position: 4, streamName: 'lab-2', revision: 1, id: target.id });
    expect(result.problem!.message).toBe(
      `Event at position 4 (stream lab-2, revision 1, event ${target.id}): its content does not match its hash: ` +
        `metadata.hash is ${target.metadata.hash} but the content hashes to ${eventHash(events[3])} (the event was changed after it was written)`,
    );
  });

  it('names an event without a hash', () => {
    const events = log([['lab-1', 2]]);
    const { hash: _, ...withoutHash } = events[1].metadata;
    events[1] = { ...events[1], metadata: withoutHash };
    expect(verify(events).problem).toMatchObject({ kind: 'hash-missing', position: 2, revision: 1 });
  });

  it('names an event whose previousHash is not its predecessor\'s hash, even when its own hash was recomputed', () => {
    const events = log([['lab-1', 4]]);
    events[2] = rehashed(events[2], { ...events[2].metadata, previousHash: events[0].metadata.hash });
    const result = verify(events);
    expect(result.problem).toMatchObject({ kind: 'previous-hash', position: 3, streamName: 'lab-1', revision: 2 });
    expect(result.problem!.detail).toContain(`is not the hash of revision 1 of its stream (${events[1].metadata.hash as string})`);
    expect(result.events).toBe(2);
  });

  it('wants previousHash null at revision 0', () => {
    const events = log([['lab-1', 1]]);
    events[0] = rehashed(events[0], { ...events[0].metadata, previousHash: 'a'.repeat(64) });
    expect(verify(events).problem).toMatchObject({ kind: 'previous-hash', revision: 0 });
  });

  it('names the event after a gap in a stream\'s revisions', () => {
    const events = log([['lab-1', 4], ['lab-2', 4]]);
    const removed = events.splice(2, 1)[0]; // lab-1 revision 1
    expect(removed).toMatchObject({ streamName: 'lab-1', revision: 1 });
    const result = verify(events);
    expect(result.problem).toMatchObject({ kind: 'revision-gap', streamName: 'lab-1', revision: 2, position: 5 });
    expect(result.problem!.detail).toBe('revision 2 follows revision 0 in its stream: revision 1 is missing');
  });

  it('names a stream that does not start at revision 0, and a repeated revision', () => {
    const events = log([['lab-1', 3]]);
    expect(verify(events.slice(1)).problem).toMatchObject({ kind: 'revision-gap', revision: 1 });
    expect(verify(events.slice(1)).problem!.detail).toMatch(/first event is at revision 1, not 0/);
    const repeated = [events[0], events[1], { ...events[1], position: 3 }];
    expect(verify(repeated).problem).toMatchObject({ kind: 'revision-gap', position: 3, revision: 1 });
  });

  it('names an event whose position does not increase', () => {
    const swapped = log([['lab-1', 2], ['lab-2', 2]]);
    swapped[2] = { ...swapped[2], position: swapped[1].position };
    expect(verify(swapped).problem).toMatchObject({ kind: 'position-order', position: swapped[1].position });
  });

  it('keeps the first problem and checks nothing after it', () => {
    const events = log([['lab-1', 3]]);
    const verifier = new LogVerifier();
    verifier.check(events[0]);
    const first = verifier.check({ ...events[1], revision: 5 });
    expect(first).toMatchObject({ kind: 'revision-gap' });
    expect(verifier.check({ ...events[2], id: randomUUID(), data: 'broken too' })).toBe(first);
    expect(verifier.result()).toMatchObject({ ok: false, events: 1, streams: 1, problem: first });
  });

  it('reports an unreadable event instead of throwing', () => {
    const events = log([['lab-1', 1]]);
    expect(verify([{ ...events[0], metadata: null as unknown as Record<string, unknown> }]).problem).toMatchObject({ kind: 'unreadable' });
    expect(verify([{ ...events[0], data: { n: Number.NaN } }]).problem).toMatchObject({ kind: 'unreadable' });
  });
});
