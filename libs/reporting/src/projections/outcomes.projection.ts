import type { OutcomeEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Outcomes; a retracted one stays, marked, so lists can show it and indicators can leave it out. */
export const outcomesProjection: Projection = {
  name: 'outcomes',
  version: 2,
  eventTypes: ['OutcomeRecorded', 'OutcomeRetracted'] satisfies OutcomeEvent['type'][],
  tables: [
    {
      name: 'outcomes',
      columns: `outcome_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, kind TEXT NOT NULL, organisation_id TEXT,
        activity_id TEXT, pilot_case_id TEXT, date TEXT NOT NULL, description TEXT NOT NULL, evidence TEXT,
        retracted INTEGER NOT NULL, retraction_reason TEXT, position INTEGER NOT NULL, retracted_position INTEGER`,
      // retracted_position: the indicators' in-memory index reads only the retractions since it last looked.
      indexes: ['project_id, date', 'organisation_id', 'retracted_position'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('outcomes')}" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, NULL)`);
    const retract = db.prepare(
      `UPDATE "${t('outcomes')}" SET retracted = 1, retraction_reason = ?, retracted_position = ? WHERE outcome_id = ?`,
    );
    return (recorded) => {
      const event = domainEvent<OutcomeEvent>(recorded);
      switch (event.type) {
        case 'OutcomeRecorded': {
          const d = event.data;
          insert.run(
            d.outcomeId,
            d.projectId,
            d.kind,
            d.organisationId ?? null,
            d.activityId ?? null,
            d.pilotCaseId ?? null,
            d.date,
            d.description,
            d.evidence ?? null,
            recorded.position,
          );
          return;
        }
        case 'OutcomeRetracted':
          retract.run(event.data.reason, recorded.position, event.data.outcomeId);
          return;
        default:
          return assertNeverEvent(event);
      }
    };
  },
};
