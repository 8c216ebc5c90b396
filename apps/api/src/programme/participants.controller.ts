import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CorrectParticipantCommand,
  EntityReader,
  EraseParticipantCommand,
  GENDERS,
  PARTICIPANT_ROLES,
  RegisterParticipantCommand,
  type CommandContext,
  type Gender,
  type ParticipantRole,
} from '@app/programme';
import { Ctx } from '../http/command-context.decorator.js';
import { ParticipantViewDto } from './entity-views.dto.js';
import { CommandRoute, ReadRoute } from './api-docs.decorators.js';
import { CreateDto, ReasonDto } from './common.dto.js';
import { IdParam } from './id.param.js';
import { IsIsoDate } from './validators.js';
import { Access } from '../http/access.decorator.js';

export class PersonDto {
  @ApiProperty({ example: 'Anna Söderberg', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'anna@example.se' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+46 70 123 45 67' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a phone number of digits, spaces, ( ) - and an optional +' })
  phone?: string;
}

export class RegisterParticipantDto extends CreateDto {
  @ApiProperty({ type: PersonDto, description: 'Personal data: stored encrypted, erasable' })
  @IsDefined()
  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;

  @ApiProperty({ enum: GENDERS })
  @IsIn(GENDERS)
  gender!: Gender;

  @ApiPropertyOptional({ example: 1987 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiProperty({ enum: PARTICIPANT_ROLES })
  @IsIn(PARTICIPANT_ROLES)
  role!: ParticipantRole;

  @ApiPropertyOptional({ example: '2023-10-10', description: 'Defaults to today' })
  @IsOptional()
  @IsIsoDate()
  registeredOn?: string;
}

/** A reason about a person: their personal data, sealed with their key. */
export class PersonReasonDto extends ReasonDto {
  @ApiProperty({
    example: 'Birth year typed wrong on the sign-up sheet',
    maxLength: 2000,
    description:
      "Personal data: sealed with the person's key before it is recorded, shown only to callers who may see personal data, " +
      'and shredded when the person is erased (an erasure\'s own reason is shredded at once; for an erased person only ' +
      'reasonCategory is kept). Never logged',
  })
  declare reason: string;
}

/** Any registration field may be corrected (each optional), always with a reason. */
export class CorrectParticipantDto extends IntersectionType(PartialType(OmitType(RegisterParticipantDto, ['id'] as const)), PersonReasonDto) {}

@ApiTags('participants')
@Controller('api')
export class ParticipantsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly entities: EntityReader,
  ) {}

  @Post('projects/:id/participants')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  register(@IdParam() projectId: string, @Body() { id, ...input }: RegisterParticipantDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RegisterParticipantCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Post('participants/:id/corrections')
  @Access('records:write', 'participant')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  correct(@IdParam() id: string, @Body() input: CorrectParticipantDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new CorrectParticipantCommand(id, input, context));
  }

  @Post('participants/:id/erasure')
  @Access('personal-data:erase', 'participant')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  erase(@IdParam() id: string, @Body() input: PersonReasonDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new EraseParticipantCommand(id, input, context));
  }

  @Get('participants/:id')
  @Access('records:read', 'participant')
  @ReadRoute()
  @ApiOkResponse({ type: ParticipantViewDto })
  async get(@IdParam() id: string) {
    const { revision, entity } = await this.entities.participant(id);
    const { status: _, participantId, ...participant } = entity;
    return { id: participantId, revision, ...participant };
  }
}
