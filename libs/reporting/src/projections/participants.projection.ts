import type { ParticipantEvent } from '@app/programme';
import type { Projection } from '../projection.js';
import { assertNeverEvent, domainEvent } from './projection-events.js';

const PROFILE_COLUMNS = {
  gender: 'gender',
  birthYear: 'birth_year',
  organisationId: 'organisation_id',
  role: 'role',
  registeredOn: 'registered_on',
} as const;

/**
 * Participants with their statistical fields as corrected. Personal data stays sealed here too (the same
 * ciphertext as in the log), so erasing the person's key erases them from the read model as well.
 */
export const participantsProjection: Projection = {
  name: 'participants',
  version: 3,
  eventTypes: ['ParticipantRegistered', 'ParticipantCorrected', 'ParticipantErased'] satisfies ParticipantEvent['type'][],
  tables: [
    {
      name: 'participants',
      columns: `participant_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, gender TEXT NOT NULL, birth_year INTEGER,
        organisation_id TEXT, role TEXT NOT NULL, registered_on TEXT NOT NULL, erased INTEGER NOT NULL, person TEXT NOT NULL,
        position INTEGER NOT NULL, changed_position INTEGER NOT NULL`,
      // The indicators count participants in memory (IndicatorIndex), which reads only the participants changed
      // since it last looked (changed_position); SQL reads a project's participants for evidence and lists.
      indexes: ['project_id, registered_on', 'organisation_id', 'changed_position'],
    },
  ],
  prepare(db, t) {
    const insert = db.prepare(`INSERT INTO "${t('participants')}" VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`);
    const erase = db.prepare(`UPDATE "${t('participants')}" SET erased = 1, changed_position = ? WHERE participant_id = ?`);
    const corrections = new Map<string, ReturnType<typeof db.prepare>>();
    const correction = (fields: string[]) => {
      const key = fields.join(',');
      let statement = corrections.get(key);
      if (!statement) {
        const sets = fields.map((field) => `${field} = @${field}`).join(', ');
        statement = db.prepare(
          `UPDATE "${t('participants')}" SET ${sets}, changed_position = @position WHERE participant_id = @participantId`,
        );
        corrections.set(key, statement);
      }
      return statement;
    };
    return (recorded) => {
      const event = domainEvent<ParticipantEvent>(recorded);
      switch (event.type) {
        case 'ParticipantRegistered': {
          const d = event.data;
          insert.run(
            d.participantId,
            d.projectId,
            d.gender,
            d.birthYear ?? null,
            d.organisationId ?? null,
            d.role,
            d.registeredOn,
            JSON.stringify(d.person),
            recorded.position,
            recorded.position,
          );
          return;
        }
        case 'ParticipantCorrected': {
          const { participantId, changes } = event.data;
          const values: Record<string, unknown> = { participantId, position: recorded.position };
          for (const [field, column] of Object.entries(PROFILE_COLUMNS)) {
            if (field in changes) values[column] = changes[field as keyof typeof PROFILE_COLUMNS] ?? null;
          }
          if (changes.person) values.person = JSON.stringify(changes.person);
          const fields = Object.keys(values).filter((k) => k !== 'participantId' && k !== 'position');
          if (fields.length > 0) correction(fields).run(values);
          return;
        }
        case 'ParticipantErased':
          erase.run(recorded.position, event.data.participantId);
          return;
        default:
          return assertNeverEvent(event);
      }
    };
  },
};
