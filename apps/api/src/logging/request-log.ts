import type { FastifyInstance } from 'fastify';
import type { LedgerRequest } from '../http/command-context.decorator.js';
import type { LedgerLogger } from './ledger-logger.js';

/**
 * One line per answered request, from fields chosen one by one (never the URL, a header or a body), so no
 * token, name, e-mail or reason can reach the log through it.
 */
export function logRequests(fastify: FastifyInstance, logger: LedgerLogger): void {
  fastify.addHook('onResponse', async (request: LedgerRequest, reply) => {
    logger.request({
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      correlationId: request.correlationId ?? null,
      actor: request.actor ?? null,
    });
  });
}
