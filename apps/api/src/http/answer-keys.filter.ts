/**
 * Which Idempotency-Key hashes may have a kept answer, in memory, so that a request with a new key (nearly every
 * request) is told so without a look-up in the answers file. That look-up walks a b-tree of every answer of the
 * last day: on the 1M-event bench, with 230,000 answers kept and the file's pages evicted by the kernel, it took
 * ~290 µs and a fifth of the service's main thread.
 *
 * A Bloom filter: it never says no for a key it was given, and says maybe for well under 1 % of the others (those are
 * looked up, as every key was before). Keys are only added; a generation of filters is dropped once everything in
 * it is past the time to live, so memory follows the answers kept, not every answer ever given.
 */
export class AnswerKeysFilter {
  /** Keys added since `generationStart`; grows by a filter twice as large whenever the newest is full. */
  private current: BloomFilter[];
  /** Keys added during the generation before, all within one time to live of `generationStart`. */
  private previous: BloomFilter[] = [];
  private generationStart: number;

  /**
   * @param keys the keys already kept (the answers file at open), as the previous generation: each expires
   *   within a time to live of now, and that generation is dropped no sooner.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    keys: Iterable<string> = [],
    expectedKeys = 0,
  ) {
    this.generationStart = clock();
    if (expectedKeys > 0) {
      const loaded = new BloomFilter(expectedKeys);
      for (const key of keys) loaded.add(key);
      this.previous = [loaded];
    }
    this.current = [new BloomFilter(Math.max(MIN_CAPACITY, expectedKeys))];
  }

  add(key: string): void {
    this.rotateWhenDue();
    let newest = this.current[this.current.length - 1];
    if (newest.full) {
      newest = new BloomFilter(newest.capacity * 2);
      this.current.push(newest);
    }
    newest.add(key);
  }

  /** False only when no answer was kept under `key` within the time to live. */
  mightHave(key: string): boolean {
    this.rotateWhenDue();
    const [h1, h2] = hashPair(key);
    for (const filter of this.current) if (filter.has(h1, h2)) return true;
    for (const filter of this.previous) if (filter.has(h1, h2)) return true;
    return false;
  }

  /** Bits held, for a test's bound on memory. */
  get bits(): number {
    return [...this.current, ...this.previous].reduce((sum, filter) => sum + filter.bits, 0);
  }

  /**
   * A key added during the previous generation (which began at least a time to live before the current one) has
   * expired by the time the current generation is a time to live old: only then is the previous one dropped.
   */
  private rotateWhenDue(): void {
    const now = this.clock();
    if (now - this.generationStart < this.ttlMs) return;
    this.previous = this.current;
    this.current = [new BloomFilter(MIN_CAPACITY)];
    this.generationStart = now;
  }
}

const MIN_CAPACITY = 1024;
/**
 * 16 bits and 11 probes per key: about 0.05 % false positives for one full filter, so that a key checked against
 * the ten or so filters a growing generation holds is still looked up needlessly well under 1 % of the time.
 */
const BITS_PER_KEY = 16;
const PROBES = 11;

class BloomFilter {
  private readonly words: Uint32Array;
  private readonly size: number;
  private count = 0;

  constructor(readonly capacity: number) {
    this.size = Math.max(64, Math.ceil((capacity * BITS_PER_KEY) / 32) * 32);
    this.words = new Uint32Array(this.size / 32);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  get bits(): number {
    return this.size;
  }

  add(key: string): void {
    const [h1, h2] = hashPair(key);
    for (let probe = 0; probe < PROBES; probe++) {
      const bit = (h1 + probe * h2) % this.size;
      this.words[bit >>> 5] |= 1 << (bit & 31);
    }
    this.count += 1;
  }

  has(h1: number, h2: number): boolean {
    for (let probe = 0; probe < PROBES; probe++) {
      const bit = (h1 + probe * h2) % this.size;
      if ((this.words[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * Two independent 32-bit FNV-1a hashes of the key (double hashing gives the probes). The keys are SHA-256 hex
 * already, but any string works.
 */
function hashPair(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // Unsigned, and the step odd so that probes never repeat one bit.
  return [h1 >>> 0, (h2 | 1) >>> 0];
}
