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
  /** Keys added since this generation began; grows by a filter twice as large whenever the newest is full. */
  private current: Generation;
  /** The generation before, kept until every answer in it is past the time to live. */
  private previous: Generation | null = null;

  /**
   * @param keys the keys already kept (the answers file at open), the newest of them kept at `newestKeptAt`: they
   *   form the previous generation, dropped no sooner than a time to live after that newest answer.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    keys: Iterable<string> = [],
    expectedKeys = 0,
    newestKeptAt = Number.NEGATIVE_INFINITY,
  ) {
    if (expectedKeys > 0) {
      const loaded = new BloomFilter(expectedKeys);
      for (const key of keys) loaded.add(key);
      this.previous = { filters: [loaded], startedAt: newestKeptAt, newestAt: newestKeptAt };
    }
    this.current = newGeneration(this.clock(), Math.max(MIN_CAPACITY, expectedKeys));
  }

  /** `at`: the time the answer is kept under, as the answers file records it. */
  add(key: string, at: number): void {
    this.rotateWhenDue();
    const filters = this.current.filters;
    let newest = filters[filters.length - 1];
    if (newest.full) {
      newest = new BloomFilter(newest.capacity * 2);
      filters.push(newest);
    }
    newest.add(key);
    this.current.newestAt = Math.max(this.current.newestAt, at);
  }

  /** False only when no answer was kept under `key` within the time to live. */
  mightHave(key: string): boolean {
    this.rotateWhenDue();
    const [h1, h2] = hashPair(key);
    for (const filter of this.current.filters) if (filter.has(h1, h2)) return true;
    if (this.previous) for (const filter of this.previous.filters) if (filter.has(h1, h2)) return true;
    return false;
  }

  /** Bits held, for a test's bound on memory. */
  get bits(): number {
    return [...this.current.filters, ...(this.previous?.filters ?? [])].reduce((sum, filter) => sum + filter.bits, 0);
  }

  /**
   * A generation a time to live old becomes the previous one. The previous one is dropped then only if its newest
   * answer has expired too; otherwise (a clock that went back) the two are kept together, so a key is never
   * forgotten while the answers file would still give its answer.
   */
  private rotateWhenDue(): void {
    const now = this.clock();
    if (now - this.current.startedAt < this.ttlMs) return;
    const previous = this.previous;
    this.previous =
      previous === null || now - previous.newestAt >= this.ttlMs
        ? this.current
        : { filters: [...previous.filters, ...this.current.filters], startedAt: previous.startedAt, newestAt: Math.max(previous.newestAt, this.current.newestAt) };
    this.current = newGeneration(now, MIN_CAPACITY);
  }
}

interface Generation {
  filters: BloomFilter[];
  startedAt: number;
  /** The latest time any of its keys was kept under. */
  newestAt: number;
}

function newGeneration(now: number, capacity: number): Generation {
  return { filters: [new BloomFilter(capacity)], startedAt: now, newestAt: Number.NEGATIVE_INFINITY };
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
 * Two 32-bit hashes of the key, FNV-1a and a variant with another multiplier and a shift (double hashing gives the
 * probes). The keys are SHA-256 hex already, but any string works.
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
