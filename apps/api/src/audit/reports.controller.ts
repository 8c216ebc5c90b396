import { Body, Controller, Get, Inject, NotFoundException, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, StreamNotFoundError, streamName, type EventStore } from '@app/event-store';
import { NotFound, RecordReportVerificationCommand, SubmitReportCommand, wasReplayed, type CommandContext, type ReportEvent } from '@app/programme';
import type { Principal } from '@app/access';
import { IndicatorCalculator, ProgrammeLists, ProjectAudit, ReadModels, reportDigest, reportFigures, sealedAuditEvent } from '@app/reporting';
import { Ctx } from '../http/command-context.decorator.js';
import { CommandRoute, ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';
import { assertPeriod } from '../reporting/reporting-query.dto.js';
import { LogQueryDto, SubmitReportDto } from './audit-query.dto.js';
import {
  RecordedVerificationDto,
  ReportChangesPageDto,
  ReportDto,
  ReportListDto,
  ReportVerificationDto,
  SubmittedReportDto,
} from './reports.responses.dto.js';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';

/**
 * Reports to funders, frozen as events: the figures, the log position they were computed at, and a
 * SHA-256 digest of their canonical JSON, so that anyone can later recompute and compare.
 */
@ApiTags('audit')
@Controller('api')
export class ReportsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly calculator: IndicatorCalculator,
    private readonly lists: ProgrammeLists,
    private readonly audit: ProjectAudit,
  ) {}

  @Post('projects/:id/reports')
  @Access('reports:submit', 'project')
  @CommandRoute(201, [404, 409, 422], SubmittedReportDto)
  async submit(@IdParam() projectId: string, @Body() body: SubmitReportDto, @Ctx() context: CommandContext) {
    const period = assertPeriod(body);
    await this.readModels.ready('all', body.minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
    const { position, indicators } = this.calculator.compute({ kind: 'project', projectId }, period);
    const figures = reportFigures(projectId, period, position, indicators);
    const digest = reportDigest(figures);
    const result = await this.commands.execute(
      new SubmitReportCommand(context.newEntityId(), { projectId, label: body.label, figures, digest }, context),
    );
    if (!wasReplayed(result)) return { ...result, figuresPosition: position, digest };
    // Submitted before under this Idempotency-Key: answer the figures it froze then, not the ones computed now.
    const { event } = await this.report(result.id);
    return { ...result, figuresPosition: event.data.figures.position, digest: event.data.digest };
  }

  @Get('projects/:id/reports')
  @Access('figures:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: ReportListDto })
  async list(@IdParam() projectId: string) {
    await this.readModels.ready(['projects', 'reports']);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
    const items = this.lists.reports(projectId);
    return { projectId, items };
  }

  @Get('reports/:id')
  @Access('figures:read', 'report')
  @ReadRoute()
  @ApiOkResponse({ type: ReportDto, description: 'The report as submitted: figures, the position they stand for, digest, who and when' })
  async get(@IdParam() reportId: string) {
    const { event, position, metadata, verifications } = await this.report(reportId);
    return {
      id: reportId,
      projectId: event.data.projectId,
      label: event.data.label,
      period: event.data.figures.period,
      figuresPosition: event.data.figures.position,
      digest: event.data.digest,
      figures: event.data.figures,
      submittedAt: metadata.recordedAt,
      submittedBy: metadata.actor,
      position,
      verifications,
    };
  }

  @Get('reports/:id/verification')
  @Access('figures:read', 'report')
  @ReadRoute()
  @ApiOkResponse({
    type: ReportVerificationDto,
    description:
      'Recomputes the figures at the stored position: match or mismatch with the differences, and whether the digest holds; ' +
      'then how the figures for the period differ today, with a count by type of the later events behind that. Figures ' +
      'only: the events themselves are at GET /api/reports/{id}/verification/changes (log:read)',
  })
  async verification(@IdParam() reportId: string, @CurrentPrincipal() principal: Principal) {
    const { event } = await this.report(reportId);
    await this.readModels.ready('all');
    const verification = await this.audit.verifyReport(event.data, principal.actor);
    return { reportId, figuresPosition: event.data.figures.position, ...verification };
  }

  @Get('reports/:id/verification/changes')
  @Access('log:read', 'report')
  @ReadRoute()
  @ApiOkResponse({
    type: ReportChangesPageDto,
    description:
      'The later events behind the changed figures of the verification, in log order, paged by position (`next.after`); ' +
      'personal data stays sealed',
  })
  async changes(@IdParam() reportId: string, @Query() query: LogQueryDto, @CurrentPrincipal() principal: Principal) {
    const { event } = await this.report(reportId);
    await this.readModels.ready('all', query.minPosition);
    const page = await this.audit.changesSince(event.data, { after: query.after, limit: query.limit ?? 100 }, principal.actor);
    return { reportId, position: page.position, events: page.events.map(sealedAuditEvent), next: page.next };
  }

  @Post('reports/:id/verifications')
  @Access('reports:verify', 'report')
  @CommandRoute(201, [404], RecordedVerificationDto)
  @ApiOperation({ description: 'Verifies the report as GET .../verification does, and records the outcome (ReportVerified) with who checked' })
  async recordVerification(@IdParam() reportId: string, @Ctx() context: CommandContext, @CurrentPrincipal() principal: Principal) {
    const { event } = await this.report(reportId);
    await this.readModels.ready('all');
    const verification = await this.audit.verifyReport(event.data, principal.actor);
    const result = await this.commands.execute(
      new RecordReportVerificationCommand(
        reportId,
        {
          result: verification.result,
          digestMatches: verification.digestMatches,
          differences: verification.differences.length,
          changedSince: verification.changesSince.differences.length,
          checkedAtPosition: verification.changesSince.position,
        },
        context,
      ),
    );
    return { ...result, reportId, figuresPosition: event.data.figures.position, ...verification };
  }

  private async report(reportId: string) {
    try {
      const [recorded, ...later] = await this.store.readStream(streamName('report', reportId));
      const verifications = later
        .filter((e) => e.type === 'ReportVerified')
        .map((e) => {
          const { reportId: _, projectId: __, ...check } = (e as unknown as Extract<ReportEvent, { type: 'ReportVerified' }>).data;
          return { ...check, verifiedAt: e.metadata.recordedAt, verifiedBy: e.metadata.actor, position: e.position };
        });
      return {
        event: recorded as unknown as Extract<ReportEvent, { type: 'ReportSubmitted' }>,
        position: recorded.position,
        metadata: recorded.metadata,
        verifications,
      };
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new NotFoundException(`Report ${reportId} does not exist`);
      throw error;
    }
  }
}
