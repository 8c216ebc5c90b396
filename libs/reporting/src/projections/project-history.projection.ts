import type {
  ActivityEvent,
  OutcomeEvent,
  ParticipantEvent,
  PilotCaseEvent,
  ProjectEvent,
  ReportEvent,
  SupportEvent,
} from '@app/programme';
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import type { Projection, TableNames } from '../projection.js';
import { batchedInsert, type RebuildPreparable } from '../rebuild-batching.js';

type ProjectRecordEvent =
  | ProjectEvent
  | ParticipantEvent
  | ActivityEvent
  | SupportEvent
  | PilotCaseEvent
  | OutcomeEvent
  | ReportEvent;

/** Every event of a project's own streams; a type added to one of them and not here fails to compile. */
const RECORDED_UNDER_A_PROJECT: Record<ProjectRecordEvent['type'], true> = {
  ProjectRegistered: true,
  IndicatorTargetSet: true,
  ParticipantRegistered: true,
  ParticipantCorrected: true,
  ParticipantErased: true,
  LabOpened: true,
  ActivityOpened: true,
  CompanyAdmittedToLab: true,
  CreativeAdmittedToLab: true,
  AttendanceRecorded: true,
  ActivityClosed: true,
  EnterpriseSupportRecorded: true,
  PilotCaseStarted: true,
  PilotCaseCompleted: true,
  OutcomeRecorded: true,
  OutcomeRetracted: true,
  ReportSubmitted: true,
  ReportVerified: true,
};

/**
 * The index a project's history is paged from: where each event recorded under the project sits in the log
 * (position, stream, revision, type), so a page reads only its own events instead of every stream of the
 * project. A stream belongs to the project its first event names. Nothing personal is kept: ids and types.
 */
export const projectHistoryProjection: Projection & RebuildPreparable = {
  name: 'project_history',
  version: 1,
  eventTypes: Object.keys(RECORDED_UNDER_A_PROJECT),
  tables: [
    { name: 'project_streams', columns: 'stream_name TEXT PRIMARY KEY, project_id TEXT NOT NULL' },
    {
      name: 'project_history',
      // Kept in log order with two indexes: measured, a table kept in project order (WITHOUT ROWID) cost the load
      // more than the index it saves.
      columns: 'project_id TEXT NOT NULL, position INTEGER NOT NULL, stream_name TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL',
      indexes: ['project_id, position', 'project_id, type, position'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('project_history')}" VALUES (?, ?, ?, ?, ?)`);
    return compile(db, t, (project, position, streamName, revision, type) => insert.run(project, position, streamName, revision, type));
  },
  // A rebuild writes a row per event of the log here: several rows per statement.
  prepareForRebuild(db, t) {
    const history = batchedInsert(db, t('project_history'), 5);
    return { apply: compile(db, t, history.add), flush: history.flush };
  },
};

function compile(
  db: Database.Database,
  t: TableNames,
  insert: (project: string, position: number, streamName: string, revision: number, type: string) => void,
): (recorded: RecordedEvent) => void {
  const claim = db.prepare(`INSERT OR IGNORE INTO "${t('project_streams')}" (stream_name, project_id) VALUES (?, ?)`);
  const owner = db.prepare(`SELECT project_id FROM "${t('project_streams')}" WHERE stream_name = ?`).pluck();
  // A stream's owner never changes once claimed, so the owners seen lately are kept at hand: a seek per event
  // was a third of a rebuild. The runtime compiles the projection afresh after a failed batch or a swap, so
  // nothing kept here outlives the tables it was read from.
  const owners = new Map<string, string>();
  const ownerOf = (streamName: string): string | undefined => {
    let project = owners.get(streamName);
    if (project === undefined) {
      project = owner.get(streamName) as string | undefined;
      if (project === undefined) return undefined;
      if (owners.size >= MEMO_SIZE) owners.clear();
      owners.set(streamName, project);
    }
    return project;
  };
  return (recorded) => {
    const projectId = (recorded.data as { projectId?: unknown } | null)?.projectId;
    if (typeof projectId === 'string' && !owners.has(recorded.streamName)) claim.run(recorded.streamName, projectId);
    const project = ownerOf(recorded.streamName);
    if (project !== undefined) insert(project, recorded.position, recorded.streamName, recorded.revision, recorded.type);
  };
}

/** How many recent stream owners a compiled projection keeps in memory (a few MB at most). */
const MEMO_SIZE = 50_000;
