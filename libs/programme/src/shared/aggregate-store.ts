import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  EVENT_STORE,
  StreamNotFoundError,
  WrongExpectedVersionError,
  streamName as buildStreamName,
  type EventStore,
} from '@app/event-store';
import type { Decider, DomainEvent } from './decider.js';
import { StaleRevision } from './domain-errors.js';
import { EVENT_SCHEMA_VERSION, type CommandContext, type CommandResult } from './command-context.js';

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
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<State, Event extends DomainEvent>(
    decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
    streamName: string,
  ): Promise<Loaded<State>> {
    try {
      const recorded = await this.store.readStream(streamName);
      const state = recorded.reduce(
        (current, event) => decider.evolve(current, { type: event.type, data: event.data } as Event),
        decider.initialState(),
      );
      return { state, revision: recorded.length > 0 ? recorded[recorded.length - 1].revision : undefined };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: decider.initialState(), revision: undefined };
      throw error;
    }
  }

  async handle<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    target: { category: string; id: string },
    commandName: string,
    context: CommandContext,
    /** Builds the command for the state it will be decided on; loads the facts it needs each attempt. */
    command: (state: State) => Command | Promise<Command>,
  ): Promise<CommandResult> {
    const streamName = buildStreamName(target.category, target.id);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, revision } = await this.load(decider, streamName);
      // Built first: an unknown entity is a 404 even when the caller sent If-Match.
      const built = await command(state);
      if (context.ifMatch !== undefined && context.ifMatch !== revision) {
        throw new StaleRevision(context.ifMatch, revision ?? 'none');
      }
      const events = decider.decide(built, state);
      try {
        const result = await this.store.appendToStream(
          streamName,
          events.map((event) => ({
            id: randomUUID(),
            type: event.type,
            data: event.data,
            metadata: {
              actor: context.actor,
              correlationId: context.correlationId,
              causationId: context.causationId,
              command: commandName,
              recordedAt: context.now.toISOString(),
              schemaVersion: EVENT_SCHEMA_VERSION,
              ...reasonOf(event.data),
            },
          })),
          { expectedRevision: revision ?? 'no_stream' },
        );
        return { id: target.id, streamName, revision: result.nextExpectedRevision, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.ifMatch !== undefined) throw new StaleRevision(context.ifMatch, Number(error.actual));
      }
    }
    throw new ConcurrencyConflict(streamName);
  }
}

/** Auditors read why a correction, retraction or erasure happened straight from the metadata. */
function reasonOf(data: unknown): { reason?: string } {
  const reason = (data as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? { reason } : {};
}
