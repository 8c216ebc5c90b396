import { PROJECTIONS, type Projection } from '@app/reporting';

/**
 * A projection that only counts how often each event was applied, for the crash tests: after a kill and a
 * restart every event must show once. The other projections' rows cannot always show it (an upsert applied
 * twice leaves the same row). It reads every type the real projections read, and commits in their batches.
 */
export const exactlyOnceProjection: Projection = {
  name: 'test-exactly-once',
  version: 1,
  eventTypes: [...new Set(PROJECTIONS.flatMap((p) => p.eventTypes))],
  tables: [{ name: 'test_applications', columns: 'position INTEGER PRIMARY KEY, times INTEGER NOT NULL' }],
  prepare(db, table) {
    const count = db.prepare(
      `INSERT INTO "${table('test_applications')}" VALUES (?, 1) ON CONFLICT (position) DO UPDATE SET times = times + 1`,
    );
    return (event) => void count.run(event.position);
  },
};

export const PROJECTIONS_COUNTING_APPLICATIONS: readonly Projection[] = [...PROJECTIONS, exactlyOnceProjection];
