import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO31661Alpha2, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import {
  ACTIVITY_FORMATS,
  FUNDS,
  GENDERS,
  NotFound,
  ORGANISATION_TYPES,
  OUTCOME_KINDS,
  PARTICIPANT_ROLES,
  PERSONAL_DATA_VAULT,
  PersonalDataVault,
  SIZE_CLASSES,
} from '@app/programme';
import { ProgrammeLists, ReadModels } from '@app/reporting';
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
import { page, PageQueryDto } from './reporting-query.dto.js';
import type { Principal } from '@app/access';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';

class ProjectsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FUNDS }) @IsOptional() @IsIn(FUNDS) fund?: string;
  @ApiPropertyOptional({ example: 'NO' }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional({ description: 'Part of the name, any case' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
}

class ParticipantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string;
  @ApiPropertyOptional({ enum: PARTICIPANT_ROLES }) @IsOptional() @IsIn(PARTICIPANT_ROLES) role?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Admitted to or attended this activity' })
  @IsOptional()
  @IsUUID()
  activityId?: string;
}

class ActivitiesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['lab', ...ACTIVITY_FORMATS] }) @IsOptional() @IsIn(['lab', ...ACTIVITY_FORMATS]) format?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: string;
}

class OrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES }) @IsOptional() @IsIn(ORGANISATION_TYPES) type?: string;
  @ApiPropertyOptional({ enum: SIZE_CLASSES }) @IsOptional() @IsIn(SIZE_CLASSES) sizeClass?: string;
  @ApiPropertyOptional({ example: 'SE' }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional({ description: 'Part of the name, any case' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
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

/** Paged, filterable lists for project staff, read from the read models. */
@ApiTags('lists')
@Controller('api')
export class ListsController {
  constructor(
    private readonly readModels: ReadModels,
    private readonly lists: ProgrammeLists,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

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

  private async projectReady(projectId: string, projections: string[], minPosition?: number): Promise<void> {
    await this.readModels.ready(['projects', ...projections], minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
  }
}
