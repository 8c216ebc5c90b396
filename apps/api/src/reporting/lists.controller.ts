import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO31661Alpha2, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ACTIVITY_FORMATS, FUNDS, NotFound, OUTCOME_KINDS, PERSONAL_DATA_VAULT, PersonalDataVault } from '@app/programme';
import { ExportLists, ProgrammeLists, ReadModels, writeCsv, writeWorkbook, type ExportSheet, type SupportScope } from '@app/reporting';
import type { FastifyReply } from 'fastify';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';
import {
  ActivitiesPageDto,
  OrganisationsPageDto,
  OutcomesPageDto,
  ParticipantsPageDto,
  PilotCasesPageDto,
  ProjectsPageDto,
} from './lists.responses.dto.js';
import { assertPeriod, page, PageQueryDto } from './reporting-query.dto.js';
import {
  EnterprisesSupportedExportQueryDto,
  EnterprisesSupportedQueryDto,
  OrganisationsExportQueryDto,
  OrganisationsQueryDto,
  ParticipantsExportQueryDto,
  ParticipantsQueryDto,
  ProgrammeEnterprisesSupportedExportQueryDto,
  ProgrammeEnterprisesSupportedQueryDto,
} from './lists-query.dto.js';
import { EnterprisesSupportedPageDto } from './enterprises-supported.dto.js';
import { FileResponse, periodSuffix, type FileFormat } from './file-response.decorators.js';
import { enterprisesSupportedSheet, organisationsSheet, participantsSheet, supportRecordsSheet } from './list-exports.sheets.js';
import type { Principal } from '@app/access';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';

class ProjectsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FUNDS }) @IsOptional() @IsIn(FUNDS) fund?: string;
  @ApiPropertyOptional({ example: 'NO' }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional({ description: 'Part of the name, any case' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
}

class ActivitiesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['lab', ...ACTIVITY_FORMATS] }) @IsOptional() @IsIn(['lab', ...ACTIVITY_FORMATS]) format?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: string;
}

class OutcomesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OUTCOME_KINDS }) @IsOptional() @IsIn(OUTCOME_KINDS) kind?: string;
  @ApiPropertyOptional({ description: 'true: only retracted outcomes; false: only standing ones; absent: both' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  retracted?: boolean;
}

class PilotCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['started', 'completed'] }) @IsOptional() @IsIn(['started', 'completed']) status?: 'started' | 'completed';
}

const PARTICIPANTS_FILE =
  "The project's participants (filtered as the JSON list), one row per person with name, e-mail, phone, gender, birth year, role, " +
  'organisation and registration date, headers per lang. Needs records:read, as the JSON list: even without names, gender, ' +
  'organisation and registration date can single a person out, so figures-only callers (viewers) get a 403 and use the indicators';
const ORGANISATIONS_FILE = 'Every organisation (filtered as the JSON list), headers per lang';
const ENTERPRISES =
  'Enterprises supported (support records and lab places) in the period: name, organisation number, country, size class, kinds of support, ' +
  'first and last dates, amounts in euro; one row per enterprise, exactly what RCO01 counts';
const SUPPORT_PROJECTIONS = ['support', 'activities', 'organisations'];

/** Paged, filterable lists for project staff, read from the read models. */
@ApiTags('lists')
@Controller('api')
export class ListsController {
  private readonly exports: ExportLists;

  constructor(
    private readonly readModels: ReadModels,
    private readonly lists: ProgrammeLists,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {
    this.exports = new ExportLists(readModels.db);
  }

  @Get('projects')
  @Access('figures:read', 'listing')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: ProjectsPageDto })
  async projects(@Query() { fund, country, name, ...query }: ProjectsQueryDto, @CurrentPrincipal() principal: Principal) {
    await this.readModels.ready(['projects'], query.minPosition);
    const only = principal.projects === 'all' ? undefined : principal.projects;
    return this.lists.projects({ fund, country, name, only }, page(query));
  }

  @Get('organisations')
  @Access('organisations:read')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: OrganisationsPageDto })
  async organisations(@Query() { type, sizeClass, country, name, ...query }: OrganisationsQueryDto) {
    await this.readModels.ready(['organisations'], query.minPosition);
    return this.lists.organisations({ type, sizeClass, country, name }, page(query));
  }

  /** Names, e-mail and phone are decrypted for the page only; an erased person shows as erased, without them. */
  @Get('projects/:id/participants')
  @Access('records:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: ParticipantsPageDto })
  async participants(@IdParam() projectId: string, @Query() { gender, role, activityId, ...query }: ParticipantsQueryDto) {
    await this.projectReady(projectId, ['participants', 'activities'], query.minPosition);
    const result = this.lists.participants(projectId, { gender, role, activityId }, page(query));
    return {
      ...result,
      items: result.items.map(({ sealedPerson, ...participant }) => ({
        ...participant,
        person: participant.erased ? null : (this.vault.unseal(sealedPerson) ?? null),
      })),
    };
  }

  @Get('projects/:id/activities')
  @Access('figures:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: ActivitiesPageDto })
  async activities(@IdParam() projectId: string, @Query() { format, status, ...query }: ActivitiesQueryDto) {
    await this.projectReady(projectId, ['activities'], query.minPosition);
    return this.lists.activities(projectId, { format, status }, page(query));
  }

  @Get('projects/:id/outcomes')
  @Access('figures:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: OutcomesPageDto })
  async outcomes(@IdParam() projectId: string, @Query() { kind, retracted, ...query }: OutcomesQueryDto) {
    await this.projectReady(projectId, ['outcomes'], query.minPosition);
    return this.lists.outcomes(projectId, { kind, retracted }, page(query));
  }

  @Get('projects/:id/pilot-cases')
  @Access('figures:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: PilotCasesPageDto })
  async pilotCases(@IdParam() projectId: string, @Query() { status, ...query }: PilotCasesQueryDto) {
    await this.projectReady(projectId, ['pilot-cases'], query.minPosition);
    return this.lists.pilotCases(projectId, { status }, page(query));
  }

  @Get('projects/:id/participants.csv')
  @Access('records:read', 'project')
  @FileResponse('csv', PARTICIPANTS_FILE)
  @ReadRoute()
  async participantsCsv(
    @IdParam() projectId: string,
    @Query() query: ParticipantsExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.file('csv', reply, `participants-${projectId}`, await this.participantsView(projectId, query), query.lang);
  }

  @Get('projects/:id/participants.xlsx')
  @Access('records:read', 'project')
  @FileResponse('xlsx', PARTICIPANTS_FILE)
  @ReadRoute()
  async participantsXlsx(
    @IdParam() projectId: string,
    @Query() query: ParticipantsExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.file('xlsx', reply, `participants-${projectId}`, await this.participantsView(projectId, query), query.lang);
  }

  @Get('organisations.csv')
  @Access('organisations:read')
  @FileResponse('csv', ORGANISATIONS_FILE)
  @ReadRoute({ notFound: false })
  async organisationsCsv(@Query() query: OrganisationsExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.file('csv', reply, 'organisations', await this.organisationsView(query), query.lang);
  }

  @Get('organisations.xlsx')
  @Access('organisations:read')
  @FileResponse('xlsx', ORGANISATIONS_FILE)
  @ReadRoute({ notFound: false })
  async organisationsXlsx(@Query() query: OrganisationsExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.file('xlsx', reply, 'organisations', await this.organisationsView(query), query.lang);
  }

  @Get('projects/:id/enterprises-supported')
  @Access('records:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: EnterprisesSupportedPageDto, description: ENTERPRISES })
  async enterprisesSupported(@IdParam() projectId: string, @Query() query: EnterprisesSupportedQueryDto) {
    const period = assertPeriod(query);
    await this.projectReady(projectId, SUPPORT_PROJECTIONS, query.minPosition);
    return { period: { from: period.from ?? null, to: period.to ?? null }, ...this.exports.enterprisesSupportedPage({ projectId }, period, page(query)) };
  }

  @Get('projects/:id/enterprises-supported.csv')
  @Access('records:read', 'project')
  @FileResponse('csv', ENTERPRISES)
  @ReadRoute()
  async enterprisesSupportedCsv(@IdParam() projectId: string, @Query() query: EnterprisesSupportedExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.projectReady(projectId, SUPPORT_PROJECTIONS, query.minPosition);
    return this.file('csv', reply, `enterprises-supported-${projectId}${periodSuffix(query)}`, this.enterprisesViews('csv', { projectId }, query), query.lang);
  }

  @Get('projects/:id/enterprises-supported.xlsx')
  @Access('records:read', 'project')
  @FileResponse('xlsx', ENTERPRISES)
  @ReadRoute()
  async enterprisesSupportedXlsx(@IdParam() projectId: string, @Query() query: EnterprisesSupportedExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.projectReady(projectId, SUPPORT_PROJECTIONS, query.minPosition);
    return this.file('xlsx', reply, `enterprises-supported-${projectId}${periodSuffix(query)}`, this.enterprisesViews('xlsx', { projectId }, query), query.lang);
  }

  @Get('enterprises-supported')
  @Access('programme:read')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: EnterprisesSupportedPageDto, description: `${ENTERPRISES}, across the programme's projects (or one fund's, or those with a partner in a country)` })
  async programmeEnterprisesSupported(@Query() { fund, country, ...query }: ProgrammeEnterprisesSupportedQueryDto) {
    const period = assertPeriod(query);
    await this.readModels.ready(['projects', ...SUPPORT_PROJECTIONS], query.minPosition);
    return { period: { from: period.from ?? null, to: period.to ?? null }, ...this.exports.enterprisesSupportedPage({ fund, country }, period, page(query)) };
  }

  @Get('enterprises-supported.csv')
  @Access('programme:read')
  @FileResponse('csv', ENTERPRISES)
  @ReadRoute({ notFound: false })
  async programmeEnterprisesSupportedCsv(@Query() { fund, country, ...query }: ProgrammeEnterprisesSupportedExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.readModels.ready(['projects', ...SUPPORT_PROJECTIONS], query.minPosition);
    return this.file('csv', reply, `enterprises-supported${periodSuffix(query)}`, this.enterprisesViews('csv', { fund, country }, query), query.lang);
  }

  @Get('enterprises-supported.xlsx')
  @Access('programme:read')
  @FileResponse('xlsx', ENTERPRISES)
  @ReadRoute({ notFound: false })
  async programmeEnterprisesSupportedXlsx(@Query() { fund, country, ...query }: ProgrammeEnterprisesSupportedExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.readModels.ready(['projects', ...SUPPORT_PROJECTIONS], query.minPosition);
    return this.file('xlsx', reply, `enterprises-supported${periodSuffix(query)}`, this.enterprisesViews('xlsx', { fund, country }, query), query.lang);
  }

  /** Only for callers with records:read (the routes' guard), as the JSON list: names are unsealed for the file only. */
  private async participantsView(projectId: string, { gender, role, activityId, minPosition, lang = 'en' }: ParticipantsExportQueryDto) {
    await this.projectReady(projectId, ['participants', 'activities', 'organisations'], minPosition);
    const rows = this.exports.participants(projectId, { gender, role, activityId }).map(({ sealedPerson, ...row }) => ({
      ...row,
      sealedPerson: null,
      person: row.erased ? null : (this.vault.unseal(sealedPerson as never) ?? null),
    }));
    return [participantsSheet(rows, lang)];
  }

  private async organisationsView({ type, sizeClass, country, name, minPosition, lang = 'en' }: OrganisationsExportQueryDto) {
    await this.readModels.ready(['organisations'], minPosition);
    return [organisationsSheet(this.exports.organisations({ type, sizeClass, country, name }))];
  }

  /** A workbook has two views: the enterprises (what RCO01 counts), and the support records behind them with their dates and amounts. */
  private enterprisesViews(format: FileFormat, scope: SupportScope, { lang = 'en', ...query }: EnterprisesSupportedExportQueryDto): ExportSheet[] {
    const period = assertPeriod(query);
    if (format === 'csv') return [enterprisesSupportedSheet(this.exports.enterprisesSupported(scope, period), lang)];
    const { enterprises, support } = this.exports.enterprisesWithSupport(scope, period);
    return [enterprisesSupportedSheet(enterprises, lang), supportRecordsSheet(support, lang)];
  }

  /** One way to answer a list as a file: the product's writer, and a Content-Disposition naming it. A CSV holds one view. */
  private file(format: FileFormat, reply: FastifyReply, basename: string, views: readonly ExportSheet[], lang: 'en' | 'sv' = 'en') {
    void reply.header('Content-Disposition', `attachment; filename="${basename}.${format}"`);
    return format === 'csv' ? writeCsv(views[0], lang) : writeWorkbook(views, lang);
  }

  private async projectReady(projectId: string, projections: string[], minPosition?: number): Promise<void> {
    await this.readModels.ready(['projects', ...projections], minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
  }
}
