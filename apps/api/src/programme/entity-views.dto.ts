import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AID_BASES,
  AID_CURRENCIES,
  FUNDS,
  GENDERS,
  INDICATOR_CODES,
  ORGANISATION_TYPES,
  OUTCOME_KINDS,
  PARTICIPANT_ROLES,
  REASON_CATEGORIES,
  SIZE_CLASSES,
  SUPPORT_KINDS,
} from '@app/programme';
import { AidValuationAnswerDto } from '../state-aid/state-aid.responses.dto.js';

/** What GET answers for one entity: its id, its revision (also the ETag) and its current state. */
abstract class EntityViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The entity revision; also sent as ETag' }) revision!: number;
}

export class ProjectViewDto extends EntityViewDto {
  @ApiProperty() name!: string;
  @ApiProperty() programme!: string;
  @ApiProperty({ enum: FUNDS }) fund!: string;
  @ApiProperty({ example: '2023-01-01' }) startDate!: string;
  @ApiProperty({ example: '2026-12-31' }) endDate!: string;
  @ApiProperty({ type: [String], example: ['SE'] }) countries!: string[];
  @ApiPropertyOptional({ description: 'How long after the end follow-up outcomes may be dated' }) followUpMonths?: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['code', 'target'],
      properties: { code: { type: 'string', enum: [...INDICATOR_CODES] }, target: { type: 'number' }, baseline: { type: 'number' } },
    },
    description: 'Targets set, by indicator code',
  })
  targets!: Record<string, { code: string; target: number; baseline?: number }>;
}

export class OrganisationViewDto extends EntityViewDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ example: '559123-0007' }) organisationNumber?: string;
  @ApiProperty({ example: 'SE' }) country!: string;
  @ApiProperty({ enum: ORGANISATION_TYPES }) type!: string;
  @ApiPropertyOptional({ enum: SIZE_CLASSES }) sizeClass?: string;
  @ApiPropertyOptional() foundedYear?: number;
  @ApiPropertyOptional({ example: '03.21' }) naceCode?: string;
}

export class PersonViewDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() phone?: string;
}

export class ParticipantViewDto extends EntityViewDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ type: PersonViewDto, nullable: true, description: 'null once the person is erased' }) person!: PersonViewDto | null;
  @ApiProperty() erased!: boolean;
  @ApiProperty({ enum: GENDERS }) gender!: string;
  @ApiPropertyOptional() birthYear?: number;
  @ApiPropertyOptional({ format: 'uuid' }) organisationId?: string;
  @ApiProperty({ enum: PARTICIPANT_ROLES }) role!: string;
  @ApiProperty({ example: '2023-10-02' }) registeredOn!: string;
}

export class AidViewDto {
  @ApiProperty({ enum: AID_BASES }) basis!: string;
  @ApiProperty({ example: '2023-10-12' }) grantedOn!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ enum: AID_CURRENCIES }) currency!: string;
  @ApiPropertyOptional() eurRate?: number;
  @ApiPropertyOptional({ type: AidValuationAnswerDto }) valuation?: AidValuationAnswerDto;
  @ApiPropertyOptional() article?: string;
  @ApiProperty({ description: 'The value in euro, which is what counts' }) amountEur!: number;
}

export class SupportViewDto extends EntityViewDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ enum: SUPPORT_KINDS }) kind!: string;
  @ApiProperty({ example: '2023-10-12' }) date!: string;
  @ApiPropertyOptional() amountEur?: number;
  @ApiPropertyOptional() hours?: number;
  @ApiPropertyOptional({ format: 'uuid' }) activityId?: string;
  @ApiProperty({ type: AidViewDto, nullable: true, description: 'null: aid not recorded (never "no aid")' }) aid!: AidViewDto | null;
}

export class PilotCaseViewDto extends EntityViewDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) organisationIds!: string[];
  @ApiProperty({ example: '2024-03-01' }) startDate!: string;
  @ApiProperty() completed!: boolean;
  @ApiPropertyOptional() completedOn?: string;
}

export class OutcomeViewDto extends EntityViewDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ enum: OUTCOME_KINDS }) kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) organisationId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) activityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) pilotCaseId?: string;
  @ApiProperty({ example: '2023-10-12' }) date!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional() evidence?: string;
  @ApiProperty() retracted!: boolean;
  @ApiProperty({ type: String, nullable: true }) retractionReason!: string | null;
  @ApiPropertyOptional({ enum: REASON_CATEGORIES }) retractionCategory?: string;
}
