import type { PilotCaseEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Pilot cases, their partner organisations, and when they were completed. */
export const pilotCasesProjection: Projection = {
  name: 'pilot-cases',
  version: 1,
  eventTypes: ['PilotCaseStarted', 'PilotCaseCompleted'] satisfies PilotCaseEvent['type'][],
  tables: [
    {
      name: 'pilot_cases',
      columns: `pilot_case_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, title TEXT NOT NULL, start_date TEXT NOT NULL,
        completed_on TEXT, evidence TEXT, position INTEGER NOT NULL, completed_position INTEGER`,
      indexes: ['project_id, start_date'],
    },
    {
      name: 'pilot_partners',
      columns: `pilot_case_id TEXT NOT NULL, organisation_id TEXT NOT NULL, project_id TEXT NOT NULL,
        PRIMARY KEY (pilot_case_id, organisation_id)`,
      indexes: ['organisation_id'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('pilot_cases')}" VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL)`);
    const partner = db.prepare(`INSERT OR IGNORE INTO "${t('pilot_partners')}" VALUES (?, ?, ?)`);
    const complete = db.prepare(
      `UPDATE "${t('pilot_cases')}" SET completed_on = ?, evidence = ?, completed_position = ? WHERE pilot_case_id = ?`,
    );
    return (recorded) => {
      const event = domainEvent<PilotCaseEvent>(recorded);
      switch (event.type) {
        case 'PilotCaseStarted': {
          const d = event.data;
          insert.run(d.pilotCaseId, d.projectId, d.title, d.startDate, recorded.position);
          for (const organisationId of d.organisationIds) partner.run(d.pilotCaseId, organisationId, d.projectId);
          return;
        }
        case 'PilotCaseCompleted': {
          const d = event.data;
          complete.run(d.date, d.evidence, recorded.position, d.pilotCaseId);
          return;
        }
        default:
          return assertNeverEvent(event);
      }
    };
  },
};
