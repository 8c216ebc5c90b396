import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIVITY_FORMATS, FUNDS, GENDERS, ORGANISATION_TYPES, OUTCOME_KINDS, PARTICIPANT_ROLES, SIZE_CLASSES } from '@app/programme';
import { PersonViewDto } from '../programme/entity-views.dto.js';

/** Which slice of the list this page is; `items` holds the rows. */
abstract class PageDto {
  @ApiProperty({ description: 'Rows matching the filters, in all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ProjectRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() programme!: string;
  @ApiProperty({ enum: FUNDS }) fund!: string;
  @ApiProperty({ example: '2023-01-01' }) startDate!: string;
  @ApiProperty({ example: '2026-12-31' }) endDate!: string;
  @ApiProperty({ type: [String], example: ['SE'] }) countries!: string[];
}

export class ProjectsPageDto extends PageDto {
  @ApiProperty({ type: [ProjectRowDto] }) items!: ProjectRowDto[];
}

export class OrganisationRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ example: '559123-0007' }) organisationNumber?: string;
  @ApiProperty({ example: 'SE' }) country!: string;
  @ApiProperty({ enum: ORGANISATION_TYPES }) type!: string;
  @ApiPropertyOptional({ enum: SIZE_CLASSES }) sizeClass?: string;
  @ApiPropertyOptional() foundedYear?: number;
}

export class OrganisationsPageDto extends PageDto {
  @ApiProperty({ type: [OrganisationRowDto] }) items!: OrganisationRowDto[];
}

export class ParticipantRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: GENDERS }) gender!: string;
  @ApiPropertyOptional() birthYear?: number;
  @ApiPropertyOptional({ format: 'uuid' }) organisationId?: string;
  @ApiProperty({ enum: PARTICIPANT_ROLES }) role!: string;
  @ApiProperty({ example: '2023-10-02' }) registeredOn!: string;
  @ApiProperty() erased!: boolean;
  @ApiProperty({ type: PersonViewDto, nullable: true, description: 'null once the person is erased' }) person!: PersonViewDto | null;
}

export class ParticipantsPageDto extends PageDto {
  @ApiProperty({ type: [ParticipantRowDto] }) items!: ParticipantRowDto[];
}

export class LabCapacityRowDto {
  @ApiProperty({ type: Number, nullable: true }) companies!: number | null;
  @ApiProperty({ type: Number, nullable: true }) creatives!: number | null;
}

export class ActivityRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['lab', ...ACTIVITY_FORMATS] }) format!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ description: 'Labs only' }) theme?: string;
  @ApiProperty({ example: '2023-10-10' }) startDate!: string;
  @ApiProperty({ example: '2023-10-12' }) endDate!: string;
  @ApiProperty() crossBorder!: boolean;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiPropertyOptional({ example: '2023-10-12' }) closedOn?: string;
  @ApiProperty({ description: 'Attendance records' }) attendances!: number;
  @ApiPropertyOptional({ type: LabCapacityRowDto, description: 'Labs only' }) capacity?: LabCapacityRowDto;
  @ApiPropertyOptional({ description: 'Labs only: companies admitted' }) companies?: number;
  @ApiPropertyOptional({ description: 'Labs only: creatives admitted' }) creatives?: number;
}

export class ActivitiesPageDto extends PageDto {
  @ApiProperty({ type: [ActivityRowDto] }) items!: ActivityRowDto[];
}

export class OutcomeRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: OUTCOME_KINDS }) kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) organisationId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) activityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) pilotCaseId?: string;
  @ApiProperty({ example: '2023-10-12' }) date!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional() evidence?: string;
  @ApiProperty() retracted!: boolean;
  @ApiPropertyOptional() retractionReason?: string;
}

export class OutcomesPageDto extends PageDto {
  @ApiProperty({ type: [OutcomeRowDto] }) items!: OutcomeRowDto[];
}

export class PilotCaseRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: '2023-11-01' }) startDate!: string;
  @ApiPropertyOptional() completedOn?: string;
  @ApiPropertyOptional() evidence?: string;
  @ApiProperty({ enum: ['started', 'completed'] }) status!: string;
  @ApiProperty({ type: [String] }) organisationIds!: string[];
}

export class PilotCasesPageDto extends PageDto {
  @ApiProperty({ type: [PilotCaseRowDto] }) items!: PilotCaseRowDto[];
}
