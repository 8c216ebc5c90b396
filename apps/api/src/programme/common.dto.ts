import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { DEFAULT_REASON_CATEGORY, REASON_CATEGORIES, type ReasonCategory } from '@app/programme';

export class CommandResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'project-0d6f...' }) streamName!: string;
  @ApiProperty({ description: 'The entity revision after the command; also sent as ETag' }) revision!: number;
  @ApiProperty({ description: 'Global log position of the last event written' }) position!: number;
}

export class ProblemDto {
  @ApiProperty({ example: 'startDate' }) field!: string;
  @ApiProperty({ example: 'isIsoDate', description: 'The rule the field broke' }) rule!: string;
  @ApiProperty() message!: string;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [ProblemDto], description: 'For 400: every offending field and the rule it broke' })
  problems?: ProblemDto[];
}

/** Creates may carry their own id, so a client can retry without making a duplicate. */
export class CreateDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The new entity id; generated when absent' })
  @IsOptional()
  @IsUUID()
  id?: string;
}

/** Why a record changes. The words of a reason about an organisation or an outcome are kept in the log for ever. */
export class ReasonDto {
  @ApiProperty({
    example: 'Registered twice by mistake',
    maxLength: 2000,
    description: 'Kept in plaintext in the event log for ever and shown with the record: never name or describe a person here',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    enum: REASON_CATEGORIES,
    default: DEFAULT_REASON_CATEGORY,
    description: 'Why, as a category: plain in the log and shown to everyone who may see the record; `other` when absent',
  })
  @IsOptional()
  @IsIn(REASON_CATEGORIES)
  reasonCategory?: ReasonCategory;
}
