import type { LogPages, RecordedEvent } from '@app/event-store';

/**
 * Builds a log of recorded events for projection tests: positions follow the order given, stream names
 * come from the entity id in the data, as the command handlers write them.
 */
export function recordedLog(events: Array<{ type: string; data: Record<string, unknown> }>, startPosition = 1): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, i) => {
    const streamName = streamOf(event.type, event.data);
    const revision = (revisions.get(streamName) ?? -1) + 1;
    revisions.set(streamName, revision);
    return {
      id: `00000000-0000-4000-8000-${String(startPosition + i).padStart(12, '0')}`,
      streamName,
      revision,
      position: startPosition + i,
      type: event.type,
      data: event.data,
      metadata: { actor: 'test', correlationId: 'c', causationId: 'c', recordedAt: '2025-01-01T00:00:00.000Z' },
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
  });
}

const CATEGORIES: Array<[string, string]> = [
  ['participantId', 'participant'],
  ['organisationId', 'organisation'],
  ['supportId', 'support'],
  ['pilotCaseId', 'pilotCase'],
  ['outcomeId', 'outcome'],
  ['activityId', 'activity'],
  ['projectId', 'project'],
];

function streamOf(type: string, data: Record<string, unknown>): string {
  // Activity events name participants and organisations too; their stream is the activity's.
  if (typeof data.activityId === 'string' && !('supportId' in data) && !('outcomeId' in data)) return `activity-${data.activityId}`;
  for (const [field, category] of CATEGORIES) {
    if (typeof data[field] === 'string') return `${category}-${data[field]}`;
  }
  throw new Error(`No entity id in ${type}`);
}

/** Every field by name: a replayed event's metadata is a getter, so a plain toEqual on the objects would not see it. */
export const recordedFields = (e: RecordedEvent) => ({
  id: e.id,
  streamName: e.streamName,
  revision: e.revision,
  position: e.position,
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  recordedAt: e.recordedAt,
});

/** Pages until the first short one, as a rebuild reads: the events, and each page's size. */
export async function readPagesToEnd(pages: Pick<LogPages, 'next'>, pageSize: number): Promise<{ events: RecordedEvent[]; sizes: number[] }> {
  const sizes: number[] = [];
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await pages.next();
    sizes.push(page.length);
    events.push(...page);
    if (page.length < pageSize) return { events, sizes };
  }
}
