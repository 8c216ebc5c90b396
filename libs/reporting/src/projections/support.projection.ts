import type { SupportEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/**
 * Support given to enterprises: grants, vouchers and non-financial support, with the aid each was granted as (the
 * state-aid register). Support recorded before aid was recorded has no aid_basis: "aid not recorded".
 */
export const supportProjection: Projection = {
  name: 'support',
  version: 3,
  eventTypes: ['EnterpriseSupportRecorded'] satisfies SupportEvent['type'][],
  tables: [
    {
      name: 'support',
      columns: `support_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, organisation_id TEXT NOT NULL, kind TEXT NOT NULL,
        date TEXT NOT NULL, amount_eur REAL, hours REAL, activity_id TEXT, position INTEGER NOT NULL,
        aid_basis TEXT, aid_granted_on TEXT, aid_amount REAL, aid_currency TEXT, aid_eur_rate REAL, aid_amount_eur REAL,
        aid_valuation TEXT, aid_article TEXT`,
      // Covering what the indicators read of a project's support, so counting never touches the table.
      indexes: ['project_id, date, kind, organisation_id, position', 'organisation_id'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('support')}" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
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
            d.aid?.basis ?? null,
            d.aid?.grantedOn ?? null,
            d.aid?.amount ?? null,
            d.aid?.currency ?? null,
            d.aid?.eurRate ?? null,
            d.aid?.amountEur ?? null,
            d.aid?.valuation ? JSON.stringify(d.aid.valuation) : null,
            d.aid?.article ?? null,
          );
          return;
        }
        default:
          return assertNeverEvent(event.type);
      }
    };
  },
};
