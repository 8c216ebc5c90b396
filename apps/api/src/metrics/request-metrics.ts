import type { FastifyInstance } from 'fastify';
import type { AuthenticatedRequest } from '../http/access.guard.js';
import type { LedgerMetrics } from './ledger-metrics.service.js';
import { METRICS_PATH, type MetricsListener } from './metrics-listener.js';

/**
 * Feeds every answered request into the metrics (its route template, never its URL), and keeps /metrics off
 * the API's port when LEDGER_METRICS_PORT gives it one of its own. Rate-limit refusals and idempotency
 * replays are read from the answer (its 429 and the limit the guard noted on the request, its
 * `Idempotency-Replayed` header), so the guard and the interceptor on the hot path stay as they are.
 */
export function observeRequests(fastify: FastifyInstance, metrics: LedgerMetrics, listener: MetricsListener): void {
  if (listener.separate) {
    fastify.addHook('onRequest', async (request, reply) => {
      // The route the router matched, not the raw URL: the router decodes (`/%6Detrics` is /metrics to it) and
      // may forgive a trailing slash, so comparing the URL's text let /metrics through on the API's port.
      if (request.routeOptions.url === METRICS_PATH && !listener.cameHere(request.raw)) {
        // Before the guard: this port has no metrics for anyone, with or without a token.
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'The metrics are served on LEDGER_METRICS_PORT, not on this port' });
      }
    });
  }
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.answered({
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
      replayed: reply.getHeader('idempotency-replayed') === 'true',
      rateLimited: (request as unknown as AuthenticatedRequest).rateLimited,
    });
  });
}
