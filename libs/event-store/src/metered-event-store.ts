import { openEventStore, type EventStoreConfig } from './event-store.config.js';
import { EventStoreError, StoreUnavailableError, WrongExpectedVersionError } from './event-store.errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  LogPages,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  ReplayPagesOptions,
  SubscribeToAllOptions,
  Subscription,
} from './event-store.port.js';
import { replayPages } from './event-store.port.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

/** How an append ended: a bounded set, so a metric labelled with it stays small. */
export type AppendOutcome = 'ok' | 'conflict' | 'refused' | 'failed';

export interface AppendMeter {
  /** Appends by outcome, counted when the store answered. */
  appends: Record<AppendOutcome, number>;
  /** Events written by the appends that succeeded. */
  events: number;
  /**
   * Transactions the embedded store committed for those appends (group commit: fewer commits than appends);
   * null on a store that does not batch (EventStoreDB batches on the server, out of sight).
   */
  commits: number | null;
}

/**
 * The `EventStore` every module is given, counting what passes through it for /metrics. Counting here, at
 * the port, measures both adapters the same way without touching either; only the embedded store's commit
 * count (its group commit) comes from the adapter itself, which already keeps it.
 */
export class MeteredEventStore implements EventStore {
  private readonly appends: Record<AppendOutcome, number> = { ok: 0, conflict: 0, refused: 0, failed: 0 };
  private events = 0;
  private readonly commitListeners = new Set<(batchEvents: number) => void>();

  constructor(readonly inner: EventStore) {}

  /** Hears each group commit's size in events (embedded store opened by `openMeteredEventStore`); returns the way to stop. */
  onCommit(listener: (batchEvents: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** The store's own commit observer calls this. */
  committed(batchEvents: number): void {
    for (const listener of this.commitListeners) listener(batchEvents);
  }

  get meter(): AppendMeter {
    return {
      appends: { ...this.appends },
      events: this.events,
      commits: this.inner instanceof SqliteEventStore ? this.inner.metrics.commits : null,
    };
  }

  async appendToStream(streamName: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    try {
      const result = await this.inner.appendToStream(streamName, events, options);
      this.appends.ok += 1;
      this.events += events.length;
      return result;
    } catch (error) {
      this.appends[outcomeOf(error)] += 1;
      throw error;
    }
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  replayPages(options: ReplayPagesOptions): LogPages {
    return replayPages(this.inner, options);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Opens the configured store metered, with the embedded store's commits (their batch sizes) reported to it. */
export function openMeteredEventStore(config: EventStoreConfig): MeteredEventStore {
  let metered: MeteredEventStore | undefined;
  // The store is opened first (a bad file stops start-up), so a commit can come before `metered` exists: none does,
  // as nothing appends before the store is handed out.
  metered = new MeteredEventStore(openEventStore(config, { onCommit: (batchEvents) => metered?.committed(batchEvents) }));
  return metered;
}

/** A lost race is normal under load; a refusal is the writer's fault (bad event, too large); the rest is the store's. */
function outcomeOf(error: unknown): Exclude<AppendOutcome, 'ok'> {
  if (error instanceof WrongExpectedVersionError) return 'conflict';
  if (error instanceof EventStoreError && !(error instanceof StoreUnavailableError)) return 'refused';
  return 'failed';
}
