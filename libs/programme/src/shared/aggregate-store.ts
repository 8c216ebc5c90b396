import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  StreamNotFoundError,
  WrongExpectedVersionError,
  streamName as buildStreamName,
  type EventStore,
  type NewEvent,
} from '@app/event-store';
import type { Decider, DomainEvent } from './decider.js';
import { StaleRevision } from './domain-errors.js';
import { derivedUuid, EVENT_SCHEMA_VERSION, REPLAYED, type CommandContext, type CommandResult } from './command-context.js';
import { foldOnto, FoldedStreams, outcomeKey, unfolded, type FoldedStream } from './folded-streams.js';

const MAX_ATTEMPTS = 5;

export interface Loaded<State> {
  state: State;
  /** Revision of the stream's last event; undefined when the stream does not exist. */
  revision: number | undefined;
}

/** Thrown when a command lost the race for its stream MAX_ATTEMPTS times in a row. */
export class ConcurrencyConflict extends Error {
  constructor(readonly streamName: string) {
    super(`${streamName} is being changed by others right now; try again`);
    this.name = 'ConcurrencyConflict';
  }
}

/**
 * The one place where a command meets the event store: load the stream, fold it, decide, append with the
 * revision it was decided on. A lost race is retried against the new state, unless the caller pinned the
 * revision with If-Match, in which case it is the caller's to resolve.
 */
@Injectable()
export class AggregateStore {
  /** Streams stay folded between commands: each command reads only what was appended since. */
  private readonly folded = new FoldedStreams();
  /** The last command queued on each stream that has one running (see `oneAtATime`). */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<State, Event extends DomainEvent>(
    decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
    streamName: string,
  ): Promise<Loaded<State>> {
    const { state, revision } = await this.read(decider, streamName);
    return { state, revision };
  }

  /**
   * Load, decide, append. A command sent with an Idempotency-Key that this stream already holds events of
   * (same key, same command) has already happened, whatever became of its answer: it answers that first
   * outcome and writes nothing.
   */
  async handle<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    target: { category: string; id: string },
    commandName: string,
    context: CommandContext,
    /** Builds the command for the state it will be decided on; loads the facts it needs each attempt. */
    command: (state: State) => Command | Promise<Command>,
  ): Promise<CommandResult> {
    const streamName = buildStreamName(target.category, target.id);
    return this.oneAtATime(streamName, () => this.decideAndAppend(decider, target, streamName, commandName, context, command));
  }

  /**
   * Commands on one stream in this process take turns. Racing them only made all but one lose at the store and
   * decide again (on EventStoreDB, with a network round trip per try, ten parallel writers could lose five times
   * in a row and be refused); taking turns, each decides once on the state the previous one left. Writers in
   * other processes still race, and the store's expected-revision check still settles those.
   */
  private async oneAtATime<T>(streamName: string, work: () => Promise<T>): Promise<T> {
    const before = this.turns.get(streamName) ?? Promise.resolve();
    const mine = before.then(work);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(streamName, settled);
    try {
      return await mine;
    } finally {
      if (this.turns.get(streamName) === settled) this.turns.delete(streamName);
    }
  }

  private async decideAndAppend<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    target: { category: string; id: string },
    streamName: string,
    commandName: string,
    context: CommandContext,
    command: (state: State) => Command | Promise<Command>,
  ): Promise<CommandResult> {
    const key = context.idempotencyKey;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, revision, outcomes } = await this.read(decider, streamName);
      // Before building the command: its facts may have changed since, and If-Match is stale by our own write.
      const earlier = key === undefined ? undefined : outcomes.get(outcomeKey(commandName, key));
      if (earlier !== undefined) {
        const [last] = await this.store.readStream(streamName, { fromRevision: earlier, maxCount: 1 });
        return { id: target.id, streamName, revision: last.revision, position: last.position, [REPLAYED]: true };
      }
      // Built first: an unknown entity is a 404 even when the caller sent If-Match.
      const built = await command(state);
      if (context.ifMatch !== undefined && context.ifMatch !== revision) {
        throw new StaleRevision(context.ifMatch, revision ?? 'none');
      }
      const events = decider.decide(built, state);
      try {
        const appended: NewEvent[] = events.map((event, index) => ({
            // Derived from the key, so that the same command appended twice in a race is the same append
            // to the store's own retry rule rather than two.
            id: key === undefined ? randomUUID() : derivedUuid('event', key, commandName, streamName, String(index)),
            type: event.type,
            data: event.data,
            metadata: {
              actor: context.actor,
              correlationId: context.correlationId,
              causationId: context.causationId,
              command: commandName,
              recordedAt: context.now.toISOString(),
              schemaVersion: EVENT_SCHEMA_VERSION,
              ...(key === undefined ? {} : { idempotencyKey: key }),
              ...(context.importOrigin ? { importId: context.importOrigin.importId, importRow: context.importOrigin.row } : {}),
              ...reasonOf(event.data),
            },
          }));
        const result = await this.store.appendToStream(streamName, appended, { expectedRevision: revision ?? 'no_stream' });
        this.keepAppended(decider, streamName, { state, revision, outcomes }, appended, result.nextExpectedRevision);
        return { id: target.id, streamName, revision: result.nextExpectedRevision, position: result.position };
      } catch (error) {
        // With a key, the append that got in first may be this command's own earlier run: the next attempt
        // finds it in the stream (and only then is If-Match judged stale).
        if (error instanceof DuplicateEventIdError && key !== undefined) continue;
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.ifMatch !== undefined && key === undefined) throw new StaleRevision(context.ifMatch, Number(error.actual));
      }
    }
    throw new ConcurrencyConflict(streamName);
  }

  /**
   * The store took these events right after the revision they were decided on, so the stream is now that fold
   * plus them: kept as such, the next command on the stream reads nothing of its own writes again. The data goes
   * through JSON as the store's own copy does, so the fold is the one a read would give.
   */
  private keepAppended<State, Event extends DomainEvent>(
    decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
    streamName: string,
    decidedOn: FoldedStream<State>,
    appended: readonly NewEvent[],
    lastRevision: number,
  ): void {
    const first = lastRevision - appended.length + 1;
    if (first !== (decidedOn.revision ?? -1) + 1) return;
    const recorded = appended.map((event, index) => ({
      type: event.type,
      data: JSON.parse(JSON.stringify(event.data)) as unknown,
      metadata: event.metadata,
      revision: first + index,
    }));
    this.folded.keep(decider, streamName, foldOnto(decider, decidedOn, recorded));
  }

  /** The stream folded: from the fold kept in memory plus what was appended since, or from its first event. */
  private async read<State, Event extends DomainEvent>(
    decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
    streamName: string,
  ): Promise<FoldedStream<State>> {
    const kept = this.folded.get<State>(decider, streamName);
    try {
      const recorded = await this.store.readStream(streamName, kept?.revision === undefined ? {} : { fromRevision: kept.revision + 1 });
      const folded = foldOnto(decider, kept ?? unfolded(decider), recorded);
      this.folded.keep(decider, streamName, folded);
      return folded;
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      this.folded.forget(streamName);
      return unfolded(decider);
    }
  }
}

/**
 * Auditors read why a correction, retraction or erasure happened from the metadata: its category only. The
 * free-text reason may name the person, so it stays in the event data, sealed; never copied here in clear.
 */
function reasonOf(data: unknown): { reasonCategory?: string } {
  const category = (data as { reasonCategory?: unknown } | null)?.reasonCategory;
  return typeof category === 'string' ? { reasonCategory: category } : {};
}
