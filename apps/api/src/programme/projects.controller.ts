import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  EntityReader,
  FUNDS,
  INDICATOR_CODES,
  RegisterProjectCommand,
  SetIndicatorTargetCommand,
  type CommandContext,
  type Fund,
  type IndicatorCode,
} from '@app/programme';
import { Ctx } from '../http/command-context.decorator.js';
import { ProjectViewDto } from './entity-views.dto.js';
import { CommandRoute, ReadRoute } from './api-docs.decorators.js';
import { CreateDto } from './common.dto.js';
import { IdParam } from './id.param.js';
import { IsIsoDate } from './validators.js';
import { Access } from '../http/access.decorator.js';

export class RegisterProjectDto extends CreateDto {
  @ApiProperty({ example: 'Cross Innovation Southern Sweden', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiProperty({ example: 'Regionalfonden Skåne-Blekinge', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  programme!: string;

  @ApiProperty({ enum: FUNDS })
  @IsIn(FUNDS)
  fund!: Fund;

  @ApiProperty({ example: '2023-01-01' })
  @IsIsoDate()
  startDate!: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsIsoDate()
  endDate!: string;

  @ApiProperty({ example: ['SE'], description: 'ISO 3166 alpha-2 codes' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsISO31661Alpha2({ each: true })
  countries!: string[];

  @ApiPropertyOptional({
    default: 12,
    minimum: 0,
    maximum: 60,
    description: 'Months after the end date within which follow-up outcomes (cooperation-continued, solution-taken-up, strategy-adopted) may be dated',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  followUpMonths?: number;
}

export class SetIndicatorTargetDto {
  @ApiProperty({ enum: INDICATOR_CODES })
  @IsIn(INDICATOR_CODES)
  code!: IndicatorCode;

  @ApiProperty({ example: 40 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e9)
  target!: number;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e9)
  baseline?: number;
}

@ApiTags('projects')
@Controller('api/projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly entities: EntityReader,
  ) {}

  @Post()
  @Access('projects:register')
  @CommandRoute(201, [409, 422])
  register(@Body() { id, ...input }: RegisterProjectDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RegisterProjectCommand(id ?? context.newEntityId(), input, context));
  }

  @Post(':id/targets')
  @Access('records:write', 'project')
  @HttpCode(200)
  @CommandRoute(200, [404, 412])
  setTarget(@IdParam() projectId: string, @Body() input: SetIndicatorTargetDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new SetIndicatorTargetCommand(projectId, input, context));
  }

  @Get(':id')
  @Access('figures:read', 'project')
  @ReadRoute()
  @ApiOkResponse({ type: ProjectViewDto })
  async get(@IdParam() id: string) {
    const { revision, entity } = await this.entities.project(id);
    const { status: _, projectId, ...project } = entity;
    return { id: projectId, revision, ...project };
  }
}
