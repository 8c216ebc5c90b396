import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { writeSyntheticProgramme } from '../../../../bench/synthetic-programme.js';
import { ReadModelReplay } from '../read-model.replay.js';
import { DEFAULT_COUNTING, IndicatorCalculator, type IndicatorScope, type Period } from './indicator.calculator.js';

async function syntheticLog(seed: number): Promise<{ log: RecordedEvent[]; projectIds: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-index-load-'));
  const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  try {
    const { projectIds } = await writeSyntheticProgramme(store, { projects: 4, organisations: 60, participants: 160, attendancePerParticipant: 3 }, undefined, seed);
    return { log: await store.readAll(), projectIds };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The index loaded in the background (at start-up, after a swap): in slices of a few rowids, each in its own read
 * transaction, while the projections keep writing between slices (new rows, rows changed in place, retractions).
 * Answers during the load count in SQL; once loaded, the in-memory figures equal a recount in SQL.
 */
describe('the indicators index loaded in slices', () => {
  const periods: Period[] = [{}, { from: '2024-01-01', to: '2024-12-31' }, { to: '2023-06-30' }];

  it.each([
    ['while events keep arriving between slices', false],
    ['while events arrive and a swap of tables makes it start over', true],
  ])('answers the same figures as SQL, during and after a load %s', async (_, swap) => {
    const { log, projectIds } = await syntheticLog(20261201);
    const replay = new ReadModelReplay();
    try {
      const sliced = new IndicatorCalculator(replay.db, DEFAULT_COUNTING, { sliceRows: 7 });
      const naive = new IndicatorCalculator(replay.db, DEFAULT_COUNTING, { inMemory: false });
      const scopes: IndicatorScope[] = [{ kind: 'programme' }, { kind: 'programme', fund: 'Interreg', country: 'SE' }, { kind: 'project', projectId: projectIds[0] }];
      const same = () => {
        for (const scope of scopes) for (const p of periods) expect(JSON.stringify(sliced.compute(scope, p))).toBe(JSON.stringify(naive.compute(scope, p)));
      };
      const head = Math.floor(log.length / 2);
      replay.apply(log.slice(0, head));
      const loaded = sliced.loadIndex();
      expect(sliced.indexLoading()).toBe(true);
      let next = head;
      let turns = 0;
      let done = false;
      void loaded.then(() => (done = true));
      while (!done) {
        await nextTurn();
        turns++;
        if (next < log.length) {
          replay.apply(log.slice(next, next + 25));
          next += 25;
        }
        if (swap && turns === 40) replay.db.prepare(`UPDATE projection_state SET rebuilt_at = ? WHERE name = 'participants'`).run('2026-12-01T20:00:00.000Z');
        // Meanwhile answers count in SQL, never from a half-loaded index.
        if (turns % 15 === 0 && !done) {
          expect(sliced.indexLoading()).toBe(true);
          same();
        }
      }
      // Many slices, with events written between them: the load was not one block.
      expect(turns).toBeGreaterThan(40);
      expect(sliced.indexLoading()).toBe(false);
      same();
      replay.apply(log.slice(next));
      same();
    } finally {
      replay.close();
    }
  }, 120_000);
});
