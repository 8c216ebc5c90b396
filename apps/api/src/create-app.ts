import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ensurePrivateDirectory, openMeteredEventStore } from '@app/event-store';
import type { ApiConfig } from './api.config.js';
import { AppModule } from './app.module.js';
import { serveDashboard } from './dashboard/dashboard.static.js';
import { IMPORT_MULTIPART_LIMITS } from './imports/imports.controller.js';
import { correlationIdOf, type LedgerRequest } from './http/command-context.decorator.js';
import { ErrorFilter } from './http/error.filter.js';
import { harden } from './http/hardening.js';
import { EtagInterceptor } from './http/etag.interceptor.js';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import type { IdempotencyStore } from './http/idempotency.store.js';
import { validationPipe } from './http/validation.js';
import { defaultLogFormat, LedgerLogger } from './logging/ledger-logger.js';
import { logRequests } from './logging/request-log.js';
import { LedgerMetrics } from './metrics/ledger-metrics.service.js';
import { MetricsListener } from './metrics/metrics-listener.js';
import { observeRequests } from './metrics/request-metrics.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the application exactly as `main.ts` serves it, so end-to-end tests exercise the same wiring. */
export async function createApp(config: ApiConfig, options: { logger?: false | LedgerLogger } = {}): Promise<NestFastifyApplication> {
  // Owner-only before anything creates a file in it: keys, token verifiers and personal data live there.
  ensurePrivateDirectory(config.dataDir);
  // Opened first, outside dependency injection, so a bad store file stops start-up with its own message.
  const store = openMeteredEventStore(config.eventStore);
  const logger = options.logger === false ? undefined : (options.logger ?? new LedgerLogger(config.logFormat ?? defaultLogFormat(process.stdout.isTTY === true)));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, store),
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { logger: logger ?? false, abortOnError: false },
  );
  app.enableShutdownHooks();
  harden(app.getHttpAdapter().getInstance());
  // Uploads (spreadsheet imports) only: strict limits, so a hostile form is a 413 before it is held in memory.
  await app.register(fastifyMultipart as never, { limits: IMPORT_MULTIPART_LIMITS, throwFileSizeLimit: true });
  if (logger) logRequests(app.getHttpAdapter().getInstance(), logger);
  observeRequests(app.getHttpAdapter().getInstance(), app.get(LedgerMetrics), app.get(MetricsListener));
  await serveDashboard(app);
  // Browsers may call the API only from the origins configured; without any, no CORS headers are sent at all.
  if (config.corsOrigins && config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Correlation-Id'] });
  }
  const clock = config.clock ?? (() => new Date());
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request: LedgerRequest, reply) => {
      request.correlationId = correlationIdOf(request.headers['x-correlation-id']);
      request.clock = clock;
      void reply.header('X-Correlation-Id', request.correlationId);
    });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter());
  // Outermost first: the ETag is set on fresh and on replayed answers alike.
  app.useGlobalInterceptors(app.get(EtagInterceptor), app.get(IdempotencyInterceptor));
  const idempotency = app.get<IdempotencyStore>(IDEMPOTENCY_STORE);
  app.getHttpAdapter().getInstance().addHook('onClose', async () => idempotency.close());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Programme Ledger')
      .setDescription(
        'Event-sourced ledger of EU-funded regional innovation projects. Every write answers with the entity id, ' +
          'its stream, revision (also the ETag) and the global log position.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
