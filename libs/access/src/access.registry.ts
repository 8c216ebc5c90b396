import { createHash } from 'node:crypto';
import { LOG_RETRY_POLICY, LogFollower, type EventStore, type LogFollowerStatus, type RecordedEvent } from '@app/event-store';
import type { PersonalDataVault } from '@app/programme';
import { holderName } from './access-holder.seal.js';
import type { AccessEvent, GrantTerms, RecordedGrant, Role } from './access-token.decider.js';
import { isGeneratedWithoutId, legacyTokenLookup, tokenIdOf, tokenMatches, type ServerKey } from './access-token.secret.js';

/** Who is asking: a token of the ledger, or a user signed in through the OpenID Connect issuer. */
export interface Principal {
  /** Recorded as the actor of every event this principal causes. */
  actor: string;
  role: Role;
  /** The projects a scoped role may touch; `all` for admin and auditor. */
  projects: readonly string[] | 'all';
}

export type Authentication = { principal: Principal } | { refused: 'unknown' | 'expired' | 'revoked' | 'chosen-before-keyed-lookup' };

export interface TokenRecord extends Omit<GrantTerms, 'salt' | 'hash' | 'lookup' | 'keyedLookup'> {
  id: string;
  /** The holder's name, unsealed; null once the holder is erased. */
  name: string | null;
  status: 'active' | 'expired' | 'revoked';
  grantedAt: string;
  grantedBy: string;
  revokedAt?: string;
  revokedBy?: string;
  holderErasedAt?: string;
  holderErasedBy?: string;
  position: number;
}

interface Entry {
  tokenId: string;
  grant: RecordedGrant;
  grantedAt: string;
  grantedBy: string;
  revokedAt?: string;
  revokedBy?: string;
  holderErasedAt?: string;
  holderErasedBy?: string;
  position: number;
}

export const ACCESS_STREAM_PREFIX = 'accessToken-';
const ACCESS_FILTER = { kind: 'streamNamePrefix' as const, prefixes: [ACCESS_STREAM_PREFIX] };

/**
 * Every grant and revocation, folded from the log into memory: the guard asks it on every request, so it
 * must not wait on read models. The service applies its own grants and revocations the moment they are
 * appended (a revocation takes effect at once); a subscription brings in those written elsewhere.
 */
export class AccessRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Grants of tokens without an id, by `keyed:<HMAC lookup>` or, for grants from before keyed lookups, `legacy:<SHA-256 lookup>`. */
  private readonly byLookup = new Map<string, Set<string>>();
  /** Tokens already checked with scrypt, by their SHA-256: each token pays the slow hash once per process. */
  private readonly verified = new Map<string, string>();
  private follower?: LogFollower;

  constructor(
    private readonly store: EventStore,
    private readonly serverKey: ServerKey,
  ) {}

  private ready?: Promise<void>;
  private stopped = false;
  private wakeRetry?: () => void;
  /** Failed attempts at the first load: the registry is not following the log yet, and /health says why. */
  private loadFailures?: { count: number; lastError: string };

  /**
   * Loads every grant in the log (retrying while the store is unreachable, so the service still starts and
   * says so on /health), runs `afterLoad` (the first start's admin token), then follows new grants, and
   * keeps following them through drops (a revocation written by another instance must reach this one).
   */
  start(afterLoad?: () => Promise<void>): void {
    this.ready ??= (async () => {
      let last: number | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          last = await this.load();
          break;
        } catch (error) {
          if (this.stopped) return;
          this.loadFailures = { count: attempt, lastError: (error as Error).constructor?.name ?? 'Error' };
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, LOG_RETRY_POLICY.delayMs(attempt)).unref();
            this.wakeRetry = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (this.stopped) return;
        }
      }
      await afterLoad?.();
      if (this.stopped) return;
      this.follower = new LogFollower({
        name: 'access',
        store: this.store,
        filter: ACCESS_FILTER,
        initial: last ?? 'start',
        onEvent: (event) => this.apply(event),
      });
      this.follower.start();
    })();
  }

  /** How the registry follows the log: whether it is live, catching up or reconnecting (for /health). */
  get followerStatus(): LogFollowerStatus {
    if (this.follower) return this.follower.status;
    const failures = this.loadFailures;
    return {
      name: 'access',
      state: this.stopped ? 'stopped' : failures ? 'reconnecting' : 'connecting',
      reconnects: failures?.count ?? 0,
      lastError: failures?.lastError ?? null,
      position: null,
    };
  }

  /** Whether the grants are loaded (and the first admin created) within the time given. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (!this.ready) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.ready.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeRetry?.();
    await this.follower?.stop();
  }

  /**
   * Every grant and revocation in the log; answers where the follower takes over: the log's head as it was
   * before reading (or the last grant, if one came later). Not merely the last grant: that is usually the
   * first start's admin token near the log's beginning, and following from there would scan the whole log
   * again (applying a grant or revocation twice changes nothing).
   */
  private async load(): Promise<number | undefined> {
    const [head] = await this.store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    const last = await this.loadGrants();
    return head === undefined ? last : Math.max(head.position, last ?? 0);
  }

  private async loadGrants(): Promise<number | undefined> {
    let last: number | undefined;
    for (;;) {
      const page = await this.store.readAll({
        ...(last === undefined ? { fromPosition: 'start' as const } : { afterPosition: last }),
        maxCount: 1000,
        filter: ACCESS_FILTER,
      });
      for (const event of page) this.apply(event);
      if (page.length > 0) last = page[page.length - 1].position;
      if (page.length < 1000) return last;
    }
  }

  get empty(): boolean {
    return this.entries.size === 0;
  }

  apply(recorded: RecordedEvent): void {
    const event = recorded as unknown as AccessEvent & RecordedEvent;
    switch (event.type) {
      case 'AccessGranted': {
        const { tokenId, ...grant } = event.data;
        if (this.entries.has(tokenId)) return;
        this.entries.set(tokenId, {
          tokenId,
          grant,
          grantedAt: recorded.metadata.recordedAt,
          grantedBy: recorded.metadata.actor,
          position: recorded.position,
        });
        const lookup = grant.keyedLookup ? `keyed:${grant.keyedLookup}` : grant.lookup ? `legacy:${grant.lookup}` : undefined;
        if (lookup) this.byLookup.set(lookup, (this.byLookup.get(lookup) ?? new Set<string>()).add(tokenId));
        return;
      }
      case 'AccessRevoked': {
        const entry = this.entries.get(event.data.tokenId);
        if (entry && !entry.revokedAt) {
          entry.revokedAt = recorded.metadata.recordedAt;
          entry.revokedBy = recorded.metadata.actor;
        }
        return;
      }
      case 'AccessHolderErased': {
        const entry = this.entries.get(event.data.tokenId);
        if (entry && !entry.holderErasedAt) {
          entry.holderErasedAt = recorded.metadata.recordedAt;
          entry.holderErasedBy = recorded.metadata.actor;
        }
        return;
      }
      default:
        return;
    }
  }

  async authenticate(token: string, now: Date): Promise<Authentication> {
    const digest = createHash('sha256').update(token).digest('hex');
    let tokenId = this.verified.get(digest);
    if (!tokenId) {
      const found = await this.find(token);
      if (found === 'chosen-before-keyed-lookup') return { refused: found };
      tokenId = found;
      if (tokenId) this.verified.set(digest, tokenId);
    }
    const entry = tokenId ? this.entries.get(tokenId) : undefined;
    if (!entry) return { refused: 'unknown' };
    if (entry.revokedAt) return { refused: 'revoked' };
    if (entry.grant.expiresAt && Date.parse(entry.grant.expiresAt) <= now.getTime()) return { refused: 'expired' };
    return {
      principal: { actor: `token:${entry.tokenId}`, role: entry.grant.role, projects: entry.grant.projectIds ?? 'all' },
    };
  }

  /**
   * The grant whose scrypt hash the token matches: by the id a ledger-made token carries, else by the keyed
   * lookup of a token chosen by hand. Grants from before keyed lookups are still found by their old lookup
   * for tokens the ledger generated (256 random bits: nothing to guess); a token chosen by hand is refused,
   * since its old lookup in the log lets anyone reading the log test guesses of it offline.
   */
  private async find(token: string): Promise<string | undefined | 'chosen-before-keyed-lookup'> {
    const id = tokenIdOf(token);
    const candidates = id && this.entries.has(id) ? [id] : [...(this.byLookup.get(`keyed:${this.serverKey.lookup(token)}`) ?? [])];
    for (const candidate of candidates) {
      const { grant } = this.entries.get(candidate)!;
      if (await tokenMatches(token, grant.salt, grant.hash)) return candidate;
    }
    for (const candidate of this.byLookup.get(`legacy:${legacyTokenLookup(token)}`) ?? []) {
      const { grant } = this.entries.get(candidate)!;
      if (await tokenMatches(token, grant.salt, grant.hash)) return isGeneratedWithoutId(token) ? candidate : 'chosen-before-keyed-lookup';
    }
    return undefined;
  }

  /** Active admin tokens other than this one: the last one is never revoked. */
  activeAdminsBesides(tokenId: string, now: Date): number {
    return [...this.entries.values()].filter((entry) => entry.tokenId !== tokenId && entry.grant.role === 'admin' && this.statusOf(entry, now) === 'active').length;
  }

  private statusOf({ grant, revokedAt }: Entry, now: Date): TokenRecord['status'] {
    return revokedAt ? 'revoked' : grant.expiresAt && Date.parse(grant.expiresAt) <= now.getTime() ? 'expired' : 'active';
  }

  /** Every grant, its holder's name unsealed with the vault (null once erased). */
  list(now: Date, vault: PersonalDataVault): TokenRecord[] {
    return [...this.entries.values()]
      .sort((a, b) => a.position - b.position)
      .map((entry) => {
        const { tokenId, grant, grantedAt, grantedBy, revokedAt, revokedBy, holderErasedAt, holderErasedBy, position } = entry;
        return {
          id: tokenId,
          name: holderName(vault, grant, holderErasedAt !== undefined),
          role: grant.role,
          ...(grant.projectIds ? { projectIds: grant.projectIds } : {}),
          ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
          status: this.statusOf(entry, now),
          grantedAt,
          grantedBy,
          ...(revokedAt ? { revokedAt, revokedBy } : {}),
          ...(holderErasedAt ? { holderErasedAt, holderErasedBy } : {}),
          position,
        };
      });
  }
}
