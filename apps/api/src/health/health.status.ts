import type { LogFollowerState, LogFollowerStatus } from '@app/event-store';

export interface FollowerHealth {
  state: LogFollowerState;
  /** The position of the last event it handled; null before the first. */
  position: number | null;
  reconnects: number;
  lastError: string | null;
}

export interface Health {
  status: 'ok' | 'unavailable';
  eventStore: { kind: string; status: 'up' } | { kind: string; status: 'down'; reason: string };
  /** Each follower of the log: `access` (the token registry) and `projections` (the read models). */
  followers: Record<string, FollowerHealth>;
  /** Why the answer is 503 when the store answers but a follower does not follow it. */
  reason?: string;
}

/**
 * 200 needs the store to answer and every follower to be following the log: `live`, or `catching-up` (behind,
 * but moving: a fresh instance building its read models must not be taken out of service for it, and queries
 * that need figures up to a position already answer 503 on their own until then), or `connecting` (the first
 * subscription is being opened at start-up).
 *
 * A follower `reconnecting` while the store answers makes it 503: the instance would keep authenticating with
 * a registry that misses revocations written by other instances and serve figures that stop moving, so a load
 * balancer should send requests elsewhere until it follows again. A drop is answered within the backoff cap
 * (5 s), shorter than the consecutive failures a health check acts on, so one drop does not restart anything.
 */
export function healthOf(
  eventStore: { kind: string; error?: Error },
  followers: readonly LogFollowerStatus[],
): { httpStatus: 200 | 503; body: Health } {
  const byName: Record<string, FollowerHealth> = {};
  for (const { name, state, position, reconnects, lastError } of followers) byName[name] = { state, position, reconnects, lastError };
  if (eventStore.error) {
    // The reason is the store's own message (no stack, no internals), so an operator knows where to look.
    const reason = eventStore.error.message.split('\n')[0];
    return { httpStatus: 503, body: { status: 'unavailable', eventStore: { kind: eventStore.kind, status: 'down', reason }, followers: byName } };
  }
  const lost = followers.filter((f) => f.state === 'reconnecting' || f.state === 'stopped').map((f) => f.name);
  const body: Health = { status: lost.length > 0 ? 'unavailable' : 'ok', eventStore: { kind: eventStore.kind, status: 'up' }, followers: byName };
  if (lost.length > 0) body.reason = `not following the event log: ${lost.join(', ')}`;
  return { httpStatus: lost.length > 0 ? 503 : 200, body };
}

/** LEDGER_READY_MAX_LAG's default: a few seconds of a busy programme's appends. */
export const DEFAULT_READY_MAX_LAG = 1_000;

export interface Readiness {
  status: 'ready' | 'not-ready';
  /** Why the answer is 503: one line per cause, naming the store, follower or read model. */
  reasons: string[];
  /** Events of the log the read models have not applied yet, counted up to one past the limit. */
  lag: number | null;
  maxLag: number;
  rebuilding: string[];
}

/**
 * Ready means this instance can serve figures now: the store answers, both followers are following (`live` or
 * `catching-up`; `connecting` at start-up is not yet), no read model is being rebuilt (its queries would answer
 * 503), the read models are at most `maxLag` events behind the log, and the indicators' index is loaded (until
 * then programme-wide figures count in SQL, seconds each on a large programme). `/health` stays the liveness of the
 * dependencies; this is what a load balancer should route on.
 */
export function readinessOf(input: {
  eventStore: { kind: string; error?: Error };
  followers: readonly LogFollowerStatus[];
  rebuilding: readonly string[];
  /** null when it could not be counted (the store did not answer). */
  lag: number | null;
  maxLag: number;
  /** The indicators' in-memory index is loading (start-up, or after a swap): indicator answers would count in SQL. */
  indicatorsLoading?: boolean;
}): { httpStatus: 200 | 503; body: Readiness } {
  const reasons: string[] = [];
  if (input.eventStore.error) reasons.push(`the event store (${input.eventStore.kind}) does not answer: ${input.eventStore.error.message.split('\n')[0]}`);
  const notFollowing = input.followers.filter((f) => f.state !== 'live' && f.state !== 'catching-up');
  if (notFollowing.length > 0) reasons.push(`not following the event log: ${notFollowing.map((f) => `${f.name} (${f.state})`).join(', ')}`);
  if (input.rebuilding.length > 0) reasons.push(`read models being rebuilt: ${input.rebuilding.join(', ')}`);
  if (input.lag !== null && input.lag > input.maxLag) reasons.push(`the read models are more than ${input.maxLag} events behind the log`);
  if (input.indicatorsLoading) reasons.push('indicators loading: the in-memory index of the read models is being built');
  const ready = reasons.length === 0;
  return {
    httpStatus: ready ? 200 : 503,
    body: { status: ready ? 'ready' : 'not-ready', reasons, lag: input.lag, maxLag: input.maxLag, rebuilding: [...input.rebuilding] },
  };
}
