import { ApiProperty } from '@nestjs/swagger';
import { SIZE_CLASSES } from '@app/programme';
import { PeriodDto } from './indicators.dto.js';

export const SUPPORT_LIST_KINDS = ['grant', 'voucher', 'non-financial', 'lab'] as const;

export class EnterpriseSupportedRowDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, example: '556123-4567' }) organisationNumber!: string | null;
  @ApiProperty({ example: 'SE' }) country!: string;
  @ApiProperty({ type: String, nullable: true, enum: SIZE_CLASSES, description: 'As currently classified, as the indicators count it' })
  sizeClass!: string | null;
  @ApiProperty({
    type: [String],
    enum: SUPPORT_LIST_KINDS,
    description: 'The kinds of support it got in the period, sorted; `lab` is a place in a lab (non-financial support to the indicators)',
  })
  kinds!: string[];
  @ApiProperty({ example: '2025-02-01' }) firstSupportedOn!: string;
  @ApiProperty({ example: '2025-05-23' }) lastSupportedOn!: string;
  @ApiProperty({ description: 'Support records and lab places in the period' }) supports!: number;
  @ApiProperty({ type: Number, nullable: true, description: "The support's own value in euro (grants, vouchers); null when none was valued" })
  amountEur!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The state aid it was granted as, in euro; null when no aid was recorded' })
  aidAmountEur!: number | null;
  @ApiProperty({ description: 'Projects that supported it in the period (1 in a project list)' }) projects!: number;
}

export class EnterprisesSupportedPageDto {
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({
    type: [EnterpriseSupportedRowDto],
    description: 'One row per enterprise however often supported, by name: exactly the enterprises RCO01 counts for the same scope and period',
  })
  items!: EnterpriseSupportedRowDto[];
  @ApiProperty({ description: 'Enterprises in all pages: RCO01 for the same scope and period' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
