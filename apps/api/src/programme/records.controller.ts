import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import {
  CompletePilotCaseCommand,
  EntityReader,
  OUTCOME_KINDS,
  RecordEnterpriseSupportCommand,
  RecordOutcomeCommand,
  RetractOutcomeCommand,
  StartPilotCaseCommand,
  SUPPORT_KINDS,
  type CommandContext,
  type OutcomeKind,
  type SupportKind,
} from '@app/programme';
import { Ctx } from '../http/command-context.decorator.js';
import { OutcomeViewDto, PilotCaseViewDto, SupportViewDto } from './entity-views.dto.js';
import { CommandRoute, ReadRoute } from './api-docs.decorators.js';
import { CreateDto, ReasonDto } from './common.dto.js';
import { IdParam } from './id.param.js';
import { IsIsoDate } from './validators.js';
import { Access } from '../http/access.decorator.js';
import { AidDto, IsAmount } from '../state-aid/state-aid.requests.dto.js';

export class RecordSupportDto extends CreateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ enum: SUPPORT_KINDS })
  @IsIn(SUPPORT_KINDS)
  kind!: SupportKind;

  @ApiProperty({ example: '2023-11-15' })
  @IsIsoDate()
  date!: string;

  @ApiPropertyOptional({ example: 5000, description: 'Required for a grant or voucher' })
  @IsOptional()
  @IsAmount(0, 1e9)
  amountEur?: number;

  @ApiPropertyOptional({ example: 12 })
  @IsOptional()
  @IsAmount(0, 100000)
  hours?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  activityId?: string;

  @ApiPropertyOptional({
    type: AidDto,
    description:
      'The aid this support is to the enterprise: its legal basis, grant date and value. De minimis aid is refused (422) over the ' +
      "single undertaking's ceiling. Support recorded without it reads as aid not recorded",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AidDto)
  aid?: AidDto;
}

export class StartPilotCaseDto extends CreateDto {
  @ApiProperty({ example: 'Streamed concerts with an immersive sound image', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title!: string;

  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  organisationIds!: string[];

  @ApiProperty({ example: '2024-03-01' })
  @IsIsoDate()
  startDate!: string;
}

export class CompletePilotCaseDto {
  @ApiProperty({ example: '2024-09-30' })
  @IsIsoDate()
  date!: string;

  @ApiProperty({ example: 'Final report, diarienummer 2024-123', maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  evidence!: string;
}

export class RecordOutcomeDto extends CreateDto {
  @ApiProperty({ enum: OUTCOME_KINDS })
  @IsIn(OUTCOME_KINDS)
  kind!: OutcomeKind;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  activityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  pilotCaseId?: string;

  @ApiProperty({ example: '2023-10-12' })
  @IsIsoDate()
  date!: string;

  @ApiProperty({ example: 'A new service concept for wave-powered buoys', maxLength: 4000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  description!: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  evidence?: string;
}

@ApiTags('support, pilot cases and outcomes')
@Controller('api')
export class RecordsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly entities: EntityReader,
  ) {}

  @Post('projects/:id/support')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  recordSupport(@IdParam() projectId: string, @Body() { id, ...input }: RecordSupportDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RecordEnterpriseSupportCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Get('support/:id')
  @Access('records:read', 'support')
  @ReadRoute()
  @ApiOkResponse({ type: SupportViewDto })
  async getSupport(@IdParam() id: string) {
    const { revision, entity } = await this.entities.support(id);
    const { status: _, supportId, aid, ...support } = entity;
    // Support recorded before aid was recorded: null says "not recorded", never "no aid".
    return { id: supportId, revision, ...support, aid: aid ?? null };
  }

  @Post('projects/:id/pilot-cases')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  startPilotCase(@IdParam() projectId: string, @Body() { id, ...input }: StartPilotCaseDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new StartPilotCaseCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Post('pilot-cases/:id/completion')
  @Access('records:write', 'pilotCase')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  completePilotCase(@IdParam() id: string, @Body() input: CompletePilotCaseDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new CompletePilotCaseCommand(id, input, context));
  }

  @Get('pilot-cases/:id')
  @Access('records:read', 'pilotCase')
  @ReadRoute()
  @ApiOkResponse({ type: PilotCaseViewDto })
  async getPilotCase(@IdParam() id: string) {
    const { revision, entity } = await this.entities.pilotCase(id);
    const { status, pilotCaseId, ...pilotCase } = entity;
    return { id: pilotCaseId, revision, completed: status === 'completed', ...pilotCase };
  }

  @Post('projects/:id/outcomes')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  recordOutcome(@IdParam() projectId: string, @Body() { id, ...input }: RecordOutcomeDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RecordOutcomeCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Post('outcomes/:id/retraction')
  @Access('records:write', 'outcome')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  retractOutcome(@IdParam() id: string, @Body() input: ReasonDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RetractOutcomeCommand(id, input, context));
  }

  @Get('outcomes/:id')
  @Access('records:read', 'outcome')
  @ReadRoute()
  @ApiOkResponse({ type: OutcomeViewDto })
  async getOutcome(@IdParam() id: string) {
    const { revision, entity } = await this.entities.outcome(id);
    const { status, outcomeId, retraction, ...outcome } = entity;
    return { id: outcomeId, revision, retracted: status === 'retracted', retractionReason: retraction ?? null, ...outcome };
  }
}
