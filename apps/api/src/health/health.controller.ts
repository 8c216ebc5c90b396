import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EVENT_STORE_CONFIG, type EventStore, type EventStoreConfig } from '@app/event-store';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator.js';

const PING_TIMEOUT_MS = 3000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_CONFIG) private readonly config: EventStoreConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the event store answers' })
  @ApiResponse({ status: 200, description: 'The event store answers' })
  @ApiResponse({ status: 503, description: 'The event store does not answer' })
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await withTimeout(this.store.ping(), PING_TIMEOUT_MS);
      return { status: 'ok', eventStore: { kind: this.config.kind, status: 'up' } };
    } catch (error) {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      // The reason is the store's own message (no stack, no internals), so an operator knows where to look.
      return {
        status: 'unavailable',
        eventStore: { kind: this.config.kind, status: 'down', reason: (error as Error).message.split('\n')[0] },
      };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
