import { Controller, Get, Inject, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, StreamNotFoundError, streamName, type EventStore } from '@app/event-store';
import type { ReportEvent } from '@app/programme';
import type { Principal } from '@app/access';
import { FunderReports, ProjectAudit, ReadModels, XLSX_CONTENT_TYPE, type SubmittedReportRecord } from '@app/reporting';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';
import { FunderReportQueryDto } from './funder-report-query.dto.js';
import { FunderReportDto } from './funder-report.responses.dto.js';
import { funderReportXlsx } from './funder-report.sheets.js';

/**
 * A submitted report in the funder's layout (Jems: target, previously reported, this report, cumulative per
 * indicator), computed from frozen log positions only, so the same document, with the same digest, comes out
 * whenever it is asked for.
 */
@ApiTags('audit')
@ApiExtraModels(FunderReportDto)
@Controller('api')
export class FunderReportController {
  private readonly reports: FunderReports;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    audit: ProjectAudit,
  ) {
    this.reports = new FunderReports(audit, readModels.db);
  }

  @Get('reports/:id/funder-report')
  @Access('figures:read', 'report')
  @ReadRoute()
  @ApiProduces('application/json', XLSX_CONTENT_TYPE)
  @ApiOperation({
    description:
      'Per indicator: code, name, unit, target, baseline, previously reported (the previous report\'s cumulative figures as of its own ' +
      'frozen position), this report and cumulative (from the project\'s start to the end of this report\'s period, as of this report\'s ' +
      'frozen position). Distinct counts are never summed over periods; GET /api/indicators/catalogue states the rule per indicator ' +
      '(`funderReport`). Only submitted reports exist, so there is no unsubmitted report to refuse.',
  })
  @ApiResponse({
    status: 200,
    description: 'The funder report (format=xlsx: a workbook with the same figures, and the digest in a cell of the sheet "Report")',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(FunderReportDto) } },
      [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  async funderReport(
    @IdParam() reportId: string,
    @Query() query: FunderReportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.submitted(reportId);
    // The previous report is looked up among those recorded before this one: the read models must hold them.
    await this.readModels.ready('all', report.submittedPosition);
    const lang = query.lang ?? 'en';
    const document = await this.reports.produce(report, lang, principal.actor);
    if (query.format !== 'xlsx') return document;
    void reply.header('Content-Type', XLSX_CONTENT_TYPE);
    void reply.header('Content-Disposition', `attachment; filename="funder-report-${reportId}-${lang}.xlsx"`);
    return funderReportXlsx(document, lang);
  }

  private async submitted(reportId: string): Promise<SubmittedReportRecord> {
    try {
      const [recorded] = await this.store.readStream(streamName('report', reportId), { maxCount: 1 });
      const { data } = recorded as unknown as Extract<ReportEvent, { type: 'ReportSubmitted' }>;
      return { reportId, projectId: data.projectId, label: data.label, figures: data.figures, digest: data.digest, submittedPosition: recorded.position };
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new NotFoundException(`Report ${reportId} does not exist`);
      throw error;
    }
  }
}
