import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ApiConfig } from './api.config.js';
import { AppModule } from './app.module.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the application exactly as `main.ts` serves it, so end-to-end tests exercise the same wiring. */
export async function createApp(config: ApiConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { logger: options.logger ?? ['log', 'warn', 'error'], abortOnError: false },
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Programme Ledger')
      .setDescription('Event-sourced ledger of EU-funded regional innovation projects')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
