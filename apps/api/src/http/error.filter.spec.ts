import { jest } from '@jest/globals';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import {
  AccessDeniedError,
  AppendTooLargeError,
  ExplicitTransactionError,
  ImpossiblePositionError,
  StreamDeletedError,
} from '@app/event-store';
import { ErrorFilter } from './error.filter.js';

/** The filter's answer to `error`, and what it logged. */
function answerFor(error: unknown, correlationId = 'corr-2'): { status: number; body: Record<string, unknown>; logged: string[] } {
  const logged: string[] = [];
  const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    logged.push(String(message));
  });
  let status = 0;
  let body: Record<string, unknown> = {};
  const reply = {
    header: () => reply,
    status: (code: number) => ((status = code), reply),
    send: (sent: Record<string, unknown>) => ((body = sent), reply),
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ correlationId }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  try {
    new ErrorFilter().catch(error, host);
  } finally {
    spy.mockRestore();
  }
  return { status, body, logged };
}

describe('error filter, for the unexpected', () => {
  it('answers 500 with only the correlation id, and logs where it happened but not the message (it may quote personal data)', () => {
    const { status, body, logged } = answerFor(new Error('UNIQUE constraint failed: anna.soderberg@example.se'), 'corr-1');
    expect(status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; it was logged under correlation id corr-1.',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^corr-1: Error\n\s+at /);
    expect(logged[0]).not.toContain('anna');
  });
});

describe('error filter, for the event store\'s refusals', () => {
  it('an append over the size limit is a 413 giving the size and the limit', () => {
    const { status, body } = answerFor(new AppendTooLargeError('participant-1', 2_000_000, 1_048_576));
    expect(status).toBe(413);
    expect(body.message).toContain('2000000 bytes');
    expect(body.message).toContain('1048576 bytes');
  });

  it('a stream deleted on the server is a 410', () => {
    const { status, body } = answerFor(new StreamDeletedError('participant-1'));
    expect(status).toBe(410);
    expect(body.error).toBe('Gone');
  });

  it.each([
    ['access denied', new AccessDeniedError('reading $all')],
    ['an explicit transaction', new ExplicitTransactionError('e-1', 'participant-1', 10n, 5n)],
    ['an impossible checkpoint', new ImpossiblePositionError('checkpoint', 2n ** 64n - 1n, 'a 24.10.4 bug')],
  ])('%s is a 503 for the caller (never a 500) and logged for the operator', (_, error) => {
    const { status, body, logged } = answerFor(error);
    expect(status).toBe(503);
    expect(body.message).toContain('corr-2');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain((error as Error).name);
  });
});
