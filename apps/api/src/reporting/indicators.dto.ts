import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FUNDS } from '@app/programme';
import { MAIN_INDICATORS } from '@app/reporting';

/** The period asked about; null ends are open. */
export class PeriodDto {
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-06-30' }) to!: string | null;
}

export class IndicatorValueDto {
  @ApiProperty({ example: 'participants' }) code!: string;
  @ApiProperty({ example: 'Participants', description: 'In the language asked for (lang)' }) name!: string;
  @ApiProperty({ example: 'persons' }) unit!: string;
  @ApiProperty({ description: 'Counted by the catalogue rule, exactly as GET /api/projects/{id}/indicators counts it' }) value!: number;
  @ApiProperty({ type: Number, nullable: true, description: "The project's target, if it set one" }) target!: number | null;
  @ApiProperty({ type: Number, nullable: true }) baseline!: number | null;
}

export class ProjectFiguresDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() programme!: string;
  @ApiProperty({ enum: FUNDS }) fund!: string;
  @ApiProperty({ example: '2023-01-01' }) startDate!: string;
  @ApiProperty({ example: '2026-12-31' }) endDate!: string;
  @ApiProperty({ type: [String], example: ['SE', 'NO'] }) countries!: string[];
  @ApiProperty({
    type: [IndicatorValueDto],
    description: 'The main figures (see `main`) and every indicator the project set a target for, in catalogue order; no breakdowns',
  })
  indicators!: IndicatorValueDto[];
}

export class IndicatorsByProjectDto {
  @ApiProperty({ type: String, nullable: true, enum: FUNDS }) fund!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'SE' }) country!: string | null;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ description: 'The log position every figure of the answer stands at' }) position!: number;
  @ApiProperty({ type: [String], example: MAIN_INDICATORS, description: 'The codes every project row holds, whether or not it set a target' })
  main!: string[];
  @ApiProperty({ type: [ProjectFiguresDto], description: 'One page of the projects the caller may see, by name' }) items!: ProjectFiguresDto[];
  @ApiProperty({ description: 'Projects matching the filters that the caller may see' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class EvidenceEventDto {
  @ApiProperty({ example: 'support-0d6f…', description: 'The stream of the event that made the entity count' }) streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'EnterpriseSupportRecorded' }) type!: string;
}

export class EvidenceItemDto {
  @ApiProperty({ description: 'The entity counted (an attendance: <activityId>/<participantId>/<date>)' }) key!: string;
  @ApiProperty({ description: 'Log position of the event that made it count' }) position!: number;
  @ApiProperty({
    example: 'organisation-0d6f…',
    description:
      "The counted entity's stream, where its history is (an attendance: its person's). GET /api/streams/{streamName}/events " +
      '(log:read) reads it, and so does GET /api/projects/{id}/history?stream= (records:read) for streams recorded under the project',
  })
  streamName!: string;
  @ApiProperty({ type: EvidenceEventDto, nullable: true, description: 'Null only while the history index catches up with the event' })
  event!: EvidenceEventDto | null;
}

export class EvidenceDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiPropertyOptional() asOf?: string;
  @ApiProperty() position!: number;
  @ApiProperty() value!: number;
  @ApiProperty({
    type: [EvidenceItemDto],
    description: "In log order. Each item also holds one property per breakdown dimension of the indicator (gender, size_class, …): the item's category",
  })
  items!: EvidenceItemDto[];
}
