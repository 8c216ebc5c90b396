import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessRegistry, mayTouchProject, PERMISSIONS, roleMay, type Authentication, type OidcVerifier, type Principal } from '@app/access';
import { EVENT_STORE, streamName, StreamNotFoundError, type EventStore } from '@app/event-store';
import type { FastifyReply } from 'fastify';
import { ACCESS_RULE, type AccessRule, type ProjectScope } from './access.decorator.js';
import type { LedgerRequest } from './command-context.decorator.js';
import { IS_PUBLIC } from './public.decorator.js';
import { RATE_LIMITER, type RateLimiter, type RateLimitKind } from './rate-limiter.js';

export const OIDC_VERIFIER = Symbol.for('programme-ledger.OidcVerifier');

const REFUSALS: Record<Exclude<Authentication, { principal: Principal }>['refused'], string> = {
  unknown: 'This token is not valid',
  expired: 'This token has expired',
  revoked: 'This token has been revoked',
  'chosen-before-keyed-lookup':
    'This token was chosen by hand and granted by an older version, whose record in the log lets anyone who reads ' +
    'the log test guesses of it, so it no longer signs in. On the server host, run "ledger access grant-admin" ' +
    'for a new admin token, then revoke this one',
};

export type AuthenticatedRequest = LedgerRequest & {
  principal?: Principal;
  /** Set on a 429 by the limit that refused it, for the metrics (a stolen token and a guessing address differ). */
  rateLimited?: RateLimitKind;
};

class TooManyRequests extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super({ statusCode: 429, error: 'Too Many Requests', message: `Too many requests; try again in ${retryAfterSeconds} s` }, 429);
  }
}

/**
 * Authentication (a ledger token, or a JWT from the configured OpenID Connect issuer), then the route's
 * declared permission for the caller's role, then the project it touches against the caller's projects.
 * Refusals happen here, before any handler runs, so a refused request writes nothing.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly projectOfEntity = new Map<string, string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly registry: AccessRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(OIDC_VERIFIER) private readonly oidc: OidcVerifier | null,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler());
    if (!rule) throw new ForbiddenException('This route declares no access rule, so it is closed to everyone');

    const principal = await this.authenticate(request, reply);
    const wait = this.limiter.take(principal.actor);
    if (wait > 0) {
      request.rateLimited = 'token';
      void reply.header('Retry-After', String(wait));
      throw new TooManyRequests(wait);
    }
    if (!roleMay(principal.role, rule.permission)) {
      throw new ForbiddenException(`The ${principal.role} role does not have ${rule.permission}`);
    }
    if (PERMISSIONS[rule.permission] === 'project' && principal.projects !== 'all' && rule.scope && rule.scope !== 'listing') {
      const projectId = await this.projectOf(rule.scope, (request.params as Record<string, string>).id);
      // An unknown entity goes on to the handler, which answers 404 without touching anything.
      if (projectId !== undefined && !mayTouchProject(principal, projectId)) {
        // Says nothing about what is there or whose it is: naming the project would confirm both.
        throw new ForbiddenException('You have no access to this');
      }
    }
    request.principal = principal;
    request.actor = principal.actor;
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, reply: FastifyReply): Promise<Principal> {
    const header = request.headers.authorization;
    // The scheme is case-insensitive (RFC 7235): bearer, Bearer and BEARER are the same.
    const match = typeof header === 'string' ? /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header.trim()) : null;
    if (!match) throw new UnauthorizedException('A token is required: send Authorization: Bearer <token>');
    const token = match[1];
    const now = request.clock?.() ?? new Date();
    // Wrong guesses cost a slot of the sender's address, so tokens cannot be guessed at speed.
    const refuse = (message: string): never => {
      const wait = this.limiter.take(`address:${request.ip}`);
      if (wait > 0) {
        request.rateLimited = 'address';
        void reply.header('Retry-After', String(wait));
        throw new TooManyRequests(wait);
      }
      throw new UnauthorizedException(message);
    };
    if (this.oidc && token.split('.').length === 3) {
      const result = await this.oidc.verify(token, now);
      if ('principal' in result) return result.principal;
      return refuse(result.refused);
    }
    if (!(await this.registry.whenReady(10_000))) {
      throw new ServiceUnavailableException('Access control is still loading the grants from the event store; try again shortly');
    }
    const result = await this.registry.authenticate(token, now);
    if ('principal' in result) return result.principal;
    return refuse(REFUSALS[result.refused]);
  }

  private async projectOf(scope: Exclude<ProjectScope, 'listing'>, id: string | undefined): Promise<string | undefined> {
    if (!id) return undefined;
    if (scope === 'project') return id;
    const stream = streamName(scope, id);
    const known = this.projectOfEntity.get(stream);
    if (known) return known;
    try {
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      const projectId = (first?.data as { projectId?: unknown } | undefined)?.projectId;
      if (typeof projectId !== 'string') return undefined;
      // An entity never moves to another project, so what its first event says holds for good.
      this.projectOfEntity.set(stream, projectId);
      return projectId;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }
}
