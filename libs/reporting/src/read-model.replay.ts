import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';
import { appliersByType, createTables, liveTables, type Applier, type Projection } from './projection.js';
import { PROJECTIONS } from './projections/index.js';
import { openReadModelDatabase } from './read-model.database.js';

/**
 * The read models built in memory from a list of events, with the same projection code the service runs:
 * what the figures were at any earlier moment, and what the tests count on.
 */
export class ReadModelReplay {
  readonly db: Database.Database;
  private byType: Map<string, Applier[]>;
  private checkpoint = 0;

  constructor(private readonly projections: readonly Projection[] = PROJECTIONS) {
    this.db = openReadModelDatabase(':memory:');
    for (const projection of projections) {
      createTables(this.db, projection, liveTables, true);
      this.db
        .prepare(`INSERT INTO projection_state (name, version, checkpoint) VALUES (?, ?, 0)`)
        .run(projection.name, projection.version);
    }
    this.byType = this.compile();
  }

  private compile(): Map<string, Applier[]> {
    return appliersByType(this.projections.map((projection) => ({ projection, apply: projection.prepare(this.db, liveTables) })));
  }

  apply(events: readonly RecordedEvent[]): this {
    if (events.length === 0) return this;
    const checkpoint = this.checkpoint;
    try {
      this.transaction(events);
    } catch (error) {
      // Rolled back: what the projections kept at hand from these events goes too.
      this.checkpoint = checkpoint;
      this.byType = this.compile();
      throw error;
    }
    return this;
  }

  private transaction(events: readonly RecordedEvent[]): void {
    this.db.transaction(() => {
      for (const event of events) {
        if (event.position <= this.checkpoint) continue;
        for (const { apply } of this.byType.get(event.type) ?? []) apply(event);
        this.checkpoint = event.position;
      }
      this.db.prepare(`UPDATE projection_state SET checkpoint = ?`).run(this.checkpoint);
    })();
  }

  close(): void {
    this.db.close();
  }
}
