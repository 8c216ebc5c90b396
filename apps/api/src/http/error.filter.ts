import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import {
  AccessDeniedError,
  AppendTooLargeError,
  ExplicitTransactionError,
  ImpossiblePositionError,
  InvalidEventError,
  InvalidStreamNameError,
  StoreUnavailableError,
  StreamDeletedError,
} from '@app/event-store';
import { AlreadyExists, ConcurrencyConflict, NotFound, RuleViolation, StaleRevision } from '@app/programme';
import { ReadModelsNotReady } from '@app/reporting';
import type { FastifyReply } from 'fastify';
import type { LedgerRequest } from './command-context.decorator.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  503: 'Service Unavailable',
};

function answer(status: number, message: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { statusCode: status, error: REASONS[status] ?? 'Error', message, ...extra } };
}

/**
 * Every refusal becomes a 4xx a person can act on; anything unexpected becomes a 500 that says only that
 * it happened and under which correlation id it was logged. No stack trace or SQL ever leaves the server.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<LedgerRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.map(error, request.correlationId);
    if (error instanceof ReadModelsNotReady) void reply.header('Retry-After', String(error.retryAfterSeconds));
    void reply.status(status).send(body);
  }

  private map(error: unknown, correlationId: string | undefined): Answer {
    if (error instanceof HttpException) {
      const response = error.getResponse();
      return {
        status: error.getStatus(),
        body: typeof response === 'string' ? answer(error.getStatus(), response).body : (response as Record<string, unknown>),
      };
    }
    if (error instanceof RuleViolation) return answer(422, error.message);
    if (error instanceof NotFound) return answer(404, error.message);
    if (error instanceof AlreadyExists) return answer(409, error.message);
    if (error instanceof ConcurrencyConflict) return answer(409, error.message);
    if (error instanceof StaleRevision) {
      return answer(412, error.message, { currentRevision: error.actual === 'none' ? null : error.actual });
    }
    if (error instanceof InvalidStreamNameError || error instanceof InvalidEventError) return answer(400, error.message);
    if (error instanceof ReadModelsNotReady) return answer(503, error.message);
    if (error instanceof AppendTooLargeError) {
      return answer(
        413,
        `This change is too large to record at once (${error.size} bytes; the event store takes at most ${error.limit} bytes per change); nothing was written`,
      );
    }
    if (error instanceof StreamDeletedError) {
      return answer(410, 'This record was deleted in the event store by its operator; it can no longer be read or changed');
    }
    // The store's set-up is wrong (credentials, a legacy writer, a server bug): the operator must act, the caller
    // can only retry later. Their messages name streams and positions, never personal data, so they are logged.
    if (error instanceof AccessDeniedError || error instanceof ExplicitTransactionError || error instanceof ImpossiblePositionError) {
      this.logger.error(`${correlationId}: ${error.name}: ${error.message}`);
      return answer(503, `The event store cannot serve this right now (logged under correlation id ${correlationId}); nothing was written`);
    }
    if (error instanceof StoreUnavailableError) {
      this.logger.error(`${correlationId}: ${error.message}`);
      return answer(503, 'The event store is not available right now; nothing was written. Try again shortly.');
    }
    // Fastify's own refusals (body too large, malformed JSON, wrong content type) carry their status.
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return answer(statusCode, (error as Error).message);
    }
    this.logger.error(`${correlationId}: ${withoutMessage(error)}`);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: `Something went wrong on our side; it was logged under correlation id ${correlationId}.`,
      },
    };
  }
}

/**
 * An unexpected error's class and where it happened, without its message: messages of lower layers (SQLite
 * constraints, JSON parsing) can quote the values involved, and logs must never hold personal data.
 */
function withoutMessage(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}`;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [error.name, ...frames].join('\n');
}
