import { createHash } from 'node:crypto';
import { AnswerKeysFilter } from './answer-keys.filter.js';

const HOUR = 3_600_000;
const keyOf = (n: number) => createHash('sha256').update(`actor\n${n}`).digest('hex');

describe('AnswerKeysFilter', () => {
  it('never forgets a key it was given while the time to live runs, and rarely claims one it was not', () => {
    const now = 0;
    const filter = new AnswerKeysFilter(24 * HOUR, () => now);
    for (let n = 0; n < 20_000; n++) filter.add(keyOf(n), now);
    const missed = Array.from({ length: 20_000 }, (_, n) => n).filter((n) => !filter.mightHave(keyOf(n)));
    expect(missed).toEqual([]);
    const claimed = Array.from({ length: 20_000 }, (_, n) => n + 1_000_000).filter((n) => filter.mightHave(keyOf(n)));
    // Sized for well under 1 %; a filter that answered "maybe" to everything would claim all 20,000.
    expect(claimed.length).toBeLessThan(200);
  });

  it('keeps the keys found at open and those added later, across a generation change, until they expire', () => {
    const ttl = 24 * HOUR;
    const opened = 1_000 * HOUR;
    let now = opened;
    const filter = new AnswerKeysFilter(ttl, () => now, [keyOf(1), keyOf(2)], 2, opened - HOUR);
    expect(filter.mightHave(keyOf(1)) && filter.mightHave(keyOf(2))).toBe(true);
    now = opened + 20 * HOUR;
    filter.add(keyOf(3), now);
    now = opened + 25 * HOUR; // a new generation: the keys found at open have expired, key 3 (added 5 h ago) has not
    expect(filter.mightHave(keyOf(3))).toBe(true);
    filter.add(keyOf(4), now);
    now = opened + 48 * HOUR; // key 3 expired 4 h ago; key 4 (added 23 h ago) has an hour left
    expect(filter.mightHave(keyOf(4))).toBe(true);
    now = opened + 50 * HOUR; // the next generation: what was added before the last change is dropped
    expect([1, 2, 3].filter((n) => filter.mightHave(keyOf(n)))).toEqual([]);
    now = opened + 74 * HOUR; // and key 4, a "maybe" until now though expired, goes at the change after
    expect(filter.mightHave(keyOf(4))).toBe(false);
  });

  it('keeps a key while the answers file would still answer it, when the clock was behind at open', () => {
    const ttl = 24 * HOUR;
    const keptAt = 1_000 * HOUR;
    // Restarted with a clock two hours behind the answer's own time; corrected later.
    let now = keptAt - 2 * HOUR;
    const filter = new AnswerKeysFilter(ttl, () => now, [keyOf(7)], 1, keptAt);
    now = keptAt + 23 * HOUR; // the generation changed an hour ago, but the answer has an hour left
    expect(filter.mightHave(keyOf(7))).toBe(true);
    now = keptAt + 47 * HOUR;
    expect(filter.mightHave(keyOf(7))).toBe(false);
  });

  it('holds memory in proportion to the keys of one time to live, not to every key ever added', () => {
    let now = 0;
    const filter = new AnswerKeysFilter(HOUR, () => now);
    for (let hour = 0; hour < 24; hour++) {
      for (let n = 0; n < 2_000; n++) filter.add(keyOf(hour * 2_000 + n), now);
      now += HOUR;
    }
    // Two generations of about 2,000 keys at 16 bits each (with the doubling's slack), not 48,000 keys' worth.
    expect(filter.bits).toBeLessThan(2 * 2_000 * 16 * 2.5);
    expect(filter.mightHave(keyOf(23 * 2_000 + 5))).toBe(true);
  });
});
