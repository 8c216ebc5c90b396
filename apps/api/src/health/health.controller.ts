import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessRegistry } from '@app/access';
import { EVENT_STORE, EVENT_STORE_CONFIG, type EventStore, type EventStoreConfig } from '@app/event-store';
import { ProjectionEngine } from '@app/reporting';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator.js';
import { healthOf } from './health.status.js';

const PING_TIMEOUT_MS = 3000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_CONFIG) private readonly config: EventStoreConfig,
    private readonly registry: AccessRegistry,
    private readonly engine: ProjectionEngine,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the event store answers and the service follows its log' })
  @ApiResponse({ status: 200, description: 'The event store answers; every follower of the log is live, catching up or connecting' })
  @ApiResponse({ status: 503, description: 'The event store does not answer, or a follower of the log lost it and is reconnecting' })
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    let error: Error | undefined;
    try {
      await withTimeout(this.store.ping(), PING_TIMEOUT_MS);
    } catch (failure) {
      error = failure instanceof Error ? failure : new Error(String(failure));
    }
    const { httpStatus, body } = healthOf({ kind: this.config.kind, error }, [this.registry.followerStatus, this.engine.followerStatus]);
    if (httpStatus !== HttpStatus.OK) reply.status(httpStatus);
    return body;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
