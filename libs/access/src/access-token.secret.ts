import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createPrivateFile } from '@app/event-store';

/** scrypt's cost: about 30 ms per check on these machines, paid once per token and process (see the cache). */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
export const MIN_TOKEN_LENGTH = 24;

/**
 * A token the ledger makes: `plt_<token id>_<secret>`. The id is public (it names the grant's stream), so
 * it finds the grant without anything derived from the secret in the log; the secret is 256 random bits,
 * checked against its scrypt hash.
 */
const TOKEN_WITH_ID = /^plt_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
/** What the ledger made before tokens carried their id: also 256 random bits, so nothing to guess. */
const GENERATED_WITHOUT_ID = /^plt_[A-Za-z0-9_-]{43}$/;

/** A new bearer token for the grant `tokenId`, recognisable in logs and secret scanners by its prefix. */
export function newToken(tokenId: string): string {
  return `plt_${tokenId}_${randomBytes(32).toString('base64url')}`;
}

/** The grant a token names, when it is one the ledger made (a token chosen by hand names none). */
export function tokenIdOf(token: string): string | undefined {
  return TOKEN_WITH_ID.exec(token)?.[1];
}

/** Whether a token without an id is one the ledger generated (256 random bits) rather than one chosen by hand. */
export function isGeneratedWithoutId(token: string): boolean {
  return GENERATED_WITHOUT_ID.test(token);
}

/**
 * The lookup grants carried before tokens had ids: 16 hex digits of the token's unsalted SHA-256. Never
 * written any more (whoever reads the log could test guesses of a chosen token against it at GPU speed);
 * computed only to find grants recorded back then.
 */
export function legacyTokenLookup(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * The service's own secret, kept in `server.key` in the data directory (owner-only), never in the log.
 * It keys the lookup of tokens chosen by hand (LEDGER_ADMIN_TOKEN), which carry no id: without the key,
 * someone reading the log has nothing to check a guess against but the scrypt hash.
 */
export class ServerKey {
  private constructor(private readonly key: Buffer) {}

  /** Reads the key, or creates it (0600, 256 random bits) on the first start. */
  static open(file: string): ServerKey {
    if (createPrivateFile(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`);
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[A-Za-z0-9_-]{43}$/.test(text)) {
      throw new Error(
        `${file} is not a Programme Ledger server key. Restore it from a backup; or move it away, let the service ` +
          'make a new one, and grant a new admin token with "ledger access grant-admin" (a token chosen by hand ' +
          'and granted under the old key no longer signs in).',
      );
    }
    return new ServerKey(Buffer.from(text, 'base64url'));
  }

  /** HMAC-SHA-256 of the token under the server key, first 16 hex digits: finds the grant, proves nothing. */
  lookup(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('hex').slice(0, 16);
  }
}

/**
 * What a grant keeps of its token: the scrypt hash, and for a token that does not carry this grant's id,
 * the keyed lookup that finds it. Nothing a guess could be checked against without scrypt or the server key.
 */
export async function grantSecrets(
  tokenId: string,
  token: string,
  /** Needed only for a token chosen by hand; one the ledger made (newToken) carries its id instead. */
  serverKey?: ServerKey,
): Promise<{ keyedLookup?: string; salt: string; hash: string }> {
  const { salt, hash } = await hashToken(token);
  if (tokenIdOf(token) === tokenId) return { salt, hash };
  if (!serverKey) throw new Error('A token chosen by hand needs the server key for its lookup');
  return { keyedLookup: serverKey.lookup(token), salt, hash };
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
