import { ConsoleLogger, type LogLevel } from '@nestjs/common';

export type LogFormat = 'json' | 'text';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'text'];

/** What a request line holds: nothing from the URL's path values or search, no header, no body. */
export interface RequestLogFields {
  method: string;
  /** The route template (`/api/projects/:projectId`), never the raw URL: search parameters can hold names. */
  route: string;
  status: number;
  durationMs: number;
  correlationId: string | null;
  /** `token:<id>` or `oidc:<subject>`; null when the request was not authenticated. */
  actor: string | null;
}

/** Log shippers want one JSON object per line; a person at a terminal wants text. */
export function defaultLogFormat(stdoutIsTerminal: boolean): LogFormat {
  return stdoutIsTerminal ? 'text' : 'json';
}

/**
 * Nest's console logger, with `time` (ISO 8601) on every JSON line so shippers need no parsing of epoch
 * milliseconds, and request lines whose fields are top-level JSON keys a shipper can index.
 */
export class LedgerLogger extends ConsoleLogger {
  constructor(
    readonly format: LogFormat,
    logLevels: LogLevel[] = ['log', 'warn', 'error', 'fatal'],
  ) {
    super({ json: format === 'json', colors: format === 'text' && process.stdout.isTTY === true, logLevels });
  }

  request(fields: RequestLogFields): void {
    if (!this.isLevelEnabled('log')) return;
    const message = `${fields.method} ${fields.route} ${fields.status} ${fields.durationMs} ms`;
    if (this.format === 'json') {
      process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'log', pid: process.pid, message, context: 'Request', ...fields })}\n`);
    } else {
      this.log(`${message} correlation=${fields.correlationId ?? '-'} actor=${fields.actor ?? '-'}`, 'Request');
    }
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    return { time: new Date().toISOString(), ...super.getJsonLogObject(message, options) };
  }
}
