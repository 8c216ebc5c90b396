import type { LogFollowerStatus } from '@app/event-store';
import { healthOf } from './health.status.js';

const follower = (name: string, state: LogFollowerStatus['state'], extra: Partial<LogFollowerStatus> = {}): LogFollowerStatus => ({
  name,
  state,
  reconnects: 0,
  lastError: null,
  position: 42,
  ...extra,
});

describe('healthOf', () => {
  it('is 200 when the store answers and every follower is live, catching up or connecting, and lists each', () => {
    const { httpStatus, body } = healthOf({ kind: 'eventstoredb' }, [follower('access', 'live'), follower('projections', 'catching-up')]);
    expect(httpStatus).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      eventStore: { kind: 'eventstoredb', status: 'up' },
      followers: {
        access: { state: 'live', position: 42, reconnects: 0, lastError: null },
        projections: { state: 'catching-up', position: 42, reconnects: 0, lastError: null },
      },
    });
    expect(healthOf({ kind: 'sqlite' }, [follower('access', 'connecting', { position: null })]).httpStatus).toBe(200);
  });

  it('is 503 naming the follower when the store answers but a follower lost the log', () => {
    const { httpStatus, body } = healthOf({ kind: 'eventstoredb' }, [
      follower('access', 'reconnecting', { reconnects: 3, lastError: 'StoreUnavailableError' }),
      follower('projections', 'live'),
    ]);
    expect(httpStatus).toBe(503);
    expect(body).toMatchObject({
      status: 'unavailable',
      eventStore: { status: 'up' },
      reason: 'not following the event log: access',
      followers: { access: { state: 'reconnecting', reconnects: 3, lastError: 'StoreUnavailableError' } },
    });
  });

  it('is 503 with the store\'s first line of reason when the store does not answer', () => {
    const { httpStatus, body } = healthOf({ kind: 'eventstoredb', error: new Error('EventStoreDB did not answer: 14 UNAVAILABLE\n  at x.js:1') }, [
      follower('access', 'reconnecting'),
    ]);
    expect(httpStatus).toBe(503);
    expect(body.eventStore).toEqual({ kind: 'eventstoredb', status: 'down', reason: 'EventStoreDB did not answer: 14 UNAVAILABLE' });
  });
});
