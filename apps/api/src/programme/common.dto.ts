import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CommandResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'project-0d6f...' }) streamName!: string;
  @ApiProperty({ description: 'The entity revision after the command; also sent as ETag' }) revision!: number;
  @ApiProperty({ description: 'Global log position of the last event written' }) position!: number;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'For 400: every offending field and the rule it broke' })
  problems?: Array<{ field: string; rule: string; message: string }>;
}

/** Creates may carry their own id, so a client can retry without making a duplicate. */
export class CreateDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The new entity id; generated when absent' })
  @IsOptional()
  @IsUUID()
  id?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Registered twice by mistake', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}
