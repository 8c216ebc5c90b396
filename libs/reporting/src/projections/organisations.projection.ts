import type { OrganisationEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

/** Organisations as currently classified: a reclassification counts as corrected everywhere. */
export const organisationsProjection: Projection = {
  name: 'organisations',
  version: 4,
  eventTypes: ['OrganisationRegistered', 'OrganisationReclassified'] satisfies OrganisationEvent['type'][],
  tables: [
    {
      name: 'organisations',
      columns: `organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation_number TEXT, country TEXT NOT NULL,
        type TEXT NOT NULL, size_class TEXT, founded_year INTEGER, position INTEGER NOT NULL, changed_position INTEGER NOT NULL,
        nace_code TEXT`,
      // The indicators join an organisation per counted row; the covering index answers without the table.
      // changed_position: the indicators' in-memory index reads only the organisations changed since it last looked.
      indexes: ['type, size_class', 'country', 'name COLLATE NOCASE', 'organisation_id, type, size_class, founded_year, country', 'changed_position'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(
      `INSERT INTO "${t('organisations')}" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const reclassify = db.prepare(
      `UPDATE "${t('organisations')}" SET type = ?, size_class = ?, changed_position = ? WHERE organisation_id = ?`,
    );
    return (recorded) => {
      const event = domainEvent<OrganisationEvent>(recorded);
      switch (event.type) {
        case 'OrganisationRegistered': {
          const d = event.data;
          insert.run(
            d.organisationId,
            d.name,
            d.organisationNumber ?? null,
            d.country,
            d.type,
            d.sizeClass ?? null,
            d.foundedYear ?? null,
            recorded.position,
            recorded.position,
            d.naceCode ?? null,
          );
          return;
        }
        case 'OrganisationReclassified': {
          const d = event.data;
          reclassify.run(d.type, d.sizeClass ?? null, recorded.position, d.organisationId);
          return;
        }
        default:
          return assertNeverEvent(event);
      }
    };
  },
};
