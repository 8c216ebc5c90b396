import { jest } from '@jest/globals';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { ErrorFilter } from './error.filter.js';

describe('error filter, for the unexpected', () => {
  it('answers 500 with only the correlation id, and logs where it happened but not the message (it may quote personal data)', () => {
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
      switchToHttp: () => ({ getRequest: () => ({ correlationId: 'corr-1' }), getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    try {
      new ErrorFilter().catch(new Error('UNIQUE constraint failed: anna.soderberg@example.se'), host);
    } finally {
      spy.mockRestore();
    }
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
