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
import { RecentKeys } from './recent-keys.js';

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
 *
 * Version 2 keeps a row per event as small integers (the position as the row id; project, stream and type as keys
 * into three small tables): a rebuild writes a row for nearly every event of the log, and measured on the 1M-event
 * programme the text columns of version 1 cost 0.7 s of loading and 1.7 s of index building more.
 */
export const projectHistoryProjection: Projection & RebuildPreparable = {
  name: 'project_history',
  version: 2,
  eventTypes: Object.keys(RECORDED_UNDER_A_PROJECT),
  tables: [
    { name: 'history_projects', columns: 'project_key INTEGER PRIMARY KEY, project_id TEXT NOT NULL UNIQUE' },
    { name: 'history_types', columns: 'type_key INTEGER PRIMARY KEY, type TEXT NOT NULL UNIQUE' },
    {
      name: 'project_streams',
      columns: 'stream_key INTEGER PRIMARY KEY, stream_name TEXT NOT NULL UNIQUE, project_key INTEGER NOT NULL',
    },
    {
      name: 'project_history',
      // The row id is the position, so both indexes end in it: a project's page is read in log order from either.
      columns: 'position INTEGER PRIMARY KEY, project_key INTEGER NOT NULL, stream_key INTEGER NOT NULL, revision INTEGER NOT NULL, type_key INTEGER NOT NULL',
      indexes: ['project_key', 'project_key, type_key'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('project_history')}" VALUES (?, ?, ?, ?, ?)`);
    return compile(db, t, (position, project, stream, revision, type) => insert.run(position, project, stream, revision, type));
  },
  // A rebuild writes a row per event of the log here: several rows per statement.
  prepareForRebuild(db, t) {
    const history = batchedInsert(db, t('project_history'), 5);
    return { apply: compile(db, t, history.add), flush: history.flush };
  },
};

/**
 * The history's rows with their keys decoded (`h` the row, `s` its stream, `t` its type), for the queries that page
 * and trace it; `projectKeyOf` finds a project's key by its id (none, so matching nothing, for an unknown project).
 */
export const DECODED_PROJECT_HISTORY =
  'project_history h JOIN project_streams s ON s.stream_key = h.stream_key JOIN history_types t ON t.type_key = h.type_key';
export const projectKeyOf = (parameter: string) => `(SELECT project_key FROM history_projects WHERE project_id = ${parameter})`;

/** Where a stream's events are filed: its project's key and its own. */
interface StreamKeys {
  project: number;
  stream: number;
}

function compile(
  db: Database.Database,
  t: TableNames,
  insert: (position: number, project: number, stream: number, revision: number, type: number) => void,
): (recorded: RecordedEvent) => void {
  const projectKeys = interned(db, t('history_projects'), 'project_key', 'project_id');
  const typeKeys = interned(db, t('history_types'), 'type_key', 'type');
  const claim = db.prepare(`INSERT OR IGNORE INTO "${t('project_streams')}" (stream_name, project_key) VALUES (?, ?)`);
  const keysOf = db.prepare(`SELECT project_key AS project, stream_key AS stream FROM "${t('project_streams')}" WHERE stream_name = ?`);
  // A stream's owner never changes once claimed, so the keys of the streams seen lately are kept at hand: a seek per
  // event was a third of a rebuild (see RecentKeys for why they never outlive a failed batch).
  const streams = new RecentKeys<StreamKeys>(MEMO_SIZE);
  /** A stream not at hand: claimed for the project its event names, unless claimed before; else looked up. */
  const claimOrFind = (recorded: RecordedEvent): StreamKeys | undefined => {
    const projectId = (recorded.data as { projectId?: unknown } | null)?.projectId;
    if (typeof projectId === 'string') {
      // Keyed before the claim is known to take: a stream's events all name its own project, so a claim that is
      // ignored (the stream was claimed before its keys left the memo) keys no project that has no history.
      const project = projectKeys(projectId);
      const claimed = claim.run(recorded.streamName, project);
      // A new stream's key is the row just inserted: most streams are claimed by their first event, no seek needed.
      if (claimed.changes === 1) return streams.remember(recorded.streamName, { project, stream: Number(claimed.lastInsertRowid) });
    }
    const keys = keysOf.get(recorded.streamName) as StreamKeys | undefined;
    return keys && streams.remember(recorded.streamName, keys);
  };
  return (recorded) => {
    const keys = streams.get(recorded.streamName) ?? claimOrFind(recorded);
    if (keys !== undefined) insert(recorded.position, keys.project, keys.stream, recorded.revision, typeKeys(recorded.type));
  };
}

/**
 * A text's key in a table of few distinct texts (projects, event types), added on first sight. All of them are
 * kept in memory (there are as many as the programme has projects, or event types), within one compile only, as
 * RecentKeys are.
 */
function interned(db: Database.Database, table: string, keyColumn: string, textColumn: string): (text: string) => number {
  const add = db.prepare(`INSERT OR IGNORE INTO "${table}" (${textColumn}) VALUES (?)`);
  const find = db.prepare(`SELECT ${keyColumn} FROM "${table}" WHERE ${textColumn} = ?`).pluck();
  const keys = new Map<string, number>();
  return (text) => {
    let key = keys.get(text);
    if (key === undefined) {
      add.run(text);
      key = find.get(text) as number;
      keys.set(text, key);
    }
    return key;
  };
}

/** How many recent streams' keys a compiled projection keeps in memory (a few MB at most). */
const MEMO_SIZE = 50_000;
