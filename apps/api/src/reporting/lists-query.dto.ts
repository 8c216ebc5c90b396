import { ApiPropertyOptional, IntersectionType, OmitType, PickType } from '@nestjs/swagger';
import { IsIn, IsISO31661Alpha2, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { GENDERS, ORGANISATION_TYPES, PARTICIPANT_ROLES, SIZE_CLASSES } from '@app/programme';
import { ConsistencyQueryDto, PageQueryDto, PeriodQueryDto, ProgrammeIndicatorsQueryDto } from './reporting-query.dto.js';

/** What the participants list filters on; the page (JSON) and the files (CSV, XLSX) alike. */
class ParticipantFiltersDto {
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string;
  @ApiPropertyOptional({ enum: PARTICIPANT_ROLES }) @IsOptional() @IsIn(PARTICIPANT_ROLES) role?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Admitted to or attended this activity' })
  @IsOptional()
  @IsUUID()
  activityId?: string;
}

class OrganisationFiltersDto {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES }) @IsOptional() @IsIn(ORGANISATION_TYPES) type?: string;
  @ApiPropertyOptional({ enum: SIZE_CLASSES }) @IsOptional() @IsIn(SIZE_CLASSES) sizeClass?: string;
  @ApiPropertyOptional({ example: 'SE' }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional({ description: 'Part of the name, any case' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
}

/** The language of a file's headers, sheet names and labels. */
export class ExportLanguageQueryDto {
  @ApiPropertyOptional({ enum: ['en', 'sv'], default: 'en', description: 'Language of the headers, sheet names and labels (gender, support kinds)' })
  @IsOptional()
  @IsIn(['en', 'sv'])
  lang?: 'en' | 'sv';
}

export class ParticipantsQueryDto extends IntersectionType(ParticipantFiltersDto, PageQueryDto) {}

export class ParticipantsExportQueryDto extends IntersectionType(ParticipantFiltersDto, ConsistencyQueryDto, ExportLanguageQueryDto) {}

export class OrganisationsQueryDto extends IntersectionType(OrganisationFiltersDto, PageQueryDto) {}

export class OrganisationsExportQueryDto extends IntersectionType(OrganisationFiltersDto, ConsistencyQueryDto, ExportLanguageQueryDto) {}

/** When the support was given (from, to: inclusive); open ends are open. */
class SupportPeriodQueryDto extends PickType(PeriodQueryDto, ['from', 'to', 'minPosition'] as const) {}

/** The programme's enterprises: optionally one fund's projects, or projects with a partner in a country. */
class ProgrammeScopeQueryDto extends PickType(ProgrammeIndicatorsQueryDto, ['fund', 'country'] as const) {}

export class EnterprisesSupportedQueryDto extends IntersectionType(SupportPeriodQueryDto, OmitType(PageQueryDto, ['minPosition'] as const)) {}

export class EnterprisesSupportedExportQueryDto extends IntersectionType(SupportPeriodQueryDto, ExportLanguageQueryDto) {}

export class ProgrammeEnterprisesSupportedQueryDto extends IntersectionType(EnterprisesSupportedQueryDto, ProgrammeScopeQueryDto) {}

export class ProgrammeEnterprisesSupportedExportQueryDto extends IntersectionType(EnterprisesSupportedExportQueryDto, ProgrammeScopeQueryDto) {}
