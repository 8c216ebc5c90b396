import type { LogFollowerStatus } from '@app/event-store';
import { healthOf, readinessOf } from './health.status.js';

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

describe('readinessOf', () => {
  const followers = [follower('access', 'live'), follower('projections', 'catching-up')];

  it('is 200 when the store answers, both follow the log, nothing rebuilds and the lag is within the limit', () => {
    const { httpStatus, body } = readinessOf({ eventStore: { kind: 'sqlite' }, followers, rebuilding: [], lag: 1000, maxLag: 1000 });
    expect(httpStatus).toBe(200);
    expect(body).toEqual({ status: 'ready', reasons: [], lag: 1000, maxLag: 1000, rebuilding: [] });
  });

  it('is 503 naming each cause: a read model rebuilding, a lag over the limit, a follower still connecting', () => {
    const { httpStatus, body } = readinessOf({
      eventStore: { kind: 'sqlite' },
      followers: [follower('access', 'connecting'), follower('projections', 'live')],
      rebuilding: ['participants'],
      lag: 1001,
      maxLag: 1000,
    });
    expect(httpStatus).toBe(503);
    expect(body.status).toBe('not-ready');
    expect(body.reasons).toEqual([
      'not following the event log: access (connecting)',
      'read models being rebuilt: participants',
      'the read models are more than 1000 events behind the log',
    ]);
  });

  it('is 503 while the indicators\' index loads, and only for that', () => {
    const { httpStatus, body } = readinessOf({ eventStore: { kind: 'sqlite' }, followers, rebuilding: [], lag: 0, maxLag: 1000, indicatorsLoading: true });
    expect(httpStatus).toBe(503);
    expect(body).toEqual({
      status: 'not-ready',
      reasons: ['indicators loading: the in-memory index of the read models is being built'],
      lag: 0,
      maxLag: 1000,
      rebuilding: [],
    });
  });

  it('is 503 with the store\'s first line of reason when the store does not answer', () => {
    const { httpStatus, body } = readinessOf({ eventStore: { kind: 'eventstoredb', error: new Error('down\n  at x.js:1') }, followers, rebuilding: [], lag: null, maxLag: 5 });
    expect(httpStatus).toBe(503);
    expect(body.reasons).toEqual(['the event store (eventstoredb) does not answer: down']);
  });
});
