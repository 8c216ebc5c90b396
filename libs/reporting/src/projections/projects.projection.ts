import type { ProjectEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Projects, the countries they span, and the targets they set for their indicators. */
export const projectsProjection: Projection = {
  name: 'projects',
  version: 1,
  eventTypes: ['ProjectRegistered', 'IndicatorTargetSet'] satisfies ProjectEvent['type'][],
  tables: [
    {
      name: 'projects',
      columns: `project_id TEXT PRIMARY KEY, name TEXT NOT NULL, programme TEXT NOT NULL, fund TEXT NOT NULL,
        start_date TEXT NOT NULL, end_date TEXT NOT NULL, countries TEXT NOT NULL, country_count INTEGER NOT NULL,
        position INTEGER NOT NULL`,
      indexes: ['fund', 'name COLLATE NOCASE'],
    },
    {
      name: 'project_countries',
      columns: 'project_id TEXT NOT NULL, country TEXT NOT NULL, PRIMARY KEY (project_id, country)',
      indexes: ['country'],
    },
    {
      name: 'indicator_targets',
      columns: `project_id TEXT NOT NULL, code TEXT NOT NULL, target REAL NOT NULL, baseline REAL, position INTEGER NOT NULL,
        PRIMARY KEY (project_id, code)`,
    },
  ],
  prepare(db, t) {
    const insertProject = db.prepare(
      `INSERT INTO "${t('projects')}" VALUES (@projectId, @name, @programme, @fund, @startDate, @endDate, @countries, @countryCount, @position)`,
    );
    const insertCountry = db.prepare(`INSERT OR IGNORE INTO "${t('project_countries')}" VALUES (?, ?)`);
    const upsertTarget = db.prepare(
      `INSERT INTO "${t('indicator_targets')}" VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (project_id, code) DO UPDATE SET target = excluded.target, baseline = excluded.baseline, position = excluded.position`,
    );
    return (recorded) => {
      const event = domainEvent<ProjectEvent>(recorded);
      switch (event.type) {
        case 'ProjectRegistered': {
          const d = event.data;
          insertProject.run({
            projectId: d.projectId,
            name: d.name,
            programme: d.programme,
            fund: d.fund,
            startDate: d.startDate,
            endDate: d.endDate,
            countries: JSON.stringify(d.countries),
            countryCount: d.countries.length,
            position: recorded.position,
          });
          for (const country of d.countries) insertCountry.run(d.projectId, country);
          return;
        }
        case 'IndicatorTargetSet': {
          const d = event.data;
          upsertTarget.run(d.projectId, d.code, d.target, d.baseline ?? null, recorded.position);
          return;
        }
        default:
          return assertNeverEvent(event);
      }
    };
  },
};
