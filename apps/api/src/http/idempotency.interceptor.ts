import {
  BadRequestException,
  Inject,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { from, of, type Observable } from 'rxjs';
import { finalize, mergeMap, tap } from 'rxjs/operators';
import type { LedgerRequest } from './command-context.decorator.js';
import { IdempotencyStore } from './idempotency.store.js';

export const IDEMPOTENCY_STORE = Symbol.for('programme-ledger.IdempotencyStore');
const HTTP_CODE_METADATA = '__httpCode__';
const KEY = /^[\x21-\x7e]{1,200}$/;

/** JSON with keys sorted, so the same body sent with its fields in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const KILL_HOOK = 'LEDGER_TEST_ONLY_KILL_BEFORE_SAVING_IDEMPOTENT_ANSWER';
const killBeforeSaving = () => process.env.NODE_ENV === 'test' && process.env[KILL_HOOK] === '1';

/**
 * `Idempotency-Key`: the same key with the same request answers the first answer again and writes nothing;
 * the same key with another request is a 422. Requests with the same key wait for each other.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<LedgerRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const actor = request.actor ?? 'anonymous';
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    const slot = `${actor}\n${key}`;
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;

    return from(this.waitForTurn(slot)).pipe(
      mergeMap((release) => {
        const stored = this.store.find(actor, key);
        if (stored) {
          release();
          if (stored.requestHash !== requestHash) {
            throw new UnprocessableEntityException(
              'This Idempotency-Key was already used with a different request; use a new key for a new request',
            );
          }
          context.switchToHttp().getResponse<FastifyReply>().status(stored.status);
          return of(stored.body);
        }
        return next.handle().pipe(
          tap((body) => {
            if (killBeforeSaving()) process.kill(process.pid, 'SIGKILL');
            this.store.save(actor, key, { requestHash, status, body });
          }),
          finalize(release),
        );
      }),
    );
  }

  private async waitForTurn(slot: string): Promise<() => void> {
    while (this.inFlight.has(slot)) await this.inFlight.get(slot);
    let release!: () => void;
    this.inFlight.set(slot, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.inFlight.delete(slot);
      release();
    };
  }
}
