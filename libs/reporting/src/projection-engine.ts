import type Database from 'better-sqlite3';
import {
  LogFollower,
  type EventStore,
  type FollowFrom,
  type LogFollowerStatus,
  type RecordedEvent,
  type RetryPolicy,
} from '@app/event-store';
import { appliersByType, createTables, liveTables, type Applier, type Projection } from './projection.js';
import { dropRetiredReadModels, rebuildProjections, type RebuildProgress } from './projection-rebuild.js';
import { readProjectionStates, registerNewProjections, type ProjectionState } from './read-model.database.js';

export interface ProjectionStatus {
  name: string;
  version: number;
  /** `live`: answering from tables of the current version; `rebuilding`: its tables are older and being rebuilt. */
  state: 'live' | 'rebuilding';
  checkpoint: number;
  rebuiltAt: string | null;
  progress?: RebuildProgress;
}

export interface EngineLogger {
  log(message: string): void;
  error(message: string): void;
}

const MAX_BATCH = 2_000;
const BUSY_RETRY_MS = 25;
const READ_BUSY_TIMEOUT_MS = 10_000;

/**
 * What the engine is doing with the events the log follower hands it:
 * - `new`: not started;
 * - `following`: buffering events and committing them in batches (`flush` says whether a commit is queued);
 * - `lock-busy`: a rebuild in another process holds the write lock; the batch is committed shortly after;
 * - `restarting`: a batch failed (or a rebuild moved the checkpoints back); nothing of it was committed, and
 *   events handed meanwhile are dropped until the follower resubscribes from the stored checkpoints;
 * - `stopped`.
 */
type EngineState =
  | { kind: 'new' }
  | { kind: 'following'; flush: 'idle' | 'scheduled' }
  | { kind: 'lock-busy' }
  | { kind: 'restarting'; cause: 'failure' | 'checkpoint-moved' }
  | { kind: 'stopped' };

/**
 * Keeps the read models up to date: one catch-up subscription to the whole log feeds every projection, and
 * each batch of row changes commits with the projections' checkpoints in one transaction, so a crash never
 * counts an event twice or skips one. Projections whose stored version differs from the code are rebuilt
 * in the background (shadow tables, then an atomic swap) while the others keep answering. The subscription
 * is a `LogFollower`: after a drop it subscribes again from the committed checkpoints.
 */
export class ProjectionEngine {
  private readonly byType: Map<string, Applier[]>;
  private readonly follower: LogFollower;
  private state: EngineState = { kind: 'new' };
  private buffer: RecordedEvent[] = [];
  /** The position the live subscription has applied up to: events after it are the next batch. */
  private applied = 0;
  private updateCheckpoint?: Database.Statement;
  private readonly stopController = new AbortController();
  private positionValue = 0;
  private waiters: Array<{ position: number; resolve: (reached: boolean) => void }> = [];
  private readonly rebuilds = new Map<string, RebuildProgress | undefined>();
  private rebuildRun?: Promise<void>;
  /**
   * Each projection compiled against the live tables of one generation (`rebuiltAt`). Projections may keep what
   * they read at hand between events, so a failed batch (rolled back) or tables swapped in by a rebuild drop the
   * compiled one and the next batch compiles afresh.
   */
  private readonly compiled = new Map<string, { generation: string | null; apply: (event: RecordedEvent) => void }>();
  private readonly swapListeners: Array<() => void> = [];

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    readonly projections: readonly Projection[],
    private readonly openRebuildConnection: () => Database.Database,
    private readonly logger: EngineLogger = { log: () => {}, error: () => {} },
    retry?: RetryPolicy,
  ) {
    this.byType = appliersByType(
      projections.map((projection) => ({
        projection,
        // Statements compile lazily: a projection being rebuilt may not have tables of this version yet.
        apply: (event: RecordedEvent) => this.compiledFor(projection)(event),
      })),
    );
    this.follower = new LogFollower({
      name: 'projections',
      store,
      from: () => this.resubscribing(),
      onEvent: (event) => this.receive(event),
      retry,
      logger,
    });
  }

  /** Creates what is missing, starts rebuilding what is outdated, and follows the log. */
  start(): void {
    registerNewProjections(this.db, this.projections, (p) => createTables(this.db, p, liveTables, true));
    const states = readProjectionStates(this.db);
    const outdated = this.projections.filter((p) => states.get(p.name)!.version !== p.version);
    this.refreshPosition();
    this.state = { kind: 'following', flush: 'idle' };
    this.follower.start();
    if (outdated.length > 0) this.rebuildInBackground(outdated);
    // What a rebuild that died after its swap left behind (a rebuild started above drops it first itself).
    else void this.dropRetired(this.db);
  }

  private async dropRetired(db: Database.Database): Promise<void> {
    try {
      const dropped = await dropRetiredReadModels(db, this.stopController.signal);
      if (dropped > 0) this.logger.log(`Dropped ${dropped} replaced read-model table${dropped > 1 ? 's' : ''}`);
    } catch (error) {
      if (this.state.kind !== 'stopped') this.logger.error(`Dropping replaced read models failed: ${(error as Error).message}`);
    }
  }

  /**
   * Called after tables were swapped in: by this engine's rebuild, or seen in a batch after another process's.
   * Called outside any transaction of the engine.
   */
  onSwap(listener: () => void): void {
    this.swapListeners.push(listener);
  }

  private swapped(): void {
    setImmediate(() => this.swapListeners.forEach((listener) => listener()));
  }

  /** The position every live read model has reached. */
  get position(): number {
    return this.positionValue;
  }

  /** How the engine follows the log (for /health). */
  get followerStatus(): LogFollowerStatus {
    return this.follower.status;
  }

  /** Resolves true once every live read model has reached `position`, or false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    if (this.positionValue >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.waiters.push(waiter);
    });
  }

  status(): ProjectionStatus[] {
    const states = readProjectionStates(this.db);
    return this.projections.map((p) => {
      const state = states.get(p.name);
      return {
        name: p.name,
        version: p.version,
        state: state?.version === p.version ? 'live' : 'rebuilding',
        checkpoint: state?.checkpoint ?? 0,
        rebuiltAt: state?.rebuiltAt ?? null,
        ...(this.rebuilds.get(p.name) ? { progress: this.rebuilds.get(p.name) } : {}),
      };
    });
  }

  /** Names of the projections not answering yet because their tables are being rebuilt. */
  rebuilding(names: readonly string[]): ProjectionStatus[] {
    return this.status().filter((s) => names.includes(s.name) && s.state !== 'live');
  }

  async stop(): Promise<void> {
    this.state = { kind: 'stopped' };
    this.stopController.abort();
    await this.follower.stop();
    await this.rebuildRun?.catch(() => {});
    for (const waiter of [...this.waiters]) waiter.resolve(false);
  }

  /** Before every (re)subscription: start again after the stored checkpoints, with nothing buffered. */
  private resubscribing(): FollowFrom {
    this.applied = this.liveCheckpoint() ?? this.applied;
    this.buffer = [];
    if (this.state.kind !== 'stopped') this.state = { kind: 'following', flush: 'idle' };
    return this.applied === 0 ? 'start' : this.applied;
  }

  private async receive(event: RecordedEvent): Promise<void> {
    const state = this.state;
    if (state.kind === 'restarting' || state.kind === 'stopped' || state.kind === 'new') return;
    this.buffer.push(event);
    if (this.buffer.length >= MAX_BATCH) {
      if (state.kind === 'following') this.flush();
      // A catch-up reads pages without ever waiting; let requests and timers run between batches.
      await new Promise((resolve) => setImmediate(resolve));
      // While a rebuild holds the lock, stop pulling rather than buffer the whole log in memory.
      while (this.state.kind === 'lock-busy' && this.buffer.length >= MAX_BATCH) {
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
      }
    } else if (state.kind === 'following' && state.flush === 'idle') {
      this.state = { kind: 'following', flush: 'scheduled' };
      setImmediate(() => this.flush());
    }
  }

  /** Compiled in every batch's transaction (see writeBatch) before any event of the projection is applied. */
  private compiledFor(projection: Projection): (event: RecordedEvent) => void {
    return this.compiled.get(projection.name)!.apply;
  }

  /** Applies the buffered events and moves the checkpoints, all in one transaction. */
  private flush(): void {
    if (this.state.kind !== 'following' && this.state.kind !== 'lock-busy') return;
    this.state = { kind: 'following', flush: 'idle' };
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    let position: number | undefined;
    try {
      position = this.applyBatch(events);
      this.applied = events[events.length - 1].position;
    } catch (error) {
      // Nothing of the batch was committed: what the projections kept at hand from it must go too.
      this.compiled.clear();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        // Another process (a rebuild) holds the write lock: try again shortly rather than block the service.
        this.buffer = [...events, ...this.buffer];
        this.state = { kind: 'lock-busy' };
        setTimeout(() => this.flush(), BUSY_RETRY_MS);
        return;
      }
      // Start again from the stored checkpoints: nothing of this batch was committed.
      if (error instanceof CheckpointMoved) {
        this.state = { kind: 'restarting', cause: 'checkpoint-moved' };
        this.follower.restart();
      } else {
        this.state = { kind: 'restarting', cause: 'failure' };
        this.logger.error(
          `Projecting events ${events[0].position}..${events[events.length - 1].position} failed (${errorClass(error)}); ` +
            'retrying from the stored checkpoints',
        );
        this.follower.restart(error);
      }
      return;
    }
    this.moveTo(position);
  }

  /** Commits the batch; answers the position every live read model reached with it (see liveCheckpoint). */
  private readonly applyBatch = (events: RecordedEvent[]): number | undefined => {
    // Never wait for the lock inside a synchronous call: the service would stop answering meanwhile. (Not as
    // prepared statements: SQLite sets busy_timeout when such a statement is prepared, not when it runs.)
    this.db.pragma('busy_timeout = 0');
    try {
      return this.writeBatch(events);
    } finally {
      this.db.pragma(`busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
    }
  };

  private readonly writeBatch = (events: RecordedEvent[]) =>
    this.db
      .transaction(() => {
        const states = readProjectionStates(this.db);
        const checkpoints = liveCheckpoints(this.projections, states);
        for (const projection of this.projections) {
          const checkpoint = checkpoints.get(projection.name);
          if (checkpoint === undefined) continue;
          // A rebuild elsewhere swapped in tables that stop before what this batch builds on: go back for those events.
          if (checkpoint < this.applied) throw new CheckpointMoved();
          // Tables swapped in by a rebuild: compile against them afresh.
          const { rebuiltAt } = states.get(projection.name)!;
          const compiled = this.compiled.get(projection.name);
          if (compiled?.generation !== rebuiltAt) {
            if (compiled) this.swapped();
            this.compiled.set(projection.name, { generation: rebuiltAt, apply: projection.prepare(this.db, liveTables) });
          }
        }
        for (const event of events) {
          for (const { projection, apply } of this.byType.get(event.type) ?? []) {
            const checkpoint = checkpoints.get(projection.name);
            if (checkpoint !== undefined && event.position > checkpoint) apply(event);
          }
        }
        const last = events[events.length - 1].position;
        this.updateCheckpoint ??= this.db.prepare(`UPDATE projection_state SET checkpoint = ? WHERE name = ? AND checkpoint < ?`);
        for (const [name, checkpoint] of checkpoints) {
          this.updateCheckpoint.run(last, name, last);
          checkpoints.set(name, Math.max(checkpoint, last));
        }
        // What liveCheckpoint would read right after the commit: reading the states again after it took a read
        // transaction per batch, 6 % of the service's main thread with one client writing one command after another.
        return lowest(checkpoints);
      })
      .immediate();

  private refreshPosition(): void {
    this.moveTo(this.liveCheckpoint());
  }

  private moveTo(position: number | undefined): void {
    this.positionValue = position ?? 0;
    for (const waiter of [...this.waiters]) if (this.positionValue >= waiter.position) waiter.resolve(true);
  }

  /** The checkpoint every projection answering from tables of the code's version has reached. */
  private liveCheckpoint(): number | undefined {
    return lowest(liveCheckpoints(this.projections, readProjectionStates(this.db)));
  }

  private rebuildInBackground(projections: Projection[]): void {
    const names = projections.map((p) => p.name);
    for (const name of names) this.rebuilds.set(name, undefined);
    this.logger.log(`Rebuilding ${names.join(', ')}: their version changed`);
    const connection = this.openRebuildConnection();
    this.rebuildRun = rebuildProjections(this.store, connection, projections, {
      onProgress: (progress) => names.forEach((name) => this.rebuilds.set(name, progress)),
      signal: this.stopController.signal,
    })
      .then((result) => {
        this.logger.log(`Rebuilt ${names.join(', ')} from ${result.events} events in ${result.seconds.toFixed(1)} s`);
        this.refreshPosition();
        this.swapped();
      })
      .catch((error) => {
        if (this.state.kind !== 'stopped') this.logger.error(`Rebuilding ${names.join(', ')} failed: ${(error as Error).message}`);
      })
      .finally(async () => {
        // The new read models answer from here on; dropping the replaced ones only reclaims their pages.
        for (const name of names) this.rebuilds.delete(name);
        if (this.state.kind !== 'stopped') await this.dropRetired(connection);
        connection.close();
      });
  }
}

class CheckpointMoved extends Error {}

/** Each projection answering from tables of the code's version, with the checkpoint those tables have reached. */
function liveCheckpoints(projections: readonly Projection[], states: Map<string, ProjectionState>): Map<string, number> {
  const live = new Map<string, number>();
  for (const projection of projections) {
    const state = states.get(projection.name);
    if (state?.version === projection.version) live.set(projection.name, state.checkpoint);
  }
  return live;
}

function lowest(checkpoints: Map<string, number>): number | undefined {
  return checkpoints.size > 0 ? Math.min(...checkpoints.values()) : undefined;
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
