import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@app/programme';
import type { Principal } from '@app/access';
import {
  EvidenceTrail,
  FUNDER_REPORT_RULES,
  funderReportRuleText,
  INDICATOR_CATALOGUE,
  IndicatorCalculator,
  MAIN_INDICATORS,
  indicatorDefinition,
  parseAsOf,
  ProgrammeLists,
  ProjectAudit,
  ReadModels,
  type IndicatorScope,
} from '@app/reporting';
import type { FastifyReply } from 'fastify';
import { ErrorDto } from '../programme/common.dto.js';
import { IdParam } from '../programme/id.param.js';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { indicatorsCsv } from './indicators.csv.js';
import { indicatorsXlsx } from './indicators.xlsx.js';
import { FileResponse, periodSuffix } from './file-response.decorators.js';
import { EvidenceDto, IndicatorsByProjectDto } from './indicators.dto.js';
import { IndicatorDefinitionDto, ProgrammeIndicatorsDto, ProjectIndicatorsDto } from './indicator-figures.dto.js';
import {
  assertPeriod,
  IndicatorsByProjectQueryDto,
  page,
  PeriodQueryDto,
  ProgrammeIndicatorsQueryDto,
  ProjectIndicatorsQueryDto,
} from './reporting-query.dto.js';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';

const NOT_READY = ApiResponse({ status: 503, type: ErrorDto, description: 'Read models rebuilding, or not yet at minPosition; see Retry-After' });

/** The figures funders ask for, counted by the catalogue's rules, for one project or across projects. */
@ApiTags('indicators')
@Controller('api')
export class IndicatorsController {
  private readonly trail: EvidenceTrail;

  constructor(
    private readonly readModels: ReadModels,
    private readonly calculator: IndicatorCalculator,
    private readonly lists: ProgrammeLists,
    private readonly audit: ProjectAudit,
  ) {
    this.trail = new EvidenceTrail(readModels.db);
  }

  @Get('indicators/catalogue')
  @Access('figures:read')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: [IndicatorDefinitionDto], description: 'Every indicator: code, names (English and Swedish), unit, counting rule, breakdowns' })
  catalogue() {
    return INDICATOR_CATALOGUE.map(({ code, name, unit, rule, breakdowns, counting }) => ({
      code,
      name,
      unit,
      rule,
      counting,
      breakdowns: breakdowns.map((b) => ({ dimension: b.dimension, ...(b.categories ? { categories: b.categories } : {}) })),
      funderReport: { rule: FUNDER_REPORT_RULES[code].kind, text: funderReportRuleText(code) },
    }));
  }

  @Get('projects/:id/indicators')
  @Access('figures:read', 'project')
  @ReadRoute()
  @NOT_READY
  @ApiOkResponse({ type: ProjectIndicatorsDto })
  async project(@IdParam() projectId: string, @Query() query: ProjectIndicatorsQueryDto) {
    const { position, indicators } = await this.projectFigures(projectId, query);
    return { projectId, period: this.period(query), ...(query.asOf ? { asOf: query.asOf } : {}), position, indicators };
  }

  @Get('projects/:id/indicators/:code/evidence')
  @Access('figures:read', 'project')
  @ReadRoute()
  @NOT_READY
  @ApiOkResponse({
    type: EvidenceDto,
    description:
      "What one indicator counted: each entity, its stream (where its history is), and the event that made it count. Names are not here: " +
      'GET /api/organisations/{id} and GET /api/participants/{id} say them to those who may see them',
  })
  async evidence(@IdParam() projectId: string, @Param('code') code: string, @Query() query: ProjectIndicatorsQueryDto) {
    const period = assertPeriod(query);
    if (!indicatorDefinition(code)) {
      throw new NotFoundException(`There is no indicator ${code.slice(0, 40)}; GET /api/indicators/catalogue lists them`);
    }
    await this.readModels.ready('all', query.minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
    const asOf = query.asOf ? parseAsOf(query.asOf)! : undefined;
    const { position, value, items } = asOf
      ? await this.audit.evidence(projectId, code, period, asOf)
      : this.calculator.evidence(code, { kind: 'project', projectId }, period);
    const traced = this.trail.trace(projectId, indicatorDefinition(code)!, items);
    return { projectId, code, period: this.period(query), ...(query.asOf ? { asOf: query.asOf } : {}), position, value, items: traced };
  }

  @Get('projects/:id/indicators.csv')
  @Access('figures:read', 'project')
  @FileResponse('csv', "The project's figures, a row per indicator and per breakdown category, names in English and Swedish")
  @ReadRoute()
  @NOT_READY
  async projectCsv(@IdParam() projectId: string, @Query() query: ProjectIndicatorsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { position, indicators } = await this.projectFigures(projectId, query);
    reply.header('Content-Disposition', `attachment; filename="indicators-${projectId}${periodSuffix(query)}.csv"`);
    return indicatorsCsv({ period: this.period(query), position, indicators });
  }

  @Get('projects/:id/indicators.xlsx')
  @Access('figures:read', 'project')
  @FileResponse('xlsx', "The project's figures as a workbook (sheets: indicators, breakdowns, about), names and headers per lang")
  @ReadRoute()
  @NOT_READY
  async projectXlsx(@IdParam() projectId: string, @Query() query: ProjectIndicatorsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { position, indicators } = await this.projectFigures(projectId, query);
    reply.header('Content-Disposition', `attachment; filename="indicators-${projectId}${periodSuffix(query)}.xlsx"`);
    return indicatorsXlsx({ period: this.period(query), position, indicators }, { projectId, asOf: query.asOf }, query.lang ?? 'en');
  }

  @Get('indicators')
  @Access('programme:read')
  @ReadRoute({ notFound: false })
  @NOT_READY
  @ApiOkResponse({ type: ProgrammeIndicatorsDto })
  async programme(@Query() query: ProgrammeIndicatorsQueryDto) {
    const { position, indicators } = await this.programmeFigures(query);
    return { fund: query.fund ?? null, country: query.country ?? null, period: this.period(query), position, indicators };
  }

  @Get('indicators/by-project')
  @Access('figures:read', 'listing')
  @ReadRoute({ notFound: false })
  @NOT_READY
  @ApiOkResponse({
    type: IndicatorsByProjectDto,
    description:
      'Each project the caller may see (staff and viewers: their own), filtered by fund, country and name, with its main figures and ' +
      'every figure it set a target for, for one period: a table of projects in one call, all at one log position',
  })
  async byProject(@Query() { fund, country, name, ...query }: IndicatorsByProjectQueryDto, @CurrentPrincipal() principal: Principal) {
    const period = assertPeriod(query);
    await this.readModels.ready('all', query.minPosition);
    const only = principal.projects === 'all' ? undefined : principal.projects;
    const projects = this.lists.projects({ fund, country, name, only }, page(query));
    const { position, projects: figures } = this.calculator.byProject(
      projects.items.map((project) => (project as { id?: unknown }).id as string),
      period,
      query.lang,
    );
    return {
      fund: fund ?? null,
      country: country ?? null,
      period: this.period(query),
      position,
      main: MAIN_INDICATORS,
      ...projects,
      items: projects.items.map((project, index) => ({ ...project, indicators: figures[index].indicators })),
    };
  }

  @Get('indicators.csv')
  @Access('programme:read')
  @FileResponse('csv', "The programme's figures, a row per indicator and per breakdown category, names in English and Swedish")
  @ReadRoute({ notFound: false })
  @NOT_READY
  async programmeCsv(@Query() query: ProgrammeIndicatorsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { position, indicators } = await this.programmeFigures(query);
    reply.header('Content-Disposition', `attachment; filename="indicators${periodSuffix(query)}.csv"`);
    return indicatorsCsv({ period: this.period(query), position, indicators });
  }

  @Get('indicators.xlsx')
  @Access('programme:read')
  @FileResponse('xlsx', "The programme's figures as a workbook (sheets: indicators, breakdowns, about), names and headers per lang")
  @ReadRoute({ notFound: false })
  @NOT_READY
  async programmeXlsx(@Query() query: ProgrammeIndicatorsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { position, indicators } = await this.programmeFigures(query);
    reply.header('Content-Disposition', `attachment; filename="indicators${periodSuffix(query)}.xlsx"`);
    const scope = { fund: query.fund ?? null, country: query.country ?? null };
    return indicatorsXlsx({ period: this.period(query), position, indicators }, scope, query.lang ?? 'en');
  }

  private async projectFigures(projectId: string, query: ProjectIndicatorsQueryDto) {
    const period = assertPeriod(query);
    await this.readModels.ready('all', query.minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
    if (query.asOf) return this.audit.figures(projectId, period, parseAsOf(query.asOf)!, query.lang);
    return this.calculator.compute({ kind: 'project', projectId }, period, query.lang);
  }

  private async programmeFigures(query: ProgrammeIndicatorsQueryDto) {
    const period = assertPeriod(query);
    await this.readModels.ready('all', query.minPosition);
    const scope: IndicatorScope = { kind: 'programme', fund: query.fund, country: query.country };
    return this.calculator.compute(scope, period, query.lang);
  }

  private period(query: PeriodQueryDto) {
    return { from: query.from ?? null, to: query.to ?? null };
  }
}
