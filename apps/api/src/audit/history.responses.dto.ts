import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EventMetadataDto {
  @ApiProperty({ format: 'uuid', description: 'The request the event came from' }) correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ example: 'token:ab16ac56-6e77-4f8f-83c4-61e24bb452e3', description: 'Who caused it' }) actor!: string;
  @ApiProperty({ description: 'When the command was recorded, as the handler saw it (ISO 8601)' }) recordedAt!: string;
  @ApiPropertyOptional({ example: 'RegisterProject' }) command?: string;
  @ApiPropertyOptional() schemaVersion?: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Hash of the previous event in the stream; null at revision 0' })
  previousHash?: string | null;
  @ApiPropertyOptional({ description: "This event's hash: with previousHash it chains the stream" }) hash?: string;
}

/** An event as the history routes show it: a reason sealed with a person's key in words (null once erased), never its ciphertext. */
export class HistoryEventDto {
  @ApiProperty({ description: 'Global log position' }) position!: number;
  @ApiProperty({ example: 'project-0d6f...' }) streamName!: string;
  @ApiProperty({ description: 'Revision in its stream, from 0' }) revision!: number;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ProjectRegistered' }) type!: string;
  @ApiProperty({ description: 'When the store appended it (ISO 8601)' }) recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data, as its type defines it" }) data!: Record<string, unknown>;
  @ApiProperty({ type: EventMetadataDto }) metadata!: EventMetadataDto;
}

export class NextRevisionDto {
  @ApiProperty({ description: 'Pass as fromRevision for the next page' }) fromRevision!: number;
}

export class NextPositionDto {
  @ApiProperty({ description: 'Pass as after for the next page' }) after!: number;
}

export class StreamEventsPageDto {
  @ApiProperty() streamName!: string;
  @ApiProperty({ type: [HistoryEventDto], description: 'Oldest first' }) events!: HistoryEventDto[];
  @ApiProperty({ type: NextRevisionDto, nullable: true, description: 'null on the last page' }) next!: NextRevisionDto | null;
}

export class LogPageDto {
  @ApiProperty({ type: [HistoryEventDto], description: 'In log order' }) events!: HistoryEventDto[];
  @ApiProperty({ type: NextPositionDto, nullable: true, description: 'null on the last page' }) next!: NextPositionDto | null;
}

export class ProjectHistoryPageDto extends LogPageDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
}
