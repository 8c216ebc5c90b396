import Database from 'better-sqlite3';
import { recordedLog } from '../../../../test/support/recorded-events.js';
import { createIndexes, createTables, liveTables } from '../projection.js';
import { rebuildApplierOf } from '../rebuild-batching.js';
import { activitiesProjection } from './activities.projection.js';

const project = 'p-1';
const lab = 'a-lab';
const meeting = 'a-meeting';
const log = recordedLog([
  { type: 'ActivityOpened', data: { activityId: meeting, projectId: project, format: 'workshop', name: 'Träff', startDate: '2024-01-01', endDate: '2024-12-31', crossBorder: true } },
  { type: 'ParticipantRegistered', data: { participantId: 'anna', projectId: project, gender: 'woman', organisationId: 'o-1' } },
  // A foreign log's order: attendance before the registration, and before the lab it names was opened.
  { type: 'AttendanceRecorded', data: { activityId: meeting, participantId: 'bo', date: '2024-02-01' } },
  { type: 'ParticipantRegistered', data: { participantId: 'bo', projectId: project, gender: 'man', organisationId: 'o-2' } },
  { type: 'AttendanceRecorded', data: { activityId: lab, participantId: 'anna', date: '2024-02-02' } },
  { type: 'LabOpened', data: { activityId: lab, projectId: project, name: 'Lab', theme: null, startDate: '2024-01-01', endDate: '2024-12-31', crossBorder: false, capacity: { companies: 2, creatives: 2 } } },
  { type: 'AttendanceRecorded', data: { activityId: lab, participantId: 'bo', date: '2024-02-04' } },
  { type: 'AttendanceRecorded', data: { activityId: meeting, participantId: 'anna', date: '2024-02-03' } },
  { type: 'ParticipantCorrected', data: { participantId: 'bo', changes: { gender: 'non-binary' } } },
]);

/** Who attended what, as the lists and evidence join it: activity id, participant id, gender, organisation. */
function attendance(db: Database.Database) {
  return db
    .prepare(
      `SELECT coalesce(ac.activity_id, '(none)') AS activity, p.participant_id AS participant, p.gender, p.organisation_id AS organisation, a.date, a.position
       FROM attendance a JOIN attendees p ON p.attendee = a.attendee LEFT JOIN activities ac ON ac.activity_key = a.activity_key
       ORDER BY a.position`,
    )
    .all();
}

describe('activities projection: attendance by small keys', () => {
  const forms = {
    live: (db: Database.Database) => ({ apply: activitiesProjection.prepare(db, liveTables), flush: () => {} }),
    rebuild: (db: Database.Database) => rebuildApplierOf(activitiesProjection, db, liveTables),
  };

  it.each(Object.keys(forms) as Array<keyof typeof forms>)(
    'keeps one attendee per person, registered before or after attending, as corrected (%s)',
    (form) => {
      const db = new Database(':memory:');
      createTables(db, activitiesProjection, liveTables, false);
      const applier = forms[form](db);
      db.transaction(() => {
        for (const event of log) applier.apply(event);
        applier.flush();
      })();
      for (const spec of activitiesProjection.tables) createIndexes(db, spec, liveTables);

      expect(attendance(db)).toEqual([
        // Bo attended before registering: the registration fills in the same attendee; the correction follows.
        { activity: meeting, participant: 'bo', gender: 'non-binary', organisation: 'o-2', date: '2024-02-01', position: 3 },
        // The lab was not open yet: the row names no activity, so it counts nowhere.
        { activity: '(none)', participant: 'anna', gender: 'woman', organisation: 'o-1', date: '2024-02-02', position: 5 },
        // Opened right after, the lab is found by the next attendance (a miss is not kept at hand).
        { activity: lab, participant: 'bo', gender: 'non-binary', organisation: 'o-2', date: '2024-02-04', position: 7 },
        { activity: meeting, participant: 'anna', gender: 'woman', organisation: 'o-1', date: '2024-02-03', position: 8 },
      ]);
      expect(db.prepare('SELECT participant_id, gender FROM attendees ORDER BY attendee').all()).toEqual([
        { participant_id: 'anna', gender: 'woman' },
        { participant_id: 'bo', gender: 'non-binary' },
      ]);
      db.close();
    },
  );
});
