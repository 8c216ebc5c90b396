import { applyDecorators, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { XLSX_CONTENT_TYPE } from '@app/reporting';
import type { FastifyReply } from 'fastify';
import { tap, type Observable } from 'rxjs';

export type FileFormat = 'csv' | 'xlsx';

const MEDIA: Record<FileFormat, { header: string; documented: string }> = {
  csv: { header: 'text/csv; charset=utf-8', documented: 'text/csv' },
  xlsx: { header: XLSX_CONTENT_TYPE, documented: XLSX_CONTENT_TYPE },
};

/**
 * Sets the file's Content-Type only once the handler has its answer. `@Header` would set it before the pipes
 * run, and a 400 from validation would then be JSON declared as a spreadsheet: Fastify refuses to send that
 * and the caller got a 500.
 */
class FileContentType implements NestInterceptor {
  constructor(private readonly contentType: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(tap(() => void reply.header('Content-Type', this.contentType)));
  }
}

/**
 * A route answering a file: its Content-Type, and its 200 documented as that media type (a binary body with a
 * Content-Disposition filename). Errors stay JSON, as {@link ReadRoute} documents them, so no ApiProduces here.
 */
export function FileResponse(format: FileFormat, description: string) {
  const { header, documented } = MEDIA[format];
  return applyDecorators(
    UseInterceptors(new FileContentType(header)),
    ApiResponse({
      status: 200,
      description,
      content: { [documented]: { schema: { type: 'string', format: 'binary' } } },
      headers: {
        'Content-Disposition': {
          description: `attachment; filename="….${format}"`,
          schema: { type: 'string' },
        },
      },
    }),
  );
}

/** `indicators-<id>-from-2025-01-01-to-2025-06-30`: what the period asked for, in the file's name. */
export function periodSuffix(query: { from?: string; to?: string }): string {
  return `${query.from ? `-from-${query.from}` : ''}${query.to ? `-to-${query.to}` : ''}`;
}
