import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FUNDS, type Fund } from '@app/programme';
import { IsIsoDate, IsPositionOrTimestamp } from '../programme/validators.js';

/** Read-your-writes: the `position` a command answered with. */
export class ConsistencyQueryDto {
  @ApiPropertyOptional({
    description: 'Wait (at most 5 s) until the read models include the event at this log position, e.g. the position a command answered',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class PageQueryDto extends ConsistencyQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset?: number;
}

export class PeriodQueryDto extends ConsistencyQueryDto {
  @ApiPropertyOptional({ example: '2025-01-01', description: 'First day of the period (when things happened), inclusive' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-06-30', description: 'Last day of the period, inclusive' })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ enum: ['en', 'sv'], default: 'en', description: 'Language of indicator names and units' })
  @IsOptional()
  @IsIn(['en', 'sv'])
  lang?: 'en' | 'sv';
}

export class ProjectIndicatorsQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({
    example: '2025-01-15T12:00:00Z',
    description:
      'The figures as they stood at this moment of recording: a log position, or a timestamp (what had been recorded by then). ' +
      'Combines with from/to, which say when things happened.',
  })
  @IsOptional()
  @IsPositionOrTimestamp()
  asOf?: string;
}

export class ProgrammeIndicatorsQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: FUNDS })
  @IsOptional()
  @IsIn(FUNDS)
  fund?: Fund;

  @ApiPropertyOptional({ example: 'SE', description: 'Projects with a partner in this country (ISO 3166 alpha-2)' })
  @IsOptional()
  @IsISO31661Alpha2()
  country?: string;
}

export function page(query: PageQueryDto) {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

/** A period must not end before it starts; said the same way as every other 400. */
export function assertPeriod(query: PeriodQueryDto): { from?: string; to?: string } {
  if (query.from && query.to && query.to < query.from) {
    const message = `to (${query.to}) must not be before from (${query.from})`;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid input: ${message}`,
      problems: [{ field: 'to', rule: 'notBeforeFrom', message }],
    });
  }
  return { from: query.from, to: query.to };
}

/** The projects the caller may see, filtered as `GET /api/projects` filters them, with the period's figures. */
export class IndicatorsByProjectQueryDto extends IntersectionType(ProgrammeIndicatorsQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
}
