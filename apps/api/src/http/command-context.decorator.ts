import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '@app/programme';
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

export type LedgerRequest = FastifyRequest & { actor?: string; correlationId?: string; clock?: Clock };

/** The request's actor, correlation and If-Match, with the time it is handled. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<LedgerRequest>();
  return {
    actor: request.actor!,
    correlationId: request.correlationId!,
    causationId: randomUUID(),
    now: (request.clock ?? (() => new Date()))(),
    ifMatch: parseIfMatch(request.headers['if-match']),
  };
});

/** X-Correlation-Id from the caller when it is sane, otherwise a new one; echoed on the answer. */
export function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}
