import { Body, Controller, ForbiddenException, Get, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@app/access';
import {
  DeclareDeMinimisAidCommand,
  DeMinimisReader,
  LinkEnterprisesCommand,
  NotFound,
  type CommandContext,
} from '@app/programme';
import { ProgrammeLists, ReadModels, STATE_AID_RULES, StateAidRegister } from '@app/reporting';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';
import { Ctx } from '../http/command-context.decorator.js';
import { CommandRoute, ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';
import { page } from '../reporting/reporting-query.dto.js';
import { CERTIFICATE_CSP, certificateHtml } from './de-minimis-certificate.html.js';
import { stateAidCsv, stateAidXlsx } from './state-aid-register.files.js';
import { FileResponse } from '../reporting/file-response.decorators.js';
import {
  CertificateQueryDto,
  DeclareDeMinimisDto,
  DeMinimisQueryDto,
  LinkEnterprisesDto,
  RegisterQueryDto,
} from './state-aid.requests.dto.js';
import { DeMinimisStatusDto, StateAidRegisterPageDto, StateAidRulesDto } from './state-aid.responses.dto.js';
import { DeMinimisCertificateDto } from './de-minimis-certificate.dto.js';
import { ErrorDto } from '../programme/common.dto.js';

/** State aid to enterprises: single undertakings, de minimis declarations and status, certificates, the register. */
@ApiTags('state aid')
@Controller('api')
export class StateAidController {
  private readonly register: StateAidRegister;

  constructor(
    private readonly commands: CommandBus,
    private readonly deMinimis: DeMinimisReader,
    private readonly readModels: ReadModels,
    private readonly lists: ProgrammeLists,
  ) {
    this.register = new StateAidRegister(readModels.db);
  }

  @Post('organisations/:id/links')
  @Access('organisations:write')
  @CommandRoute(201, [404, 409, 422])
  link(@IdParam() organisationId: string, @Body() { id, ...input }: LinkEnterprisesDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new LinkEnterprisesCommand(id ?? context.newEntityId(), organisationId, input, context));
  }

  @Post('organisations/:id/de-minimis-declarations')
  @Access('organisations:write')
  @CommandRoute(201, [404, 409, 422])
  declare(@IdParam() organisationId: string, @Body() { id, ...input }: DeclareDeMinimisDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new DeclareDeMinimisAidCommand(id ?? context.newEntityId(), organisationId, input, context));
  }

  /** The catalogue of state-aid rules, beside the indicators' counting rules: who reads a refusal can check it. */
  @Get('state-aid/rules')
  @Access('figures:read')
  @ApiOkResponse({ type: StateAidRulesDto })
  rules(): StateAidRulesDto {
    return { ceilingEur: this.deMinimis.ceilingEur, rules: STATE_AID_RULES.map(({ name, rule }) => ({ name, rule })) };
  }

  /** Staff see it for enterprises their projects supported; admins and auditors for every enterprise. */
  @Get('organisations/:id/de-minimis')
  @Access('state-aid:read')
  @ReadRoute()
  @ApiOkResponse({ type: DeMinimisStatusDto })
  async status(
    @IdParam() organisationId: string,
    @Query() query: DeMinimisQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Ctx() context: CommandContext,
  ) {
    if (principal.projects !== 'all') {
      await this.readModels.ready(['support', 'activities']);
      // Says nothing about whether the enterprise exists, as every 403 of the API.
      if (!this.register.supportedInAny(organisationId, principal.projects)) throw new ForbiddenException('You have no access to this');
    }
    const status = await this.deMinimis.status(organisationId, query.on ?? context.now.toISOString().slice(0, 10));
    return {
      organisationId,
      on: status.on,
      singleUndertaking: status.singleUndertaking.map(({ organisationId: id, name }) => ({ organisationId: id, name })),
      window: status.window,
      ceilingEur: status.ceilingEur,
      usedEur: status.usedEur,
      headroomEur: status.headroomEur,
      grants: status.grants,
    };
  }

  @Get('support/:id/de-minimis-certificate')
  @Access('records:read', 'support')
  @ReadRoute()
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: DeMinimisCertificateDto, description: 'A printable HTML certificate (format=json: the same facts as JSON, as here)' })
  @ApiResponse({ status: 422, type: ErrorDto, description: 'The support is not de minimis aid' })
  async certificate(@IdParam() supportId: string, @Query() query: CertificateQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const certificate = await this.deMinimis.certificate(supportId);
    if (query.format === 'json') return certificate;
    void reply.header('Content-Type', 'text/html; charset=utf-8');
    void reply.header('Content-Security-Policy', CERTIFICATE_CSP);
    return certificateHtml(certificate, query.lang ?? 'sv');
  }

  @Get('projects/:id/state-aid')
  @Access('records:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: StateAidRegisterPageDto })
  async registerPage(@IdParam() projectId: string, @Query() query: RegisterQueryDto) {
    await this.projectReady(projectId, query.minPosition);
    return this.register.page(projectId, page(query));
  }

  @Get('projects/:id/state-aid.csv')
  @Access('records:read', 'project')
  @FileResponse('csv', "The project's state-aid register, a row per support record")
  @ReadRoute()
  async registerCsv(@IdParam() projectId: string, @Query() query: RegisterQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.projectReady(projectId, query.minPosition);
    void reply.header('Content-Disposition', `attachment; filename="state-aid-${projectId}.csv"`);
    return stateAidCsv(this.register.all(projectId));
  }

  @Get('projects/:id/state-aid.xlsx')
  @Access('records:read', 'project')
  @FileResponse('xlsx', "The project's state-aid register as a workbook: amounts as numbers, grant dates as dates")
  @ReadRoute()
  async registerXlsx(@IdParam() projectId: string, @Query() query: RegisterQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.projectReady(projectId, query.minPosition);
    void reply.header('Content-Disposition', `attachment; filename="state-aid-${projectId}.xlsx"`);
    return stateAidXlsx(this.register.all(projectId), 'state aid');
  }

  private async projectReady(projectId: string, minPosition?: number): Promise<void> {
    await this.readModels.ready(['projects', 'organisations', 'support'], minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
  }
}
