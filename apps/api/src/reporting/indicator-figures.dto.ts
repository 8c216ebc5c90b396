import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FUNDS, INDICATOR_CODES } from '@app/programme';
import { IndicatorValueDto, PeriodDto } from './indicators.dto.js';

export class LocalisedTextDto {
  @ApiProperty({ example: 'Participants' }) en!: string;
  @ApiProperty({ example: 'Deltagare' }) sv!: string;
}

export class BreakdownDefinitionDto {
  @ApiProperty({ example: 'gender' }) dimension!: string;
  @ApiPropertyOptional({ type: [String], description: 'Every category, listed even when zero; absent for open sets such as countries' })
  categories?: string[];
}

export class FunderReportRuleDto {
  @ApiProperty({
    enum: ['distinct-new', 'period-value'],
    description:
      '`distinct-new`: cumulative is the distinct count from the project start to the end of the period, this report is cumulative minus ' +
      'previously reported; `period-value`: this report is the value over the report period',
  })
  rule!: string;
  @ApiProperty({ description: 'The rule in words, and why it is the rule of this indicator' }) text!: string;
}

export class IndicatorDefinitionDto {
  @ApiProperty({ enum: INDICATOR_CODES }) code!: string;
  @ApiProperty({ type: LocalisedTextDto }) name!: LocalisedTextDto;
  @ApiProperty({ type: LocalisedTextDto }) unit!: LocalisedTextDto;
  @ApiProperty({ description: 'The counting rule in words' }) rule!: string;
  @ApiProperty({ enum: ['distinct', 'rows'], description: '`distinct`: each entity counts once; `rows`: every row counts' }) counting!: string;
  @ApiProperty({ type: [BreakdownDefinitionDto] }) breakdowns!: BreakdownDefinitionDto[];
  @ApiProperty({ type: FunderReportRuleDto, description: 'How GET /api/reports/{id}/funder-report counts "this report" and "cumulative"' })
  funderReport!: FunderReportRuleDto;
}

export class IndicatorFigureDto extends IndicatorValueDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
    description: 'By dimension, then category',
    example: { gender: { woman: 5, man: 2, another: 0, 'not-stated': 0 } },
  })
  breakdown!: Record<string, Record<string, number>>;
}

export class ProjectIndicatorsDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiPropertyOptional({ description: 'As asked: the figures as the log stood then' }) asOf?: string;
  @ApiProperty({ description: 'The log position the figures stand at' }) position!: number;
  @ApiProperty({ type: [IndicatorFigureDto] }) indicators!: IndicatorFigureDto[];
}

export class ProgrammeIndicatorsDto {
  @ApiProperty({ type: String, nullable: true, enum: FUNDS }) fund!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'SE' }) country!: string | null;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ description: 'The log position the figures stand at' }) position!: number;
  @ApiProperty({ type: [IndicatorFigureDto] }) indicators!: IndicatorFigureDto[];
}
