import { InvalidStreamNameError } from './event-store.errors.js';
import { assertValidStreamName, streamName } from './stream-name.js';

describe('stream names', () => {
  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(257), 'at most 256'],
    ['participant-\u0000abc', 'control characters'],
    ['participant-\nabc', 'control characters'],
    ['$all', 'must not start with "$"'],
  ])('refuses %j', (name, rule) => {
    expect(() => assertValidStreamName(name)).toThrow(InvalidStreamNameError);
    expect(() => assertValidStreamName(name)).toThrow(rule);
  });

  it('accepts a 256-character name and unicode', () => {
    expect(() => assertValidStreamName('p'.repeat(256))).not.toThrow();
    expect(() => assertValidStreamName('organisation-Malmö')).not.toThrow();
  });

  it('builds <category>-<id> with a camelCase category', () => {
    expect(streamName('pilotCase', 'a1')).toBe('pilotCase-a1');
    expect(() => streamName('pilot-case', 'a1')).toThrow(InvalidStreamNameError);
  });
});
