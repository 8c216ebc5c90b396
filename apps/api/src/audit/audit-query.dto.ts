import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsIsoDate } from '../programme/validators.js';
import { ConsistencyQueryDto } from '../reporting/reporting-query.dto.js';

class LimitDto extends ConsistencyQueryDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class StreamEventsQueryDto extends LimitDto {
  @ApiPropertyOptional({ default: 0, description: 'The revision to start from, inclusive (the first event is 0)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromRevision?: number;
}

export class LogQueryDto extends LimitDto {
  @ApiPropertyOptional({ default: 0, description: 'Answer the events after this log position (the `next.after` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

export class GlobalLogQueryDto extends LogQueryDto {
  @ApiPropertyOptional({ example: 'ParticipantCorrected', description: 'Only events of this type' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}$/, { message: 'type must be an event type such as ParticipantCorrected' })
  type?: string;

  @ApiPropertyOptional({
    example: 'participant',
    description: 'Only events of this stream (`participant-<uuid>`) or of this category of streams (`participant`)',
  })
  @IsOptional()
  @Matches(/^[a-zA-Z][a-zA-Z0-9]{0,63}(-[0-9a-zA-Z-]{1,100})?$/, {
    message: 'stream must be a stream name such as participant-<uuid>, or a category such as participant',
  })
  stream?: string;
}

export class SubmitReportDto {
  @ApiProperty({ example: 'Lägesrapport 2024 H1', description: 'How the report is known to the funder' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  label!: string;

  @ApiPropertyOptional({ example: '2024-01-01', description: 'First day of the reported period; absent: from the start' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2024-06-30', description: 'Last day of the reported period; absent: to the end' })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Compute the figures only once the read models include this position' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}
