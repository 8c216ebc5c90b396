export const RATE_LIMITER = Symbol.for('programme-ledger.RateLimiter');

/** Which limit refused a request: a token over its rate, or an address over its failed sign-ins. */
export type RateLimitKind = 'token' | 'address';

const MAX_KEYS = 10_000;

/**
 * A token bucket per caller: `perMinute` requests, refilled evenly, bursts up to the same number. Reads
 * the monotonic clock, never the request's (tests pin that one).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from the caller's bucket: 0 when allowed, otherwise the seconds until one is free. */
  take(key: string): number {
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }
}
