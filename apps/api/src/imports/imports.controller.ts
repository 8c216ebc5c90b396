import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { roleMay, type Principal } from '@app/access';
import type { CommandContext } from '@app/programme';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';
import { Ctx } from '../http/command-context.decorator.js';
import { AcceptsBodies } from '../http/hardening.js';
import { validationPipe } from '../http/validation.js';
import { ErrorDto } from '../programme/common.dto.js';
import { IdParam } from '../programme/id.param.js';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { ImportService, refusedImport } from './import.service.js';
import { ImportFieldsDto, ImportListDto, ImportQueryDto, ImportRefusedDto, ImportReportDto, ImportUploadDto } from './imports.dto.js';
import { MAX_IMPORT_FILE_BYTES } from './import-table.js';

/** The multipart limits: one file of at most 10 MB and the two small fields beside it. */
export const IMPORT_MULTIPART_LIMITS = {
  fileSize: MAX_IMPORT_FILE_BYTES,
  files: 1,
  fields: 4,
  fieldSize: 200,
  fieldNameSize: 50,
  parts: 5,
  headerPairs: 50,
};

/**
 * How many imports run at once in this process: reading and checking a 50,000-row sheet takes a core and a few
 * hundred megabytes for a while, and the machine serves everyone else meanwhile. The rest are told when to retry.
 */
export const MAX_CONCURRENT_IMPORTS = 2;
const BUSY_RETRY_AFTER_SECONDS = 5;

/** @fastify/multipart's refusals, as rules naming the field and the limit (its own say only "request file too large"). */
export function multipartRefusal(error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const limits = IMPORT_MULTIPART_LIMITS;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new PayloadTooLargeException(`file: at most ${limits.fileSize} bytes (${limits.fileSize / 1024 / 1024} MB); nothing was read`);
    case 'FST_FILES_LIMIT':
      return new PayloadTooLargeException(`file: one file per import (at most ${limits.files}); nothing was read`);
    case 'FST_PARTS_LIMIT':
      return new PayloadTooLargeException(`the form: at most ${limits.parts} parts (file, kind, activityId); nothing was read`);
    case 'FST_FIELDS_LIMIT':
      return new PayloadTooLargeException(`the form: at most ${limits.fields} fields beside the file (kind, activityId); nothing was read`);
    default:
      return error as Error;
  }
}

@ApiTags('imports')
@Controller('api/projects/:id/imports')
export class ImportsController {
  private running = 0;

  constructor(private readonly imports: ImportService) {}

  @Post()
  @Access('records:write', 'project')
  @AcceptsBodies('multipart/form-data')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiBearerAuth()
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiResponse({ status: 200, type: ImportReportDto, description: 'A dry run (nothing recorded), or the same file applied before: its first outcome (on a dry run marked alreadyApplied, with appliedAt)' })
  @ApiResponse({ status: 201, type: ImportReportDto, description: 'Applied: the valid rows are recorded, each event carrying the import id and row number' })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'A field, the query, or the header row is wrong (unknown, repeated or missing columns); the file is not a readable workbook; an Idempotency-Key was sent (an import is idempotent by its file)' })
  @ApiResponse({ status: 401, type: ErrorDto, description: 'No bearer token, or one that is unknown, expired, revoked or erased' })
  @ApiResponse({ status: 403, type: ErrorDto, description: "The token's role lacks records:write (or organisations:write for an organisations import), or the token is not for this project" })
  @ApiResponse({ status: 404, type: ErrorDto, description: 'No such project (or activity in it)' })
  @ApiResponse({ status: 413, type: ErrorDto, description: 'Over 10 MB (the message names the field and the limit), over 50,000 rows or 100 columns, or a workbook inflating past its budget (a zip bomb)' })
  @ApiResponse({ status: 415, type: ErrorDto, description: 'Not multipart/form-data, or a file that is neither CSV nor XLSX' })
  @ApiResponse({ status: 422, type: ImportRefusedDto, description: 'Applying with onError=refuse and some rows invalid: the report, and nothing recorded' })
  @ApiResponse({ status: 429, type: ErrorDto, description: 'Too many requests from this token or address; Retry-After says when to try again' })
  @ApiResponse({ status: 503, type: ErrorDto, description: 'The event store does not answer, the read models are rebuilding, or two imports are already running; see Retry-After' })
  async upload(
    @IdParam() projectId: string,
    @Query() { dryRun = true, onError = 'refuse' }: ImportQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Ctx() context: CommandContext,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ImportReportDto> {
    if (!request.isMultipart()) throw new UnsupportedMediaTypeException('An import is sent as multipart/form-data with a file field');
    // The saved-answer check hashes a JSON body, and a form has none: two different files under one key would
    // look alike. An import needs no key anyway: the same file is the same import.
    if (request.headers['idempotency-key'] !== undefined) {
      throw new BadRequestException('An import takes no Idempotency-Key: it is idempotent by its file (the same file again answers its first outcome)');
    }
    if (this.running >= MAX_CONCURRENT_IMPORTS) {
      void reply.header('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException(`${MAX_CONCURRENT_IMPORTS} imports are running; try again in ${BUSY_RETRY_AFTER_SECONDS} seconds (nothing was read)`);
    }
    this.running++;
    try {
      let file: Buffer | undefined;
      const fields: Record<string, unknown> = {};
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') throw new BadRequestException(`The file goes in the field "file", not "${part.fieldname.slice(0, 50)}"`);
            file = await part.toBuffer();
          } else fields[part.fieldname] = part.value;
        }
      } catch (error) {
        throw multipartRefusal(error);
      }
      if (!file) throw new BadRequestException('The form has no file field');
      const { kind, activityId } = (await validationPipe().transform(fields, { type: 'body', metatype: ImportFieldsDto })) as ImportFieldsDto;
      // Organisations are the programme's, not the project's: importing them takes what POST /api/organisations takes.
      if (kind === 'organisations' && !roleMay(principal.role, 'organisations:write')) {
        throw new ForbiddenException(`The ${principal.role} role does not have organisations:write, which an organisations import needs`);
      }
      const { status, report } = await this.imports.run({ projectId, kind, activityId: activityId?.toLowerCase(), file, dryRun, onError }, context);
      if (status === 422) throw refusedImport(report);
      void reply.status(status);
      return report;
    } finally {
      this.running--;
    }
  }

  @Get()
  @Access('records:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: ImportListDto })
  async list(@IdParam() projectId: string): Promise<ImportListDto> {
    return { items: await this.imports.list(projectId) };
  }
}
