import type { SupportEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Support given to enterprises: grants, vouchers and non-financial support. */
export const supportProjection: Projection = {
  name: 'support',
  version: 2,
  eventTypes: ['EnterpriseSupportRecorded'] satisfies SupportEvent['type'][],
  tables: [
    {
      name: 'support',
      columns: `support_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, organisation_id TEXT NOT NULL, kind TEXT NOT NULL,
        date TEXT NOT NULL, amount_eur REAL, hours REAL, activity_id TEXT, position INTEGER NOT NULL`,
      // Covering what the indicators read of a project's support, so counting never touches the table.
      indexes: ['project_id, date, kind, organisation_id, position', 'organisation_id'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('support')}" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return (recorded) => {
      const event = domainEvent<SupportEvent>(recorded);
      switch (event.type) {
        case 'EnterpriseSupportRecorded': {
          const d = event.data;
          insert.run(
            d.supportId,
            d.projectId,
            d.organisationId,
            d.kind,
            d.date,
            d.amountEur ?? null,
            d.hours ?? null,
            d.activityId ?? null,
            recorded.position,
          );
          return;
        }
        default:
          return assertNeverEvent(event.type);
      }
    };
  },
};
