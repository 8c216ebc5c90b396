import type Database from 'better-sqlite3';
import { streamName } from '@app/event-store';
import type { EntityCategory, IndicatorDefinition } from './indicator-catalogue.js';
import type { EvidenceItem } from './indicator.calculator.js';
import { DECODED_PROJECT_HISTORY, projectKeyOf } from '../projections/project-history.projection.js';

/**
 * An evidence item with the way to its history: the counted entity's stream, and the event that made it count
 * (its stream, revision and type). The event's stream may be another entity's: an enterprise counts through
 * the support record or the lab admission that names it.
 */
export interface TracedEvidenceItem {
  key: string;
  position: number;
  streamName: string;
  /** Null only while the history index has not yet caught up with the event. */
  event: EvidenceEvent | null;
  /** The item's category in each breakdown dimension, as in {@link EvidenceItem}. */
  [dimension: string]: string | number | EvidenceEvent | null;
}

export interface EvidenceEvent {
  streamName: string;
  revision: number;
  type: string;
}

/** Where an entity's history is: its own stream; a participation's is its person's. */
export function entityStream(category: EntityCategory, key: string): string {
  if (category === 'attendance') return streamName('participant', key.split('/')[1]);
  return streamName(category, key);
}

/**
 * Traces evidence items through the project history index (position, stream, revision and type of every event
 * recorded under a project), so a client can show what each count stands on and link the histories the caller
 * may read, without reading the log. Evidence as it stood (`asOf`) is traced the same way: positions never change.
 */
export class EvidenceTrail {
  private lookup?: Database.Statement;

  constructor(private readonly db: Database.Database) {}

  trace(projectId: string, definition: IndicatorDefinition, items: readonly EvidenceItem[]): TracedEvidenceItem[] {
    // Prepared on first use: the read models' tables exist only once the projection engine has started.
    this.lookup ??= this.db.prepare(
      `SELECT h.position, s.stream_name AS streamName, h.revision, t.type FROM ${DECODED_PROJECT_HISTORY}
       WHERE h.project_key = ${projectKeyOf('?')} AND h.position IN (SELECT value FROM json_each(?))`,
    );
    const positions = [...new Set(items.map((item) => item.position))];
    const events = new Map(
      (this.lookup.all(projectId, JSON.stringify(positions)) as Array<{ position: number; streamName: string; revision: number; type: string }>).map(
        ({ position, ...event }) => [position, event],
      ),
    );
    return items.map((item) => ({ ...item, streamName: entityStream(definition.entity, item.key), event: events.get(item.position) ?? null }));
  }
}
