import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IndicatorCalculator,
  openReadModelDatabase,
  ProjectAudit,
  ProjectionEngine,
  PROJECTIONS,
  ReadModelReplay,
  type Period,
} from '@app/reporting';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { openTestEventStore, TEST_STORE, withAppendLimit } from '../support/test-store.js';

const PERIODS: Period[] = [{}, { from: '2023-06-01', to: '2024-05-31' }, { from: '2024-01-01' }, { to: '2023-12-31' }, { from: '2025-03-01', to: '2025-03-01' }];

/**
 * Figures as they stood are computed by replaying only the project's streams and the organisations they
 * name. Over generated programmes (labs, attendance, support, pilot cases, outcomes, retractions,
 * corrections, reclassifications, erasures): as of now they equal the live read models the projection engine
 * keeps, and as of any earlier position they equal a replay of the whole log up to that position.
 */
describe('indicators as of a moment of recording', () => {
  it('equal the live answer as of now, and a replay of the whole log as of any earlier position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...PERIODS),
        async (seed, fraction, period) => {
          const dir = mkdtempSync(join(tmpdir(), 'ledger-asof-'));
          const store = await openTestEventStore(dir);
          const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
          const engine = new ProjectionEngine(store, db, PROJECTIONS, () => openReadModelDatabase(join(dir, 'reporting.sqlite')));
          try {
            const scale = { projects: 3, organisations: 25, participants: 45, attendancePerParticipant: 2 };
            const { projectIds } = await writeSyntheticProgramme(TEST_STORE === 'eventstoredb' ? withAppendLimit(store) : store, scale, undefined, seed);
            const log = await store.readAll();
            const head = log[log.length - 1].position;
            engine.start();
            expect(await engine.waitForPosition(head, 20_000)).toBe(true);
            const audit = new ProjectAudit(store, db);
            const live = new IndicatorCalculator(db);
            const earlier = log[Math.floor(fraction * (log.length - 1))].position;
            const prefix = new ReadModelReplay().apply(log.filter((event) => event.position <= earlier));
            try {
              for (const projectId of projectIds) {
                const scope = { kind: 'project', projectId } as const;
                const now = await audit.figures(projectId, period, { position: head });
                expect(now.indicators).toEqual(live.compute(scope, period).indicators);
                const then = await audit.figures(projectId, period, { position: earlier });
                expect(then.indicators).toEqual(new IndicatorCalculator(prefix.db).compute(scope, period).indicators);
              }
            } finally {
              prefix.close();
            }
          } finally {
            await engine.stop();
            db.close();
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      // Over gRPC each generated programme is written append by append: fewer of them on EventStoreDB.
      { numRuns: TEST_STORE === 'eventstoredb' ? 4 : 12 },
    );
  }, 120_000);
});
