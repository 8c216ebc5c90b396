import type Database from 'better-sqlite3';
import { InvalidStreamNameError, streamName, StreamNotFoundError, type EventStore, type RecordedEvent } from '@app/event-store';
import { yieldToEventLoop } from './replay-gate.js';
import { DECODED_PROJECT_HISTORY, projectKeyOf } from '../projections/project-history.projection.js';

/** A moment of recording: a log position, or a time (the store's recordedAt). */
export type AsOf = { position: number } | { timestamp: string };

/** A log position (digits) or an ISO 8601 timestamp with a time and a zone; undefined for anything else. */
export function parseAsOf(value: string): AsOf | undefined {
  if (/^\d{1,15}$/.test(value)) return { position: Number(value) };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : { timestamp: new Date(time).toISOString() };
}

/** A page of a project's history: after a position (exclusive), optionally one event type or one stream or category. */
export interface HistoryPageQuery {
  after?: number;
  limit: number;
  type?: string;
  /** A stream name (`participant-<uuid>`) or a category (`participant`). */
  stream?: string;
}

/** Streams read so far of those a replay needs. */
export type ReplayProgress = (streamsRead: number, streams: number) => void;

/**
 * The events behind one project's figures, read stream by stream from the log: the project's own streams
 * (found through the read models) and the organisations those events name. Reading a few thousand
 * streams is far cheaper than scanning a log of a million events for one project.
 */
export class ProjectLog {
  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
  ) {}

  /** Every stream that belongs to the project: its own, and each entity recorded under it. */
  streams(projectId: string): string[] {
    return this.db
      .prepare(
        `SELECT 'project-' || project_id FROM projects WHERE project_id = :projectId
         UNION ALL SELECT 'participant-' || participant_id FROM participants WHERE project_id = :projectId
         UNION ALL SELECT 'activity-' || activity_id FROM activities WHERE project_id = :projectId
         UNION ALL SELECT 'support-' || support_id FROM support WHERE project_id = :projectId
         UNION ALL SELECT 'pilotCase-' || pilot_case_id FROM pilot_cases WHERE project_id = :projectId
         UNION ALL SELECT 'outcome-' || outcome_id FROM outcomes WHERE project_id = :projectId
         UNION ALL SELECT 'report-' || report_id FROM reports WHERE project_id = :projectId`,
      )
      .pluck()
      .all({ projectId }) as string[];
  }

  /**
   * One page of the project's history, from the index (project_history): the positions after `after`, then
   * only those events read from the store, each stream once from its first revision on the page.
   */
  async historyPage(projectId: string, page: HistoryPageQuery): Promise<{ events: RecordedEvent[]; next: { after: number } | null }> {
    // Only the conditions asked for, so SQLite seeks (project[, type], position) instead of filtering. The keys
    // are looked up once (an unknown project or type has none, and matches nothing).
    const category = page.stream && !page.stream.includes('-') ? `${page.stream}-` : undefined;
    const conditions = [
      `h.project_key = ${projectKeyOf(':projectId')}`,
      ...(page.after !== undefined ? ['h.position > :after'] : []),
      ...(page.type !== undefined ? ['h.type_key = (SELECT type_key FROM history_types WHERE type = :type)'] : []),
      ...(category
        ? ['substr(s.stream_name, 1, :categoryLength) = :category']
        : page.stream
          ? ['h.stream_key = (SELECT stream_key FROM project_streams WHERE stream_name = :stream)']
          : []),
    ];
    const rows = this.db
      .prepare(
        `SELECT h.position, s.stream_name AS streamName, h.revision FROM ${DECODED_PROJECT_HISTORY}
         WHERE ${conditions.join(' AND ')} ORDER BY h.position LIMIT :limit`,
      )
      .all({
        projectId,
        limit: page.limit + 1,
        ...(page.after !== undefined ? { after: page.after } : {}),
        ...(page.type !== undefined ? { type: page.type } : {}),
        ...(category ? { category, categoryLength: category.length } : page.stream ? { stream: page.stream } : {}),
      }) as Array<{ position: number; streamName: string; revision: number }>;
    const onPage = rows.slice(0, page.limit);
    const revisions = new Map<string, number[]>();
    for (const row of onPage) revisions.set(row.streamName, [...(revisions.get(row.streamName) ?? []), row.revision]);
    const byPosition = new Map<number, RecordedEvent>();
    for (const [stream, wanted] of revisions) {
      const first = Math.min(...wanted);
      const read = await this.store.readStream(stream, { fromRevision: first, maxCount: Math.max(...wanted) - first + 1 });
      const keep = new Set(wanted);
      for (const event of read) if (keep.has(event.revision)) byPosition.set(event.position, event);
    }
    const events = onPage.map((row) => byPosition.get(row.position)).filter((event): event is RecordedEvent => event !== undefined);
    return { events, next: rows.length > page.limit ? { after: onPage[onPage.length - 1].position } : null };
  }

  /**
   * What a replay of the project's figures needs: its own events, and those of every organisation and person
   * they name (as partner, supported enterprise, employer or attendee, also before a correction), in log order.
   */
  async eventsForFigures(projectId: string, asOf?: AsOf, onProgress?: ReplayProgress): Promise<RecordedEvent[]> {
    const ownStreams = this.streams(projectId);
    const own = await this.read(ownStreams, asOf, onProgress && ((done) => onProgress(done, ownStreams.length)));
    const named = new Set<string>();
    for (const event of own) collectNamedStreams(event.data, named);
    for (const stream of ownStreams) named.delete(stream);
    const total = ownStreams.length + named.size;
    const theirs = await this.read([...named], asOf, onProgress && ((done) => onProgress(ownStreams.length + done, total)));
    return [...own, ...theirs].sort((a, b) => a.position - b.position);
  }

  private async read(streams: readonly string[], asOf?: AsOf, onProgress?: (done: number) => void): Promise<RecordedEvent[]> {
    const included = asOf === undefined ? () => true : inclusion(asOf);
    const events: RecordedEvent[] = [];
    for (const [index, stream] of streams.entries()) {
      if (index % 200 === 0) {
        onProgress?.(index);
        // The embedded store answers synchronously: without a turn of the event loop, other requests wait.
        if (index > 0) await yieldToEventLoop();
      }
      try {
        for (const event of await this.store.readStream(stream)) if (included(event)) events.push(event);
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
    }
    return events.sort((a, b) => a.position - b.position);
  }
}

function inclusion(asOf: AsOf): (event: RecordedEvent) => boolean {
  if ('position' in asOf) return (event) => event.position <= asOf.position;
  const at = Date.parse(asOf.timestamp);
  return (event) => Date.parse(event.recordedAt) <= at;
}

/** An id that cannot name a stream names none in the log either: nothing to add. */
function addStream(into: Set<string>, category: string, id: string): void {
  try {
    into.add(streamName(category, id));
  } catch (error) {
    if (!(error instanceof InvalidStreamNameError)) throw error;
  }
}

/** The streams of the organisations and people an event's data names. */
function collectNamedStreams(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'organisationId' || key === 'participantId') {
      if (typeof inner === 'string') addStream(into, key === 'organisationId' ? 'organisation' : 'participant', inner);
    } else if (key === 'organisationIds' && Array.isArray(inner)) {
      for (const id of inner) if (typeof id === 'string') addStream(into, 'organisation', id);
    } else if (key !== 'person') {
      collectNamedStreams(inner, into);
    }
  }
}
