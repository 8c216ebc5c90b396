import { derivedUuid, idempotencyKeyHash } from './command-context.js';

const KEY_HASH = '44a4e17bc63bb1c56fd2c48ded33d41e2e4b416451fcdfa164f8cf1660c176ec';

describe('ids derived from an Idempotency-Key', () => {
  // Stored in the log: a retry after an upgrade must derive what the first run derived, so the values are pinned.
  it('derives the same uuid and key hash as the first version of this code did', () => {
    expect(derivedUuid('a', 'b')).toBe('7e18f737-311b-5dc3-b2f2-69dd78396b03');
    expect(idempotencyKeyHash('alice', 'key-1')).toBe(KEY_HASH);
  });

  it('shapes every derived id as a version 5 uuid of the RFC 4122 variant', () => {
    for (let n = 0; n < 256; n++) {
      expect(derivedUuid('event', `key-${n}`, 'register', 'participant-1', '0')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});
