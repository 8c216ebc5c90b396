import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiConfig } from '../api.config.js';

/** LEDGER_METRICS_PORT: where /metrics is served when not on the API's port; null: on the API's port. */
export const METRICS_ENDPOINT = Symbol.for('programme-ledger.MetricsEndpoint');
export type MetricsEndpoint = { host: string; port: number } | null;

export const METRICS_PATH = '/metrics';

/**
 * A second listener that serves /metrics and nothing else, so the metrics can be reachable where the API is
 * not (a monitoring network) or the other way round. Its requests go through the application itself (the
 * same access guard, rate limit, request log and histogram); anything but GET /metrics is a 404 before that.
 * Without LEDGER_METRICS_PORT nothing listens and /metrics is a route of the API.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  /** Requests that came in on this listener: the only ones /metrics answers when it has a port of its own. */
  private readonly arrivedHere = new WeakSet<IncomingMessage>();

  constructor(
    @Inject(METRICS_ENDPOINT) private readonly endpoint: MetricsEndpoint,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Whether /metrics has a port of its own (then the API's port answers it 404). */
  get separate(): boolean {
    return this.endpoint !== null;
  }

  /** Where it listens (the port the system chose when configured as 0); null when not listening. */
  get address(): AddressInfo | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  cameHere(request: IncomingMessage): boolean {
    return this.arrivedHere.has(request);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.endpoint) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const server = createServer((request, response) => this.handle(fastify, request, response));
    this.server = server;
    const { host, port } = this.endpoint;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(fastify: FastifyInstance, request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== METRICS_PATH) {
      response.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'This port serves GET /metrics only' }));
      return;
    }
    this.arrivedHere.add(request);
    fastify.ready().then(
      () => fastify.routing(request, response),
      () => {
        response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'The service is starting' }));
      },
    );
  }
}

/** Unset, or the API's own port: on the API. A port of its own (0: any free one) gets a listener on HOST. */
export function metricsEndpointOf(config: Pick<ApiConfig, 'host' | 'port' | 'metricsPort'>): MetricsEndpoint {
  const { metricsPort } = config;
  if (metricsPort === undefined || (metricsPort === config.port && metricsPort !== 0)) return null;
  return { host: config.host, port: metricsPort };
}
