import type { RecordedEvent } from '@app/event-store';
import type { Decider, DomainEvent } from './decider.js';

/**
 * A stream folded up to a revision: the state its decider gives, and where each command that carried an
 * Idempotency-Key left its last event. The key lookup is what lets a retry answer its first outcome without the
 * stream being read again from the start.
 */
export interface FoldedStream<State> {
  state: State;
  /** Revision of the last event folded; undefined when the stream does not exist. */
  revision: number | undefined;
  /** `outcomeKey(command, key hash)` to the revision of the last event that command appended under that key. */
  outcomes: ReadonlyMap<string, number>;
}

type Evolving<State, Event> = Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>;

export function outcomeKey(command: string, idempotencyKey: string): string {
  return `${command} ${idempotencyKey}`;
}

export function unfolded<State, Event>(decider: Evolving<State, Event>): FoldedStream<State> {
  return { state: decider.initialState(), revision: undefined, outcomes: new Map() };
}

/**
 * Folds the events that follow `from` onto it. The outcome index is shared with `from` and only ever learns
 * facts the stream holds, so an earlier fold that sees a later command's outcome answers a retry of that
 * command just as reading the stream afresh would.
 */
export function foldOnto<State, Event extends DomainEvent>(
  decider: Evolving<State, Event>,
  from: FoldedStream<State>,
  recorded: readonly Pick<RecordedEvent, 'type' | 'data' | 'metadata' | 'revision'>[],
): FoldedStream<State> {
  if (recorded.length === 0) return from;
  const outcomes = from.outcomes as Map<string, number>;
  let state = from.state;
  for (const event of recorded) {
    state = decider.evolve(state, { type: event.type, data: event.data } as Event);
    const { idempotencyKey, command } = event.metadata;
    if (typeof idempotencyKey === 'string' && typeof command === 'string') outcomes.set(outcomeKey(command, idempotencyKey), event.revision);
  }
  return { state, revision: recorded[recorded.length - 1].revision, outcomes };
}

export interface FoldedStreamsOptions {
  /** Streams shorter than this are not kept. */
  minEvents: number;
  /** How many folded events may be kept in all; the least recently used streams go first. */
  maxEvents: number;
  /** How many streams may be kept in all, however short: each costs its state and index beyond its events. */
  maxStreams: number;
}

/**
 * Every stream is kept, short ones too: a command reads its own stream and those of the facts it checks (the
 * participant, the project, the activity), and reading on from a kept revision (usually nothing new) costs less
 * than reading and parsing a short stream whole. About 400 bytes a kept attendance event (40 MB for the event
 * budget); the service-load bench measured some 35 MB more resident memory with about 4,000 short streams kept
 * (a participant's state holds its sealed person), so the stream budget adds at most about 90 MB.
 */
export const DEFAULT_FOLDED_STREAMS: FoldedStreamsOptions = { minEvents: 1, maxEvents: 100_000, maxStreams: 10_000 };

/**
 * Streams kept folded in memory, so that a command reads only the events appended since (usually none) instead
 * of the whole stream: a series of 20,000 attendances no longer costs a read of 20,000 events per write, and a
 * project's facts are not parsed again for every attendance in it. Nothing here is ever trusted over the store:
 * every use reads on from the kept revision (another process, the CLI or a second service, may have appended),
 * and the append still expects exactly the revision decided on, so a stale entry costs a lost race, never a
 * wrong decision. A kept state is shared by every command that reads the stream, which is sound because evolve
 * never changes the state it is given (every decider here returns a new one). Kept in memory only, rebuilt from
 * the stream after a start or an eviction; nothing is written anywhere, so nothing here outlives an erasure (and
 * a participant's stream holds sealed data only).
 */
export class FoldedStreams {
  private readonly kept = new Map<string, { decider: object; folded: FoldedStream<unknown>; events: number }>();
  private held = 0;

  constructor(private readonly options: FoldedStreamsOptions = DEFAULT_FOLDED_STREAMS) {}

  /** The stream as last folded by this decider, if kept. */
  get<State>(decider: object, streamName: string): FoldedStream<State> | undefined {
    const entry = this.kept.get(streamName);
    if (!entry || entry.decider !== decider) return undefined;
    // Map order is insertion order: moving the entry to the end keeps the least recently used first.
    this.kept.delete(streamName);
    this.kept.set(streamName, entry);
    return entry.folded as FoldedStream<State>;
  }

  /** Keeps a fold when the stream is long enough and the fold is newer than the one kept. */
  keep<State>(decider: object, streamName: string, folded: FoldedStream<State>): void {
    const events = folded.revision === undefined ? 0 : folded.revision + 1;
    const current = this.kept.get(streamName);
    if (current && current.decider === decider && (current.folded.revision ?? -1) >= (folded.revision ?? -1)) return;
    if (current) this.forget(streamName);
    if (events < this.options.minEvents || events > this.options.maxEvents) return;
    this.kept.set(streamName, { decider, folded, events });
    this.held += events;
    for (const [name] of this.kept) {
      if (this.held <= this.options.maxEvents && this.kept.size <= this.options.maxStreams) break;
      this.forget(name);
    }
  }

  forget(streamName: string): void {
    const entry = this.kept.get(streamName);
    if (!entry) return;
    this.kept.delete(streamName);
    this.held -= entry.events;
  }

  /** How many streams and events are kept (for tests and the benchmark). */
  get size(): { streams: number; events: number } {
    return { streams: this.kept.size, events: this.held };
  }
}
