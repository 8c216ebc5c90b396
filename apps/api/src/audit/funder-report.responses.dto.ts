import { ApiProperty } from '@nestjs/swagger';
import { INDICATOR_CODES } from '@app/programme';
import { PeriodDto } from '../reporting/indicators.dto.js';

const RULES = ['distinct-new', 'period-value'];

export class FunderFiguresDto {
  @ApiProperty({ description: "The previous report's cumulative figure as of its own frozen position (0 for a first report)" })
  previouslyReported!: number;
  @ApiProperty({
    description:
      'distinct-new: cumulative minus previously reported (what is new since the previous report; negative after a retraction); ' +
      "period-value: the value over this report's period",
  })
  thisReport!: number;
  @ApiProperty({ description: "From the project's start to the end of this report's period, as of this report's frozen position; a distinct count is never a sum of periods" })
  cumulative!: number;
}

export class FunderReportBreakdownRowDto extends FunderFiguresDto {
  @ApiProperty({ example: 'sizeClass' }) dimension!: string;
  @ApiProperty({ example: 'micro' }) category!: string;
}

export class FunderReportIndicatorDto extends FunderFiguresDto {
  @ApiProperty({ enum: INDICATOR_CODES }) code!: string;
  @ApiProperty({ example: 'Enterprises supported (of which: micro, small, medium, large)', description: 'In the language asked for' }) name!: string;
  @ApiProperty({ example: 'enterprises' }) unit!: string;
  @ApiProperty({ enum: RULES, description: 'How this report relates to cumulative; the catalogue states the rule per indicator' }) rule!: string;
  @ApiProperty({ type: Number, nullable: true }) target!: number | null;
  @ApiProperty({ type: Number, nullable: true }) baseline!: number | null;
  @ApiProperty({ type: [FunderReportBreakdownRowDto], description: 'The same three figures per breakdown category, by the same rule' })
  breakdown!: FunderReportBreakdownRowDto[];
}

export class PreviousReportDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ description: 'The log position its figures were frozen at: "previously reported" stands for it' }) position!: number;
}

export class FunderReportDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: ['en', 'sv'] }) language!: string;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ description: "This report's frozen log position: target, baseline, this report and cumulative stand for it" }) position!: number;
  @ApiProperty({
    type: PreviousReportDto,
    nullable: true,
    description:
      "Of the project's reports submitted before this one, the one whose period ends last before this report's period ends; " +
      'null for a first report',
  })
  previousReport!: PreviousReportDto | null;
  @ApiProperty({ type: [FunderReportIndicatorDto], description: 'Every indicator of the catalogue, in catalogue order' })
  indicators!: FunderReportIndicatorDto[];
  @ApiProperty({
    description:
      'SHA-256 (hex) of the canonical JSON of the figures (ids, periods, positions, and per indicator code, rule, target, baseline and the ' +
      'three figures with their breakdowns; names and labels left out): the same in both languages and formats, and whenever produced',
  })
  digest!: string;
}
