import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ROLES, SCOPED_ROLES, type Role } from './access-token.decider.js';
import type { Principal } from './access.registry.js';
import { unsafeInName } from './safe-text.js';

export interface OidcOptions {
  /** The issuer's URL, exactly as in its tokens' `iss`; its keys come from its discovery document. */
  issuer: string;
  audience: string;
  /** The claim holding the ledger role (admin, staff, auditor, viewer). */
  roleClaim: string;
  /** The claim holding the project ids a staff member or viewer may touch. */
  projectsClaim: string;
}

const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Single sign-on: JWTs signed by an OpenID Connect issuer, verified with `jose` against the issuer's JWKS
 * (fetched from its discovery document on first use and cached; unknown key ids trigger a refetch, rate
 * limited by jose). The role and projects come from configurable claims.
 */
export class OidcVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly options: OidcOptions) {}

  async verify(token: string, now: Date): Promise<{ principal: Principal } | { refused: string }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        // A token without an expiry would be good forever, whoever copied it.
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') return { refused: 'This sign-in has expired' };
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (error as { claim?: string }).claim === 'exp') {
        return { refused: 'The sign-in token has no expiry (exp); ask the issuer for tokens that expire' };
      }
      if (code === undefined) this.keys = undefined; // the issuer was unreachable: try discovery again next time
      return { refused: 'This sign-in token is not valid for this ledger' };
    }
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      return { refused: 'The sign-in token says it was issued in the future (iat); check the clocks of the issuer and this server' };
    }
    const role = payload[this.options.roleClaim];
    if (typeof payload.sub !== 'string' || !payload.sub) return { refused: 'The sign-in token names no subject' };
    // The subject becomes the actor of events and log lines: a line break or a bidirectional override in it
    // would forge a log line or disguise who acted.
    if (payload.sub.length > 255 || unsafeInName(payload.sub)) {
      return { refused: 'The sign-in token\'s subject (sub) holds control characters or is longer than 255 characters' };
    }
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      return { refused: `The sign-in token's ${this.options.roleClaim} claim is not one of ${ROLES.join(', ')}` };
    }
    const projects = payload[this.options.projectsClaim];
    if (SCOPED_ROLES.includes(role as Role)) {
      if (!Array.isArray(projects) || projects.length === 0 || !projects.every((p) => typeof p === 'string')) {
        return { refused: `A ${role} needs the projects it may touch in the ${this.options.projectsClaim} claim` };
      }
      return { principal: { actor: `oidc:${payload.sub}`, role: role as Role, projects: projects as string[] } };
    }
    return { principal: { actor: `oidc:${payload.sub}`, role: role as Role, projects: 'all' } };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= (async () => {
      const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
      const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
      if (typeof jwksUri !== 'string') throw new Error(`OpenID discovery at ${url} names no jwks_uri`);
      return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    })();
    return this.keys.catch((error) => {
      this.keys = undefined;
      throw error;
    });
  }
}
