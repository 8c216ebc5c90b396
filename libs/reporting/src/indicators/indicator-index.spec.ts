import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { writeSyntheticProgramme } from '../../../../bench/synthetic-programme.js';
import { ReadModelReplay } from '../read-model.replay.js';
import { DEFAULT_COUNTING, IndicatorCalculator, type IndicatorScope, type Period } from './indicator.calculator.js';

const day = fc.integer({ min: 0, max: 1_700 }).map((n) => new Date(Date.UTC(2022, 11, 1) + n * 86_400_000).toISOString().slice(0, 10));
const period: fc.Arbitrary<Period> = fc.record({ from: fc.option(day, { nil: undefined }), to: fc.option(day, { nil: undefined }) }, { requiredKeys: [] });

async function syntheticLog(seed: number): Promise<{ log: RecordedEvent[]; projectIds: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-index-'));
  const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  try {
    const scale = { projects: 4, organisations: 60, participants: 160, attendancePerParticipant: 3 };
    const { projectIds } = await writeSyntheticProgramme(store, scale, undefined, seed);
    return { log: await store.readAll(), projectIds };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The in-memory count (the fast path of every indicator answer) against the catalogue's SQL over the same read
 * models: over generated programmes (labs, attendance, support, pilot cases, outcomes, retractions, corrections,
 * reclassifications, erasures), random periods, one project or the programme (by fund, by country), every figure
 * and every breakdown, in the same order. Half the log first, then the rest, so the index's reading of only what
 * changed is compared too.
 */
describe('indicators counted in memory', () => {
  it('equal a recount in SQL over any period and scope, before and after more events arrive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        fc.array(period, { minLength: 3, maxLength: 3 }),
        async (seed, fraction, periods) => {
          const { log, projectIds } = await syntheticLog(seed);
          const replay = new ReadModelReplay();
          try {
            const fast = new IndicatorCalculator(replay.db);
            const naive = new IndicatorCalculator(replay.db, DEFAULT_COUNTING, { inMemory: false });
            const scopes: IndicatorScope[] = [
              { kind: 'programme' },
              { kind: 'programme', fund: 'ERDF' },
              { kind: 'programme', country: 'NO' },
              { kind: 'programme', fund: 'Interreg', country: 'SE' },
              ...projectIds.slice(0, 2).map((projectId) => ({ kind: 'project', projectId }) as const),
              { kind: 'project', projectId: '00000000-0000-4000-8000-00000000dead' },
            ];
            const split = Math.floor(fraction * log.length);
            for (const events of [log.slice(0, split), log.slice(split)]) {
              replay.apply(events);
              for (const scope of scopes) {
                for (const p of periods) {
                  // JSON keeps the order of breakdown categories, which CSV columns follow.
                  expect(JSON.stringify(fast.compute(scope, p))).toBe(JSON.stringify(naive.compute(scope, p)));
                }
              }
              expect(fast.byProject(projectIds, periods[0])).toEqual(naive.byProject(projectIds, periods[0]));
            }
          } finally {
            replay.close();
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
