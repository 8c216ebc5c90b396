import type { ReportEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Reports submitted to funders: which period, computed at which log position, by whom and when. */
export const reportsProjection: Projection = {
  name: 'reports',
  version: 1,
  // Verifications are read from the report's own stream; the list needs only the submissions.
  eventTypes: ['ReportSubmitted'] satisfies ReportEvent['type'][],
  // Who submitted and when: the command's metadata.
  readsMetadata: true,
  tables: [
    {
      name: 'reports',
      columns: `report_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, label TEXT NOT NULL, period_from TEXT, period_to TEXT,
        figures_position INTEGER NOT NULL, digest TEXT NOT NULL, submitted_at TEXT NOT NULL, submitted_by TEXT NOT NULL,
        position INTEGER NOT NULL`,
      indexes: ['project_id, position'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('reports')}" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return (recorded) => {
      const event = domainEvent<Extract<ReportEvent, { type: 'ReportSubmitted' }>>(recorded);
      switch (event.type) {
        case 'ReportSubmitted': {
          const d = event.data;
          insert.run(
            d.reportId,
            d.projectId,
            d.label,
            d.figures.period.from,
            d.figures.period.to,
            d.figures.position,
            d.digest,
            recorded.metadata.recordedAt,
            recorded.metadata.actor,
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
