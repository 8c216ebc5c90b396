import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { entityIdSource, type CommandContext } from '@app/programme';
import type { FastifyRequest } from 'fastify';

export type Clock = () => Date;

const CORRELATION_ID = /^[\w.:@-]{1,128}$/;

/** Parses `If-Match: "3"` (also W/"3" and bare 3) into a revision; anything else is a 400. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (!match) throw new BadRequestException('If-Match must be the revision from an ETag, e.g. "3"');
  return Number(match[1]);
}

export type LedgerRequest = FastifyRequest & {
  actor?: string;
  correlationId?: string;
  clock?: Clock;
  /** Set by the IdempotencyInterceptor once it has checked the request's Idempotency-Key: its hash with the actor. */
  idempotencyKey?: string;
};

/** The request's actor, correlation, If-Match and Idempotency-Key, with the time it is handled. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<LedgerRequest>();
  // Ids derived per route and path: the same key sent to another URL (a mistake the saved answer refuses
  // while it is kept) must not reach the entity the first request created.
  const scope = `${request.method} ${request.url.split('?')[0]}`;
  return {
    actor: request.actor!,
    correlationId: request.correlationId!,
    causationId: randomUUID(),
    now: (request.clock ?? (() => new Date()))(),
    ifMatch: parseIfMatch(request.headers['if-match']),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    newEntityId: entityIdSource(request.idempotencyKey, scope),
  };
});

/** X-Correlation-Id from the caller when it is sane, otherwise a new one; echoed on the answer. */
export function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}
