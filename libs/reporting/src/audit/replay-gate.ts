import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Replays are CPU work on the one event loop every request shares. The gate lets a few run at a time (and one
 * per caller, so one client looping cannot take every slot), queues the others in arrival order, and shares
 * one run between identical requests; finished answers are kept by a key that includes the log head they
 * were computed at, so a new event makes them stale and nothing else does.
 */
export class ReplayGate {
  private active = 0;
  private readonly activeByCaller = new Map<string, number>();
  private readonly waiting: Array<{ caller: string; start: () => void }> = [];
  private readonly results = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limits: { global: number; perCaller: number; cached: number } = { global: 2, perCaller: 1, cached: 32 },
  ) {}

  /** The answer for `key`: kept, being computed, or computed now once a slot is free. */
  run<T>(key: string, caller: string, work: () => Promise<T>): Promise<T> {
    const known = this.results.get(key);
    if (known) {
      // Most recently used last, so the oldest answers are dropped first.
      this.results.delete(key);
      this.results.set(key, known);
      return known as Promise<T>;
    }
    const result = this.slot(caller, work);
    this.results.set(key, result);
    result.catch(() => this.results.delete(key));
    while (this.results.size > this.limits.cached) this.results.delete(this.results.keys().next().value!);
    return result;
  }

  private async slot<T>(caller: string, work: () => Promise<T>): Promise<T> {
    if (this.free(caller)) this.take(caller);
    // A queued run is handed its slot by next(), counted before it resumes, so no slot is given out twice.
    else await new Promise<void>((start) => this.waiting.push({ caller, start }));
    try {
      return await work();
    } finally {
      this.active--;
      const left = this.activeByCaller.get(caller)! - 1;
      if (left === 0) this.activeByCaller.delete(caller);
      else this.activeByCaller.set(caller, left);
      this.next();
    }
  }

  private take(caller: string): void {
    this.active++;
    this.activeByCaller.set(caller, (this.activeByCaller.get(caller) ?? 0) + 1);
  }

  private free(caller: string): boolean {
    return this.active < this.limits.global && (this.activeByCaller.get(caller) ?? 0) < this.limits.perCaller;
  }

  private next(): void {
    for (let index = this.waiting.findIndex((w) => this.free(w.caller)); index >= 0; index = this.waiting.findIndex((w) => this.free(w.caller))) {
      const [waiter] = this.waiting.splice(index, 1);
      this.take(waiter.caller);
      waiter.start();
    }
  }
}

/** Lets other requests run between batches of synchronous replay work. */
export const yieldToEventLoop = () => nextTurn();
