import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../http/access.decorator.js';
import { ErrorDto } from '../programme/common.dto.js';
import { LedgerMetrics } from './ledger-metrics.service.js';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Access('metrics:read')
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'The service\'s figures for Prometheus: requests by route template and status, appends, the log head, each read model\'s ' +
      'position, lag and rebuild progress, reconnects, rate-limit refusals, idempotency replays, process metrics',
  })
  @ApiResponse({
    status: 200,
    description: 'Prometheus text exposition format (version 0.0.4)',
    content: { 'text/plain': { schema: { type: 'string', example: 'ledger_projection_lag_events{projection="participants"} 0' } } },
  })
  @ApiResponse({ status: 401, type: ErrorDto, description: 'No bearer token, or one that is unknown, expired, revoked or erased' })
  @ApiResponse({ status: 403, type: ErrorDto, description: "The token's role lacks metrics:read (only monitoring and admin have it)" })
  @ApiResponse({ status: 404, type: ErrorDto, description: 'LEDGER_METRICS_PORT serves the metrics on a port of their own, not on this one' })
  @ApiResponse({ status: 429, type: ErrorDto, description: 'Too many requests from this token or address; Retry-After says when to try again' })
  @ApiResponse({ status: 503, type: ErrorDto, description: 'Access control is still loading the grants from the event store; try again shortly' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
