/** Who asks, on behalf of which request, and when: everything a handler needs beyond the command's data. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string;
  /** The moment the command is handled; deciders see it as `today`, never read the clock themselves. */
  now: Date;
  /** The revision the caller last saw (HTTP If-Match); a different current revision is refused. */
  ifMatch?: number;
}

export interface CommandResult {
  id: string;
  streamName: string;
  /** Revision of the entity's stream after the command: the next If-Match / ETag. */
  revision: number;
  /** Global log position of the last event written, for read-your-writes. */
  position: number;
}

/** Version of every event's data shape; bump per event type when its data changes incompatibly. */
export const EVENT_SCHEMA_VERSION = 1;
