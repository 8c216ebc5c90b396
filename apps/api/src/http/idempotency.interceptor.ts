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
import { finalize, mergeMap } from 'rxjs/operators';
import { ConfigurationError } from '@app/event-store';
import { idempotencyKeyHash, wasReplayed } from '@app/programme';
import type { LedgerRequest } from './command-context.decorator.js';
import { SHOWN_ONCE } from './idempotency.decorator.js';
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

/**
 * Test-only: makes the process kill itself (SIGKILL) after a keyed command has been handled and before its
 * answer is saved, the moment a crash test needs. Refused outside NODE_ENV=test (see assertNoTestHooks).
 */
export const KILL_BEFORE_SAVING = 'LEDGER_TEST_ONLY_KILL_BEFORE_SAVING_IDEMPOTENT_ANSWER';
const killBeforeSaving = process.env.NODE_ENV === 'test' && process.env[KILL_BEFORE_SAVING] === '1';

/** A test hook set where the service really runs stops start-up rather than lie in wait. */
export function testHookProblems(env: NodeJS.ProcessEnv): string[] {
  return env[KILL_BEFORE_SAVING] && env.NODE_ENV !== 'test'
    ? [`${KILL_BEFORE_SAVING} is a crash-test hook and is refused unless NODE_ENV=test: unset it`]
    : [];
}

export function assertNoTestHooks(env: NodeJS.ProcessEnv): void {
  const problems = testHookProblems(env);
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/** The answer as it may be kept and replayed: the route's shown-once secrets replaced by a note that they were. */
function withheld(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  const kept: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) {
    kept[field] = null;
    kept[`${field}ShownOnce`] = true;
  }
  kept.message =
    `This request was already answered for this Idempotency-Key. ${fields.join(', ')} ${fields.length > 1 ? 'were' : 'was'} ` +
    'shown once, in that first answer, and is kept nowhere; if it was lost, replace it (a token: revoke this grant and grant a new one).';
  return kept;
}

/**
 * `Idempotency-Key`: the same key with the same request answers the first answer again and writes nothing;
 * the same key with another request is a 422. Requests with the same key wait for each other.
 *
 * The saved answer is only the fast path: the key (hashed with the actor) also travels with the command into
 * its events, so a command that was appended but whose answer was never saved (a crash in between) answers
 * its first outcome from the log when retried. Answers are kept for LEDGER_IDEMPOTENCY_TTL_HOURS, only when
 * small (a large one is kept as "answered": its retry runs again and answers from the log), and never with
 * the secrets a route marks @ShownOnce.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {
    assertNoTestHooks(process.env);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<LedgerRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const keyHash = idempotencyKeyHash(request.actor ?? 'anonymous', key);
    // The command context carries it into the events (see Ctx).
    request.idempotencyKey = keyHash;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const shownOnce = this.reflector.get<string[]>(SHOWN_ONCE, context.getHandler()) ?? [];
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    return from(this.waitForTurn(keyHash)).pipe(
      mergeMap((release) => {
        const stored = this.store.find(keyHash);
        if (stored && stored.requestHash !== requestHash) {
          release();
          throw new UnprocessableEntityException(
            'This Idempotency-Key was already used with a different request; use a new key for a new request',
          );
        }
        if (stored?.body !== undefined) {
          release();
          void reply.status(stored.status).header('Idempotency-Replayed', 'true');
          return of(stored.body);
        }
        // Never answered, or answered too large to keep: run it; having happened, it answers from its events.
        return next.handle().pipe(
          // Answered only once the answer is saved (grouped with the others of this moment: one fsync for many).
          mergeMap(async (body) => {
            if (killBeforeSaving) process.kill(process.pid, 'SIGKILL');
            const kept = withheld(body, shownOnce);
            await this.store.saveGrouped(keyHash, { requestHash, status, body: kept });
            if (!wasReplayed(body)) return body;
            void reply.header('Idempotency-Replayed', 'true');
            return kept;
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
