import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { CommandResultDto } from '../programme/common.dto.js';
import { PeriodDto } from '../reporting/indicators.dto.js';
import { HistoryEventDto, NextPositionDto } from './history.responses.dto.js';

export class ReportedIndicatorDto {
  @ApiProperty({ example: 'participants' }) code!: string;
  @ApiProperty() value!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
    description: 'By dimension, then category',
    example: { gender: { woman: 5, man: 2 } },
  })
  breakdown!: Record<string, Record<string, number>>;
  @ApiProperty({ type: Number, nullable: true }) target!: number | null;
  @ApiProperty({ type: Number, nullable: true }) baseline!: number | null;
}

export class ReportFiguresDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ description: 'The log position the figures were computed at' }) position!: number;
  @ApiProperty({ type: [ReportedIndicatorDto] }) indicators!: ReportedIndicatorDto[];
}

export class SubmittedReportDto extends CommandResultDto {
  @ApiProperty({ description: 'The log position the figures stand for' }) figuresPosition!: number;
  @ApiProperty({ description: 'SHA-256 of the figures as canonical JSON' }) digest!: string;
}

export class ReportRowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, nullable: true }) from!: string | null;
  @ApiProperty({ type: String, nullable: true }) to!: string | null;
  @ApiProperty() figuresPosition!: number;
  @ApiProperty() digest!: string;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() submittedBy!: string;
  @ApiProperty() position!: number;
}

export class ReportListDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ type: [ReportRowDto], description: 'In the order submitted' }) items!: ReportRowDto[];
}

export class ReportCheckDto {
  @ApiProperty({ enum: ['match', 'mismatch'] }) result!: string;
  @ApiProperty() digestMatches!: boolean;
  @ApiProperty({ description: 'How many figures differed from the recomputed ones' }) differences!: number;
  @ApiProperty({ description: 'How many figures for the period differed then from the figures of the day' }) changedSince!: number;
  @ApiProperty() checkedAtPosition!: number;
  @ApiProperty() verifiedAt!: string;
  @ApiProperty() verifiedBy!: string;
  @ApiProperty() position!: number;
}

export class ReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty() figuresPosition!: number;
  @ApiProperty() digest!: string;
  @ApiProperty({ type: ReportFiguresDto }) figures!: ReportFiguresDto;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() submittedBy!: string;
  @ApiProperty({ description: 'Log position of the submission' }) position!: number;
  @ApiProperty({ type: [ReportCheckDto], description: 'Every recorded verification, oldest first' }) verifications!: ReportCheckDto[];
}

export class FigureDifferenceDto {
  @ApiProperty() code!: string;
  @ApiProperty({ example: 'breakdown.gender.woman', description: '`value`, `target`, `baseline`, or `breakdown.<dimension>.<category>`' })
  field!: string;
  @ApiProperty({ type: Number, nullable: true }) reported!: number | null;
  @ApiProperty({ type: Number, nullable: true }) recomputed!: number | null;
}

export class ChangedEventsCountDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'By event type' }) byType!: Record<string, number>;
}

export class ChangesSinceDto {
  @ApiProperty({ description: 'The log position "today" was' }) position!: number;
  @ApiProperty({ type: [FigureDifferenceDto] }) differences!: FigureDifferenceDto[];
  @ApiProperty({ type: ChangedEventsCountDto }) events!: ChangedEventsCountDto;
}

export class ReportVerificationDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() figuresPosition!: number;
  @ApiProperty({ enum: ['match', 'mismatch'] }) result!: string;
  @ApiProperty({ description: 'The digest stated at submission' }) digest!: string;
  @ApiProperty({ description: 'The stored figures still hash to it' }) digestMatches!: boolean;
  @ApiProperty({ type: [FigureDifferenceDto], description: 'Stored figures against the figures recomputed at the stored position' })
  differences!: FigureDifferenceDto[];
  @ApiProperty({ type: ChangesSinceDto }) changesSince!: ChangesSinceDto;
}

export class RecordedVerificationDto extends IntersectionType(CommandResultDto, ReportVerificationDto) {}

export class ReportChangesPageDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ type: [HistoryEventDto], description: 'In log order; personal data stays sealed' }) events!: HistoryEventDto[];
  @ApiProperty({ type: NextPositionDto, nullable: true, description: 'null on the last page' }) next!: NextPositionDto | null;
}
