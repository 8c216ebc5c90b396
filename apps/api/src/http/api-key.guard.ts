import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from './public.decorator.js';

export const API_KEY = Symbol.for('programme-ledger.ApiKey');
export const API_ACTOR = 'api-key';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Until access control arrives, one configured API key (`Authorization: Bearer <key>`) opens the API and
 * its holder is the actor recorded on every event.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY) apiKey: string,
  ) {
    this.expected = digest(apiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: string }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    // Comparing digests keeps the comparison constant-time whatever the length of what was sent.
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('A valid API key is required: send Authorization: Bearer <key>');
    }
    request.actor = API_ACTOR;
    return true;
  }
}
