import type { RecordedEvent } from '@app/event-store';

/** The runtime hands a projection only the event types it lists, so the cast narrows to what is there. */
export function domainEvent<E extends { type: string; data: unknown }>(recorded: RecordedEvent): E {
  return recorded as unknown as E;
}

/** The exhaustive check: a projection's switch must cover every event of its union. */
export function assertNeverEvent(_event: never): void {}
