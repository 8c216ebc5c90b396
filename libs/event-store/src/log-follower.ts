import type { EventFilter, EventStore, RecordedEvent, Subscription } from './event-store.port.js';

/**
 * How long to wait before attempt `attempt` (1 for the first retry) of something that failed: exponential,
 * capped, with some randomness so that many followers dropped at once (a leader change) do not all come
 * back in the same millisecond.
 */
export interface RetryPolicy {
  delayMs(attempt: number): number;
}

export interface BackoffOptions {
  /** The first retry's delay. */
  initialMs?: number;
  /** No delay is longer than this. */
  maxMs?: number;
  factor?: number;
  /** 0 to 1: the share of each delay that is random (0.25: between 75 % and 100 % of it). */
  jitter?: number;
  random?: () => number;
}

/** Capped exponential backoff: 100 ms, 200 ms, 400 ms ... up to 5 s by default. */
export function exponentialBackoff(options: BackoffOptions = {}): RetryPolicy {
  const { initialMs = 100, maxMs = 5_000, factor = 2, jitter = 0.25, random = Math.random } = options;
  return {
    delayMs(attempt: number): number {
      const exponent = Math.max(0, attempt - 1);
      const full = Math.min(maxMs, initialMs * factor ** Math.min(exponent, 64));
      return Math.round(full * (1 - jitter * random()));
    },
  };
}

/** The one policy every follower of the log (and its first load) retries with. */
export const LOG_RETRY_POLICY: RetryPolicy = exponentialBackoff();

/**
 * - `connecting`: the first subscription is being opened;
 * - `catching-up`: subscribed, and handling events that were in the log when it subscribed;
 * - `live`: has handled everything that was in the log when it subscribed, and follows new appends;
 * - `reconnecting`: the subscription failed or dropped; waiting (backoff) or opening a new one;
 * - `stopped`: `stop()` was called.
 */
export type LogFollowerState = 'connecting' | 'catching-up' | 'live' | 'reconnecting' | 'stopped';

export interface LogFollowerStatus {
  name: string;
  state: LogFollowerState;
  /** How many times the follower subscribed again after a failure or a drop. */
  reconnects: number;
  /** The class of the last error that ended a subscription (never its message: it may quote data). */
  lastError: string | null;
  /** The position of the last event (or checkpoint) the consumer has handled; null before the first. */
  position: number | null;
}

/** Where a (re)subscription starts: after this position; `start` replays the whole log, `end` only new appends. */
export type FollowFrom = number | 'start' | 'end';

export interface LogFollowerOptions {
  /** Shown on /health and in logs. */
  name: string;
  store: EventStore;
  filter?: EventFilter;
  /**
   * Where to resume, asked before every (re)subscription. Defaults to the last position this follower
   * handed to the consumer (or `initial` before the first). A consumer that commits in batches answers
   * its committed checkpoint here, so events handed to it but never committed are delivered again.
   */
  from?: () => FollowFrom;
  /** Where the first subscription starts when `from` is not given. Default `start`. */
  initial?: FollowFrom;
  /** Awaited before the next event is pulled: the follower never runs ahead of its consumer. */
  onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Filtered subscriptions only: the store has scanned up to here; handed in order with the events. */
  onCheckpoint?: (position: number) => void | Promise<void>;
  retry?: RetryPolicy;
  logger?: { log(message: string): void; error(message: string): void };
}

/**
 * Follows the global log for one consumer, and keeps following it: subscriptions drop (a leader change, a
 * node restart, the network), and each drop is answered by subscribing again from the last position the
 * consumer handled, exclusive, after a capped exponential backoff. Positions are opaque: the follower never
 * computes one, it only hands back what the store gave.
 */
export class LogFollower {
  private stateValue: LogFollowerState = 'connecting';
  private reconnects = 0;
  private lastError: string | null = null;
  private positionValue: number | null = null;
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private stopping = false;
  /** Set by `restart()`: the current subscription ends on purpose, and the next one starts at once or after backoff. */
  private restartRequest?: { error?: unknown };
  private wakeBackoff?: () => void;
  /** Failures since the last subscription that delivered; resets the backoff once the log flows again. */
  private attempt = 0;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: LogFollowerOptions) {
    this.retry = options.retry ?? LOG_RETRY_POLICY;
    const initial = options.initial;
    if (typeof initial === 'number') this.positionValue = initial;
  }

  start(): void {
    this.loop ??= this.follow();
  }

  get status(): LogFollowerStatus {
    return {
      name: this.options.name,
      state: this.stateValue,
      reconnects: this.reconnects,
      lastError: this.lastError,
      position: this.positionValue,
    };
  }

  /**
   * Ends the current subscription and subscribes again from `from()`: after backoff when `error` is given
   * (the consumer failed to handle an event), at once otherwise.
   */
  restart(error?: unknown): void {
    if (this.stopping) return;
    this.restartRequest = { error };
    void this.subscription?.close().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stateValue = 'stopped';
    this.wakeBackoff?.();
    await this.subscription?.close().catch(() => undefined);
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      let failure: unknown;
      try {
        await this.subscribeOnce();
      } catch (error) {
        failure = error;
      }
      if (this.stopping) break;
      const request = this.restartRequest;
      this.restartRequest = undefined;
      if (request && request.error === undefined) {
        // The consumer asked to start again from its own checkpoint: nothing failed, no wait.
        this.stateValue = 'reconnecting';
        continue;
      }
      // A subscription only ends when it is closed: ending by itself is a drop like any error.
      const error = request?.error ?? failure ?? new SubscriptionEnded();
      this.lastError = errorClass(error);
      this.attempt += 1;
      this.reconnects += 1;
      this.stateValue = 'reconnecting';
      const delay = this.retry.delayMs(this.attempt);
      this.options.logger?.error(
        `${this.options.name}: lost the log (${this.lastError}); subscribing again after ${describe(this.positionValue)} in ${delay} ms`,
      );
      await this.sleep(delay);
    }
    this.stateValue = 'stopped';
  }

  private async subscribeOnce(): Promise<void> {
    const from = this.options.from?.() ?? this.resumePoint();
    if (typeof from === 'number') this.positionValue = from;
    // What the log holds now, as this follower sees it (filtered): reaching it means caught up.
    const [head] =
      from === 'end'
        ? []
        : await this.options.store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1, filter: this.options.filter });
    if (this.stopping || this.restartRequest) return;
    const target = head?.position;
    const caughtUp = () => target === undefined || (this.positionValue !== null && this.positionValue >= target);
    this.stateValue = caughtUp() ? 'live' : 'catching-up';
    const subscription = this.options.store.subscribeToAll({
      fromPosition: from,
      filter: this.options.filter,
      onCheckpoint: this.options.filter
        ? async (position) => {
            // Checkpoints only ever move forwards; one from before what was handled is stale, not a rewind.
            if (this.positionValue !== null && position < this.positionValue) return;
            await this.options.onCheckpoint?.(position);
            this.positionValue = position;
            this.attempt = 0;
            if (this.stateValue === 'catching-up' && caughtUp()) this.stateValue = 'live';
          }
        : undefined,
    });
    this.subscription = subscription;
    try {
      if (this.stopping) return;
      for await (const event of subscription) {
        if (this.stopping || this.restartRequest) return;
        await this.options.onEvent(event);
        this.positionValue = event.position;
        this.attempt = 0;
        if (this.stateValue === 'catching-up' && caughtUp()) this.stateValue = 'live';
      }
    } finally {
      this.subscription = undefined;
      await subscription.close().catch(() => undefined);
    }
  }

  private resumePoint(): FollowFrom {
    if (this.positionValue !== null) return this.positionValue;
    return this.options.initial ?? 'start';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeBackoff = done;
    });
  }
}

/** A subscription that ended without being closed: the store let go of it. */
export class SubscriptionEnded extends Error {
  constructor() {
    super('The subscription ended without being closed');
    this.name = 'SubscriptionEnded';
  }
}

function errorClass(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name;
  return typeof error;
}

function describe(position: number | null): string {
  return position === null ? 'the start' : `position ${position}`;
}
