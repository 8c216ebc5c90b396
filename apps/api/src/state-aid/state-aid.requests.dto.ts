import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AID_BASES, AID_CURRENCIES, LINK_RELATIONS, VALUATION_METHODS, type AidBasis, type AidCurrency, type LinkRelation, type ValuationMethod } from '@app/programme';
import { CreateDto } from '../programme/common.dto.js';
import { IsIsoDate } from '../programme/validators.js';
import { PageQueryDto } from '../reporting/reporting-query.dto.js';

export class LinkEnterprisesDto extends CreateDto {
  @ApiProperty({ format: 'uuid', description: 'The other enterprise' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ enum: LINK_RELATIONS, description: 'controls: the enterprise in the path controls the other; controlled-by: the other way round' })
  @IsIn(LINK_RELATIONS)
  relation!: LinkRelation;

  @ApiProperty({ example: '2024-01-01', description: 'First day of control' })
  @IsIsoDate()
  from!: string;

  @ApiPropertyOptional({ example: '2025-12-31', description: 'Last day of control, included; open-ended when absent' })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiProperty({
    example: 'Majority of voting rights (100 % of shares), annual report 2023',
    maxLength: 2000,
    description: 'What the control rests on; kept in plaintext for ever: never name or describe a person here',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

/** An amount with at most two decimals (money, or hours of work) from min to max: one rule for every such field. */
export function IsAmount(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }), Min(min), Max(max));
}

export class AidValuationDto {
  @ApiProperty({ enum: VALUATION_METHODS })
  @IsIn(VALUATION_METHODS)
  method!: ValuationMethod;

  @ApiPropertyOptional({ example: 10, description: 'With method hours: amount must be hours x hourlyRate' })
  @IsOptional()
  @IsAmount(0, 1e6)
  hours?: number;

  @ApiPropertyOptional({ example: 100 })
  @IsOptional()
  @IsAmount(0, 1e6)
  hourlyRate?: number;

  @ApiPropertyOptional({ maxLength: 2000, description: 'How it was valued (required with cost-share); about the activity, never a person' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note?: string;
}

export class AidDto {
  @ApiProperty({ enum: AID_BASES, description: 'de-minimis counts towards the ceiling; gber and no-aid never do' })
  @IsIn(AID_BASES)
  basis!: AidBasis;

  @ApiProperty({ example: '2025-11-20', description: 'When the enterprise got the legal right to it (decision or agreement date)' })
  @IsIsoDate()
  grantedOn!: string;

  @ApiProperty({ example: 1000, description: 'Gross amount (or value) in the currency' })
  @IsAmount(0, 1e9)
  amount!: number;

  @ApiProperty({ enum: AID_CURRENCIES })
  @IsIn(AID_CURRENCIES)
  currency!: AidCurrency;

  @ApiPropertyOptional({
    example: 11.4929,
    description: 'Units of the currency per euro applicable on the grant date (e.g. 11.4929 for SEK); required unless currency is EUR',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(0.000001)
  @Max(1e6)
  eurRate?: number;

  @ApiPropertyOptional({ type: AidValuationDto, description: 'How non-financial aid was valued' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AidValuationDto)
  valuation?: AidValuationDto;

  @ApiPropertyOptional({ example: 'Article 20a', maxLength: 200, description: 'The GBER article (basis gber only)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  article?: string;
}

/** Aid received elsewhere, as the enterprise declares it: dated, valued and converted as the aid the ledger records. */
export class DeclaredGrantDto extends PickType(AidDto, ['grantedOn', 'currency', 'eurRate'] as const) {
  // Every declared grant is de minimis aid, which is worth more than zero; recorded aid may be no aid at all.
  @ApiProperty({ example: 290000 })
  @IsAmount(0.01, 1e9)
  amount!: number;

  @ApiProperty({ example: 'Tillväxtverket', maxLength: 300, description: 'The authority or body that granted it' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  grantor!: string;
}

export class DeclareDeMinimisDto extends CreateDto {
  @ApiProperty({ example: '2026-11-20', description: 'When the enterprise made the declaration' })
  @IsIsoDate()
  declaredOn!: string;

  @ApiProperty({ type: [DeclaredGrantDto], description: 'Every de minimis aid its single undertaking received elsewhere in the previous three years (may be empty)' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => DeclaredGrantDto)
  grants!: DeclaredGrantDto[];
}

export class DeMinimisQueryDto {
  @ApiPropertyOptional({ example: '2026-11-22', description: 'The date to assess on; today when absent' })
  @IsOptional()
  @IsIsoDate()
  on?: string;
}

export class CertificateQueryDto {
  @ApiPropertyOptional({ enum: ['sv', 'en'], default: 'sv' })
  @IsOptional()
  @IsIn(['sv', 'en'])
  lang?: 'sv' | 'en';

  @ApiPropertyOptional({ enum: ['html', 'json'], default: 'html' })
  @IsOptional()
  @IsIn(['html', 'json'])
  format?: 'html' | 'json';
}

export class RegisterQueryDto extends PageQueryDto {}
