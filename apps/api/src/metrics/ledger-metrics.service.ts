import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AccessRegistry } from '@app/access';
import { MeteredEventStore, SqliteEventStore, type AppendOutcome, type LogFollowerState, type LogFollowerStatus } from '@app/event-store';
import { ProjectionEngine, type ProjectionStatus } from '@app/reporting';
import type { RateLimitKind } from '../http/rate-limiter.js';

/**
 * How far a read model's lag in events is counted on EventStoreDB, whose positions are byte offsets: counting
 * there means reading those events, so a scrape stays cheap however far behind a rebuilt model is. At the limit
 * the gauge stops growing; the lag in seconds does not. The embedded store needs no count (its positions run
 * 1, 2, 3 without a gap: the lag is the head minus the checkpoint) and has no limit.
 */
export const LAG_COUNT_LIMIT = 10_000;

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const FOLLOWER_STATES: readonly LogFollowerState[] = ['connecting', 'catching-up', 'live', 'reconnecting', 'stopped'];
const APPEND_OUTCOMES: readonly AppendOutcome[] = ['ok', 'conflict', 'refused', 'failed'];

/** What one answered request contributes: only the route's template, never the URL (ids, search terms). */
export interface AnsweredRequest {
  method: string;
  /** The route template (`/api/projects/:id`), or null when no route matched. */
  route: string | null;
  status: number;
  seconds: number;
  /** Answered from an Idempotency-Key's saved answer (the `Idempotency-Replayed` header). */
  replayed: boolean;
  /** On a 429: the limit that refused it. */
  rateLimited?: RateLimitKind;
}

/**
 * The service's figures in Prometheus' text format. One registry per application (never prom-client's global
 * one), so tests that boot several applications in one process each count their own. Labels take values from
 * small fixed sets (route templates, status codes, projection and follower names): no id, name or URL.
 *
 * Counters kept elsewhere (the store's appends, the followers' reconnects) are read at scrape time, so they
 * cost nothing on the hot path; the log head and the read models' lag are read from the store per scrape.
 */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly rateLimited: Counter<'route' | 'limit'>;
  private readonly replays: Counter<'route'>;
  private readonly storeUp: Gauge;
  private readonly headPosition: Gauge;
  private readonly projectionPosition: Gauge<'projection'>;
  private readonly lagEvents: Gauge<'projection'>;
  private readonly lagSeconds: Gauge<'projection'>;
  private readonly rebuilding: Gauge<'projection'>;
  private readonly rebuildEvents: Gauge<'projection'>;
  private readonly rebuildRatio: Gauge<'projection'>;
  private readonly rebuildSecondsLeft: Gauge<'projection'>;
  private rendering?: Promise<string>;

  constructor(
    private readonly store: MeteredEventStore,
    private readonly engine: ProjectionEngine,
    private readonly access: AccessRegistry,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.requestSeconds = new Histogram({
      name: 'ledger_http_request_duration_seconds',
      help: 'Time to answer a request, by method, route template (never the URL) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'ledger_http_rate_limited_total',
      help: 'Requests refused with 429 by the rate limit, by route template and limit: token (a token over its rate) or address (an address over its failed sign-ins)',
      labelNames: ['route', 'limit'],
      registers,
    });
    this.replays = new Counter({
      name: 'ledger_idempotency_replays_total',
      help: "Requests answered with an Idempotency-Key's first answer instead of running again, by route template",
      labelNames: ['route'],
      registers,
    });

    new Counter({
      name: 'ledger_event_store_appends_total',
      help: 'Appends to the event store by outcome: ok, conflict (expected revision lost a race), refused (invalid or too large), failed (the store)',
      labelNames: ['outcome'],
      registers,
      collect() {
        const { appends } = store.meter;
        this.reset();
        for (const outcome of APPEND_OUTCOMES) this.inc({ outcome }, appends[outcome]);
      },
    });
    new Counter({
      name: 'ledger_event_store_events_appended_total',
      help: 'Events written by successful appends',
      registers,
      collect() {
        this.reset();
        this.inc(store.meter.events);
      },
    });
    // Only the embedded store commits in this process; on EventStoreDB the server batches, out of sight.
    if (store.meter.commits !== null) {
      const batches = new Histogram({
        name: 'ledger_event_store_commit_batch_events',
        help: 'Events per transaction the embedded store committed (group commit: concurrent appends share one, and its fsync)',
        buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
        registers,
      });
      store.onCommit((events) => batches.observe(events));
    }

    this.storeUp = new Gauge({ name: 'ledger_event_store_up', help: 'Whether the event store answered this scrape (1) or not (0)', registers });
    this.headPosition = new Gauge({
      name: 'ledger_log_head_position',
      help: "Position of the last event in the global log (opaque on EventStoreDB: a byte offset; compare lags in events, not positions)",
      registers,
    });
    this.projectionPosition = new Gauge({
      name: 'ledger_projection_position',
      help: 'Position of the last event each read model has applied (its checkpoint)',
      labelNames: ['projection'],
      registers,
    });
    this.lagEvents = new Gauge({
      name: 'ledger_projection_lag_events',
      help: `Events in the log each read model has not applied yet (on EventStoreDB counted up to ${LAG_COUNT_LIMIT})`,
      labelNames: ['projection'],
      registers,
    });
    this.lagSeconds = new Gauge({
      name: 'ledger_projection_lag_seconds',
      help: 'Age of the oldest event each read model has not applied yet; 0 when it is caught up',
      labelNames: ['projection'],
      registers,
    });
    this.rebuilding = new Gauge({
      name: 'ledger_projection_rebuilding',
      help: 'Whether a read model is being rebuilt (1: its queries answer 503 until the rebuild is done)',
      labelNames: ['projection'],
      registers,
    });
    this.rebuildEvents = new Gauge({
      name: 'ledger_projection_rebuild_events',
      help: 'Events a running rebuild has read from the log so far',
      labelNames: ['projection'],
      registers,
    });
    this.rebuildRatio = new Gauge({
      name: 'ledger_projection_rebuild_progress_ratio',
      help: 'How far a running rebuild is, from 0 to 1: its position against the log head when it started',
      labelNames: ['projection'],
      registers,
    });
    this.rebuildSecondsLeft = new Gauge({
      name: 'ledger_projection_rebuild_seconds_left',
      help: 'Estimated seconds a running rebuild still needs, from its rate so far',
      labelNames: ['projection'],
      registers,
    });

    const followers = (): LogFollowerStatus[] => [access.followerStatus, engine.followerStatus];
    new Counter({
      name: 'ledger_log_follower_reconnects_total',
      help: 'Times a follower of the log (access: the token registry; projections: the read models) subscribed again after a drop or a failure',
      labelNames: ['follower'],
      registers,
      collect() {
        this.reset();
        for (const f of followers()) this.inc({ follower: f.name }, f.reconnects);
      },
    });
    new Gauge({
      name: 'ledger_log_follower_state',
      help: 'Each follower of the log: 1 for the state it is in (connecting, catching-up, live, reconnecting, stopped), 0 for the others',
      labelNames: ['follower', 'state'],
      registers,
      collect() {
        for (const f of followers()) for (const state of FOLLOWER_STATES) this.set({ follower: f.name, state }, f.state === state ? 1 : 0);
      },
    });
  }

  /** Called once per answered request (see `observeRequests`). */
  answered(request: AnsweredRequest): void {
    const route = request.route ?? '(no route)';
    const method = HTTP_METHODS.has(request.method) ? request.method : 'OTHER';
    this.requestSeconds.observe({ method, route, status: String(request.status) }, request.seconds);
    if (request.status === 429) this.rateLimited.inc({ route, limit: request.rateLimited ?? 'other' });
    if (request.replayed) this.replays.inc({ route });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The text a scrape answers: what the log and the read models look like now, then every metric. Scrapes that
   * arrive while one is being rendered share it, so none sees gauges another has just reset.
   */
  render(): Promise<string> {
    this.rendering ??= this.observeLog(new Date())
      .then(() => this.registry.metrics())
      .finally(() => (this.rendering = undefined));
    return this.rendering;
  }

  private async observeLog(now: Date): Promise<void> {
    const statuses = this.engine.status();
    this.rebuilding.reset();
    this.rebuildEvents.reset();
    this.rebuildRatio.reset();
    this.rebuildSecondsLeft.reset();
    for (const status of statuses) {
      this.rebuilding.set({ projection: status.name }, status.state === 'live' ? 0 : 1);
      if (status.state === 'live') continue;
      // Before its first page is read, a rebuild has read nothing: 0, not a missing series.
      const progress = status.progress ?? { eventsDone: 0, position: 0, headPosition: 1, secondsLeft: null };
      this.rebuildEvents.set({ projection: status.name }, progress.eventsDone);
      this.rebuildRatio.set({ projection: status.name }, progress.headPosition > 0 ? Math.min(1, progress.position / progress.headPosition) : 1);
      if (progress.secondsLeft !== null) this.rebuildSecondsLeft.set({ projection: status.name }, progress.secondsLeft);
    }
    this.projectionPosition.reset();
    this.lagEvents.reset();
    this.lagSeconds.reset();
    try {
      const [head] = await this.store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
      this.headPosition.set(head?.position ?? 0);
      await this.observeLag(statuses, head?.position ?? 0, now);
      this.storeUp.set(1);
    } catch {
      // The store did not answer: this scrape says so, and shows no stale head or lag.
      this.storeUp.set(0);
      this.headPosition.reset();
      this.projectionPosition.reset();
      this.lagEvents.reset();
      this.lagSeconds.reset();
    }
  }

  /**
   * Per distinct checkpoint (the live read models usually share one): the first unapplied event gives the lag in
   * seconds. On the embedded store that one event is all that is read (its positions are dense and its rows
   * cannot be deleted, so head - checkpoint is the number of unapplied events); on EventStoreDB the events are
   * read to be counted, up to LAG_COUNT_LIMIT.
   */
  private async observeLag(statuses: readonly ProjectionStatus[], head: number, now: Date): Promise<void> {
    const dense = this.store.inner instanceof SqliteEventStore;
    const behind = new Map<number, { events: number; seconds: number }>();
    for (const checkpoint of new Set(statuses.map((s) => s.checkpoint))) {
      // Checkpoint 0: nothing applied yet; positions are opaque, so "after 0" is not asked for.
      const unapplied = await this.store.readAll({
        ...(checkpoint === 0 ? { fromPosition: 'start' as const } : { afterPosition: checkpoint }),
        maxCount: dense ? 1 : LAG_COUNT_LIMIT,
      });
      const oldest = unapplied[0] ? Date.parse(unapplied[0].recordedAt) : now.getTime();
      const events = dense ? Math.max(0, head - checkpoint) : unapplied.length;
      behind.set(checkpoint, { events, seconds: Math.max(0, (now.getTime() - oldest) / 1000) });
    }
    for (const status of statuses) {
      const lag = behind.get(status.checkpoint)!;
      this.projectionPosition.set({ projection: status.name }, status.checkpoint);
      this.lagEvents.set({ projection: status.name }, lag.events);
      this.lagSeconds.set({ projection: status.name }, lag.seconds);
    }
  }
}
