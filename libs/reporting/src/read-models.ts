import type Database from 'better-sqlite3';
import type { ProjectionEngine } from './projection-engine.js';
import { ReadModelsNotReady } from './reporting.errors.js';

/**
 * The door every query goes through: it refuses while a read model it needs is being rebuilt, and waits
 * (bounded) for `minPosition` so that a client reads its own writes.
 */
export class ReadModels {
  constructor(
    readonly db: Database.Database,
    private readonly engine: ProjectionEngine,
    private readonly minPositionTimeoutMs: number,
  ) {}

  async ready(projections: readonly string[] | 'all', minPosition?: number): Promise<void> {
    const names = projections === 'all' ? this.engine.projections.map((p) => p.name) : projections;
    const rebuilding = this.engine.rebuilding(names);
    if (rebuilding.length > 0) {
      const progress = rebuilding[0].progress;
      const done = progress && progress.headPosition > 0 ? Math.floor((100 * progress.position) / progress.headPosition) : 0;
      throw new ReadModelsNotReady(
        `The read model${rebuilding.length > 1 ? 's' : ''} ${rebuilding.map((s) => s.name).join(', ')} ` +
          `${rebuilding.length > 1 ? 'are' : 'is'} being rebuilt (${done}% done); try again shortly`,
        Math.max(1, Math.ceil(progress?.secondsLeft ?? 5)),
      );
    }
    if (minPosition === undefined || minPosition <= this.engine.position) return;
    const reached = await this.engine.waitForPosition(minPosition, this.minPositionTimeoutMs);
    if (!reached) {
      throw new ReadModelsNotReady(
        `The read models have reached position ${this.engine.position}, not yet minPosition ${minPosition}, ` +
          `after waiting ${this.minPositionTimeoutMs} ms; try again shortly`,
        1,
      );
    }
  }
}
