import type { ActivityEvent, ParticipantEvent } from '@app/programme';
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import type { Projection, TableNames } from '../projection.js';
import { batchedInsert, type RebuildPreparable } from '../rebuild-batching.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';
import { RecentKeys } from './recent-keys.js';

/**
 * Labs and other activities, who was admitted to the labs, and who attended what on which day. Attendance is most
 * of the log, so its row is three integers and a date: the event's position, the activity's key (the activity row
 * holds its id, project, kind and cross-border flag, which never change) and the attendee's key (the attendee row
 * holds the participant's id, and gender and organisation as corrected, kept from the participant events). A
 * correction changes one attendee row, never the attendance rows. Version 5 narrowed attendance from text ids: on
 * the 1M-event programme its 760,000 rows and their indexes went from 194 MB to 39 MB, and loading and indexing them
 * from 2.8-4.3 s to about 1 s (README, "Attendance as small integers").
 */
export const activitiesProjection: Projection & RebuildPreparable = {
  name: 'activities',
  version: 5,
  eventTypes: [
    'ParticipantRegistered',
    'ParticipantCorrected',
    'LabOpened',
    'ActivityOpened',
    'CompanyAdmittedToLab',
    'CreativeAdmittedToLab',
    'AttendanceRecorded',
    'ActivityClosed',
  ] satisfies Array<ActivityEvent['type'] | ParticipantEvent['type']>,
  tables: [
    {
      name: 'activities',
      // activity_key: what attendance points at; declared, so that it is the row id and no VACUUM renumbers it.
      columns: `activity_key INTEGER PRIMARY KEY, activity_id TEXT NOT NULL UNIQUE, project_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, theme TEXT,
        start_date TEXT NOT NULL, end_date TEXT NOT NULL, cross_border INTEGER NOT NULL, capacity_companies INTEGER,
        capacity_creatives INTEGER, status TEXT NOT NULL, closed_on TEXT, position INTEGER NOT NULL, changed_position INTEGER NOT NULL`,
      indexes: ['project_id, start_date'],
    },
    {
      name: 'lab_companies',
      columns: `activity_id TEXT NOT NULL, organisation_id TEXT NOT NULL, project_id TEXT NOT NULL, admitted_on TEXT NOT NULL,
        position INTEGER NOT NULL, PRIMARY KEY (activity_id, organisation_id)`,
      indexes: ['project_id, admitted_on', 'organisation_id'],
    },
    {
      name: 'lab_creatives',
      columns: `activity_id TEXT NOT NULL, participant_id TEXT NOT NULL, project_id TEXT NOT NULL, admitted_on TEXT NOT NULL,
        position INTEGER NOT NULL, PRIMARY KEY (activity_id, participant_id)`,
      indexes: ['project_id, admitted_on', 'participant_id'],
    },
    {
      name: 'attendance',
      // Not the position as row id: on EventStoreDB positions are byte offsets, and the indicator index reads this
      // table in slices of consecutive row ids.
      columns: `activity_key INTEGER NOT NULL, attendee INTEGER NOT NULL, date TEXT NOT NULL, position INTEGER NOT NULL`,
      // The indicators count attendance from memory (IndicatorIndex); SQL reads it by activity, for the lists and,
      // through a project's activities, for the evidence. Each index over the largest table costs the rebuild
      // time, so there is one.
      indexes: ['activity_key, date'],
    },
    {
      name: 'attendees',
      // changed_position: the last event that set the row, so a reader keeping attendees in memory reads only what changed.
      columns: `attendee INTEGER PRIMARY KEY, participant_id TEXT NOT NULL UNIQUE, gender TEXT NOT NULL, organisation_id TEXT,
        changed_position INTEGER NOT NULL`,
      indexes: ['changed_position'],
    },
  ],
  prepare(db, t) {
    const attend = db.prepare(`INSERT INTO "${t('attendance')}" VALUES (?, ?, ?, ?)`);
    return compile(db, t, (activity, attendee, date, position) => attend.run(activity, attendee, date, position));
  },
  // Attendance is most of the log: a rebuild writes its rows several per statement.
  prepareForRebuild(db, t) {
    const attendance = batchedInsert(db, t('attendance'), 4);
    return { apply: compile(db, t, attendance.add), flush: attendance.flush };
  },
};

/**
 * The participants of the activity named `:activityId`, for a list filtered by activity: whoever attended it (through
 * the attendee's key) and, for a lab, its admitted creatives.
 */
export const PARTICIPANTS_OF_ACTIVITY = `SELECT pa.participant_id FROM activities ac JOIN attendance a ON a.activity_key = ac.activity_key
  JOIN attendees pa ON pa.attendee = a.attendee WHERE ac.activity_id = :activityId
  UNION SELECT participant_id FROM lab_creatives WHERE activity_id = :activityId`;

type AttendanceRow = [activity: number, attendee: number, date: string, position: number];

function compile(db: Database.Database, t: TableNames, attend: (...row: AttendanceRow) => void): (recorded: RecordedEvent) => void {
  const insertActivity = db.prepare(
    `INSERT INTO "${t('activities')}" (activity_id, project_id, kind, name, theme, start_date, end_date, cross_border,
      capacity_companies, capacity_creatives, status, closed_on, position, changed_position)
     VALUES (@activityId, @projectId, @kind, @name, @theme, @startDate, @endDate, @crossBorder,
      @capacityCompanies, @capacityCreatives, 'open', NULL, @position, @position)`,
  );
  const activityOf = db.prepare(`SELECT project_id, activity_key FROM "${t('activities')}" WHERE activity_id = ?`).raw();
  const admitCompany = db.prepare(`INSERT OR IGNORE INTO "${t('lab_companies')}" VALUES (?, ?, ?, ?, ?)`);
  const admitCreative = db.prepare(`INSERT OR IGNORE INTO "${t('lab_creatives')}" VALUES (?, ?, ?, ?, ?)`);
  // A plain insert, and only when the attendee was given a key before its registration (see newAttendee) an update:
  // an upsert answering its key with RETURNING cost twice the insert, for every registration. DO NOTHING yields to
  // that one conflict only (OR IGNORE would also swallow a NOT NULL violation, losing the registration silently).
  const register = db.prepare(
    `INSERT INTO "${t('attendees')}" (participant_id, gender, organisation_id, changed_position) VALUES (?, ?, ?, ?)
     ON CONFLICT (participant_id) DO NOTHING`,
  );
  const registerLate = db.prepare(
    `UPDATE "${t('attendees')}" SET gender = ?, organisation_id = ?, changed_position = ? WHERE participant_id = ? RETURNING attendee`,
  ).pluck();
  const registered = (participantId: string, gender: string, organisationId: string | null, position: number): number => {
    const inserted = register.run(participantId, gender, organisationId, position);
    if (inserted.changes === 1) return Number(inserted.lastInsertRowid);
    return registerLate.get(gender, organisationId, position, participantId) as number;
  };
  const attendeeOf = db.prepare(`SELECT attendee FROM "${t('attendees')}" WHERE participant_id = ?`).pluck();
  // The log holds a participant's registration before any attendance; should it not, the attendee still gets
  // a key and takes gender and organisation from the registration when it comes.
  const newAttendee = db.prepare(
    `INSERT INTO "${t('attendees')}" (participant_id, gender, changed_position) VALUES (?, 'not-stated', ?)`,
  );
  const correctAttendee = db.prepare(
    `UPDATE "${t('attendees')}" SET gender = coalesce(@gender, gender),
      organisation_id = CASE WHEN @setOrganisation THEN @organisationId ELSE organisation_id END,
      changed_position = @position WHERE participant_id = @participantId`,
  );
  const close = db.prepare(
    `UPDATE "${t('activities')}" SET status = 'closed', closed_on = ?, changed_position = ? WHERE activity_id = ?`,
  );
  // Admissions and attendance name only their activity; the rest comes from the activity, which the log
  // always holds first. Consecutive events mostly share an activity, so the last one found is kept at hand.
  // An activity not (yet) opened is not kept: its rows get project '' and key 0, which no project and no
  // activity row has, so they count nowhere (the decider refuses such attendance; only a foreign log has it).
  let lastActivity = '';
  let last: [projectId: string, key: number] = ['', 0];
  const activity = (activityId: string): [projectId: string, key: number] => {
    if (activityId !== lastActivity) {
      const found = activityOf.get(activityId) as [string, number] | undefined;
      if (found === undefined) return ['', 0];
      last = found;
      lastActivity = activityId;
    }
    return last;
  };
  const project = (activityId: string) => activity(activityId)[0];
  // An attendee's key never changes once given, and a seek per attendance was a third of the projection's time:
  // the keys seen lately are kept at hand (see RecentKeys for why they never outlive a failed batch).
  const attendees = new RecentKeys<number>(ATTENDEE_MEMO_SIZE);
  const attendeeKey = (participantId: string, position: number): number =>
    attendees.get(participantId) ??
    attendees.remember(participantId, (attendeeOf.get(participantId) as number | undefined) ?? Number(newAttendee.run(participantId, position).lastInsertRowid));
  return (recorded) => {
    const event = domainEvent<ActivityEvent | ParticipantEvent>(recorded);
    switch (event.type) {
      case 'LabOpened': {
        const d = event.data;
        insertActivity.run({
          activityId: d.activityId,
          projectId: d.projectId,
          kind: 'lab',
          name: d.name,
          theme: d.theme,
          startDate: d.startDate,
          endDate: d.endDate,
          crossBorder: d.crossBorder ? 1 : 0,
          capacityCompanies: d.capacity.companies,
          capacityCreatives: d.capacity.creatives,
          position: recorded.position,
        });
        return;
      }
      case 'ActivityOpened': {
        const d = event.data;
        insertActivity.run({
          activityId: d.activityId,
          projectId: d.projectId,
          kind: d.format,
          name: d.name,
          theme: null,
          startDate: d.startDate,
          endDate: d.endDate,
          crossBorder: d.crossBorder ? 1 : 0,
          capacityCompanies: null,
          capacityCreatives: null,
          position: recorded.position,
        });
        return;
      }
      case 'CompanyAdmittedToLab': {
        const d = event.data;
        admitCompany.run(d.activityId, d.organisationId, project(d.activityId), d.admittedOn, recorded.position);
        return;
      }
      case 'CreativeAdmittedToLab': {
        const d = event.data;
        admitCreative.run(d.activityId, d.participantId, project(d.activityId), d.admittedOn, recorded.position);
        return;
      }
      case 'AttendanceRecorded': {
        const d = event.data;
        attend(activity(d.activityId)[1], attendeeKey(d.participantId, recorded.position), d.date, recorded.position);
        return;
      }
      case 'ParticipantRegistered':
        // The key comes back from the registration itself, so the participant's first attendance need not seek it.
        attendees.remember(event.data.participantId, registered(event.data.participantId, event.data.gender, event.data.organisationId ?? null, recorded.position));
        return;
      case 'ParticipantCorrected': {
        const { participantId, changes } = event.data;
        if (!('gender' in changes) && !('organisationId' in changes)) return;
        correctAttendee.run({
          participantId,
          gender: changes.gender ?? null,
          setOrganisation: 'organisationId' in changes ? 1 : 0,
          organisationId: changes.organisationId ?? null,
          position: recorded.position,
        });
        return;
      }
      case 'ParticipantErased':
        return;
      case 'ActivityClosed':
        close.run(event.data.closedOn, recorded.position, event.data.activityId);
        return;
      default:
        return assertNeverEvent(event);
    }
  };
}

/** How many attendees' keys a compiled projection keeps in memory (a few MB at most). */
const ATTENDEE_MEMO_SIZE = 200_000;
