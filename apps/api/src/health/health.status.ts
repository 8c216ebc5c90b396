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
