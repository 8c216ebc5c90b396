import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: about 30 ms per check on these machines, paid once per token and process (see the cache). */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
export const MIN_TOKEN_LENGTH = 24;

/** A new bearer token: 256 random bits, recognisable in logs and secret scanners by its prefix. */
export function newToken(): string {
  return `plt_${randomBytes(32).toString('base64url')}`;
}

/** Finds a grant by its token without storing anything that would let one check a guess cheaply. */
export function tokenLookup(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export async function hashToken(token: string, salt = randomBytes(16).toString('base64url')): Promise<{ salt: string; hash: string }> {
  const key = await derive(token, salt);
  return { salt, hash: key.toString('base64url') };
}

export async function tokenMatches(token: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(token, salt);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function derive(token: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(token, Buffer.from(salt, 'base64url'), KEY_LENGTH, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
