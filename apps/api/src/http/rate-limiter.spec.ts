import { RateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('lets a burst of perMinute through, then says how long to wait, and refills evenly', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('token:a')).toBe(0);
    expect(limiter.take('token:a')).toBe(1);
    // Another caller has a bucket of its own.
    expect(limiter.take('token:b')).toBe(0);
    now += 1_000;
    expect(limiter.take('token:a')).toBe(0);
    expect(limiter.take('token:a')).toBe(1);
  });

  it('asks for more patience when the rate is low', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('k');
    limiter.take('k');
    expect(limiter.take('k')).toBe(30);
    now += 30_000;
    expect(limiter.take('k')).toBe(0);
  });
});
