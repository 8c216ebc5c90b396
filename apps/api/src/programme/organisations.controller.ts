import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO31661Alpha2, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  EntityReader,
  NACE_CODE,
  ORGANISATION_TYPES,
  ReclassifyOrganisationCommand,
  RegisterOrganisationCommand,
  SIZE_CLASSES,
  type CommandContext,
  type OrganisationType,
  type SizeClass,
} from '@app/programme';
import { Ctx } from '../http/command-context.decorator.js';
import { OrganisationViewDto } from './entity-views.dto.js';
import { CommandRoute, ReadRoute } from './api-docs.decorators.js';
import { CreateDto, ReasonDto } from './common.dto.js';
import { IdParam } from './id.param.js';
import { Access } from '../http/access.decorator.js';
import { IsOrganisationNumber } from '../state-aid/organisation-number.validator.js';

export class RegisterOrganisationDto extends CreateDto {
  @ApiProperty({ example: 'Havsfabriken AB', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({
    example: '556677-8899',
    maxLength: 40,
    description:
      'SE: 10 digits with a Luhn check digit, stored as NNNNNN-NNNN; NO: 9 digits with a mod 11 check digit, stored as 9 digits; ' +
      'other countries as given. Unique: a number already registered is a 409 naming its organisation',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @IsOrganisationNumber()
  organisationNumber?: string;

  @ApiPropertyOptional({ example: '03.21', description: 'NACE Rev. 2 sector code (division, group or class)' })
  @IsOptional()
  @IsString()
  @Matches(NACE_CODE, { message: 'naceCode must be a NACE Rev. 2 code such as 03.21 (two digits, then optionally a dot and one or two digits)' })
  naceCode?: string;

  @ApiProperty({ example: 'SE', description: 'ISO 3166 alpha-2' })
  @IsISO31661Alpha2()
  country!: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  @IsIn(ORGANISATION_TYPES)
  type!: OrganisationType;

  @ApiPropertyOptional({ enum: SIZE_CLASSES, description: 'Required for an enterprise' })
  @ValidateIf((dto: RegisterOrganisationDto) => dto.type === 'enterprise' || dto.sizeClass !== undefined)
  @IsIn(SIZE_CLASSES, { message: 'sizeClass must be one of micro, small, medium, large (required for an enterprise)' })
  sizeClass?: SizeClass;

  @ApiPropertyOptional({ example: 2019 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(9999)
  foundedYear?: number;
}

export class ReclassifyOrganisationDto extends ReasonDto {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ApiPropertyOptional({ enum: SIZE_CLASSES })
  @IsOptional()
  @IsIn(SIZE_CLASSES)
  sizeClass?: SizeClass;
}

@ApiTags('organisations')
@Controller('api/organisations')
export class OrganisationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly entities: EntityReader,
  ) {}

  @Post()
  @Access('organisations:write')
  @CommandRoute(201, [409, 422])
  register(@Body() { id, ...input }: RegisterOrganisationDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RegisterOrganisationCommand(id ?? context.newEntityId(), input, context));
  }

  @Post(':id/reclassification')
  @Access('organisations:write')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  reclassify(@IdParam() id: string, @Body() input: ReclassifyOrganisationDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new ReclassifyOrganisationCommand(id, input, context));
  }

  @Get(':id')
  @Access('organisations:read')
  @ReadRoute()
  @ApiOkResponse({ type: OrganisationViewDto })
  async get(@IdParam() id: string) {
    const { revision, entity } = await this.entities.organisation(id);
    const { status: _, organisationId, ...organisation } = entity;
    return { id: organisationId, revision, ...organisation };
  }
}
