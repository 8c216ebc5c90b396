import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessRegistry } from '@app/access';
import { EVENT_STORE, EVENT_STORE_CONFIG, type EventStore, type EventStoreConfig } from '@app/event-store';
import { IndicatorCalculator, ProjectionEngine } from '@app/reporting';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator.js';
import { healthOf, readinessOf } from './health.status.js';
import { HealthDto, LivenessDto, ReadinessDto } from './health.responses.dto.js';
export { DEFAULT_READY_MAX_LAG } from './health.status.js';

const PING_TIMEOUT_MS = 3000;

/** LEDGER_READY_MAX_LAG: how many events the read models may be behind the log while the instance is ready. */
export const READY_MAX_LAG = Symbol.for('programme-ledger.ReadyMaxLag');

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_CONFIG) private readonly config: EventStoreConfig,
    private readonly registry: AccessRegistry,
    private readonly engine: ProjectionEngine,
    private readonly calculator: IndicatorCalculator,
    @Inject(READY_MAX_LAG) private readonly maxLag: number,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (it looks at nothing else, so a slow store never restarts it)' })
  @ApiResponse({ status: 200, type: LivenessDto, description: 'The process answers' })
  live() {
    return { status: 'live' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the store answers, the followers follow the log, and no read model is rebuilding or too far behind' })
  @ApiResponse({ status: 200, type: ReadinessDto, description: 'Ready to serve: route requests here' })
  @ApiResponse({ status: 503, type: ReadinessDto, description: 'Not ready; `reasons` says why (store down, follower not following, read model rebuilding, lag over LEDGER_READY_MAX_LAG, indicators loading)' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    let error: Error | undefined;
    let lag: number | null = null;
    try {
      await withTimeout(this.store.ping(), PING_TIMEOUT_MS);
      // Counted in events, not positions (EventStoreDB positions are byte offsets), and only up to one past the limit.
      const behind = await withTimeout(this.store.readAll({ afterPosition: this.engine.position, maxCount: this.maxLag + 1 }), PING_TIMEOUT_MS);
      lag = behind.length;
    } catch (failure) {
      error = failure instanceof Error ? failure : new Error(String(failure));
    }
    const rebuilding = this.engine.status().filter((s) => s.state !== 'live').map((s) => s.name);
    const { httpStatus, body } = readinessOf({
      eventStore: { kind: this.config.kind, error },
      followers: [this.registry.followerStatus, this.engine.followerStatus],
      rebuilding,
      lag,
      maxLag: this.maxLag,
      indicatorsLoading: this.calculator.indexLoading(),
    });
    if (httpStatus !== HttpStatus.OK) reply.status(httpStatus);
    return body;
  }

  @Get()
  @ApiOperation({ summary: 'Whether the event store answers and the service follows its log' })
  @ApiResponse({ status: 200, type: HealthDto, description: 'The event store answers; every follower of the log is live, catching up or connecting' })
  @ApiResponse({ status: 503, type: HealthDto, description: 'The event store does not answer, or a follower of the log lost it and is reconnecting' })
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
