import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['live'] }) status!: string;
}

export class EventStoreHealthDto {
  @ApiProperty({ example: 'sqlite' }) kind!: string;
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiPropertyOptional({ description: 'When down: why, in one line' }) reason?: string;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: string;
  @ApiProperty({ type: EventStoreHealthDto }) eventStore!: EventStoreHealthDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['state', 'position', 'reconnects', 'lastError'],
      properties: {
        state: { type: 'string', enum: ['connecting', 'catching-up', 'live', 'reconnecting', 'stopped'] },
        position: { type: 'number', nullable: true, description: 'The position of the last event it handled; null before the first' },
        reconnects: { type: 'number' },
        lastError: { type: 'string', nullable: true },
      },
    },
    description: 'Each follower of the log: `access` (the token registry) and `projections` (the read models)',
  })
  followers!: Record<string, { state: string; position: number | null; reconnects: number; lastError: string | null }>;
  @ApiPropertyOptional({ description: 'Why the answer is 503 when the store answers but a follower does not follow it' }) reason?: string;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not-ready'] }) status!: string;
  @ApiProperty({ type: [String], description: 'Why the answer is 503: one line per cause' }) reasons!: string[];
  @ApiProperty({ type: Number, nullable: true, description: 'Events the read models have not applied yet, counted up to one past the limit' })
  lag!: number | null;
  @ApiProperty() maxLag!: number;
  @ApiProperty({ type: [String], description: 'Read models being rebuilt' }) rebuilding!: string[];
}
