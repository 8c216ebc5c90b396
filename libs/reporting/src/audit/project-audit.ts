import type Database from 'better-sqlite3';
import { canonicalJson, sha256Hex, type EventStore, type RecordedEvent } from '@app/event-store';
import type { ReportedIndicator, ReportFigures } from '@app/programme';
import { DEFAULT_COUNTING, IndicatorCalculator, type CountingOptions, type EvidenceItem, type IndicatorFigure, type Period } from '../indicators/indicator.calculator.js';
import { INDICATOR_CATALOGUE } from '../indicators/indicator-catalogue.js';
import { ReadModelReplay } from '../read-model.replay.js';
import { PROJECTIONS } from '../projections/index.js';
import { ProjectLog, type AsOf, type ReplayProgress } from './project-log.js';
import { ReplayGate, yieldToEventLoop } from './replay-gate.js';

/** The figures a report states, in the form its digest is computed over. */
export function reportFigures(projectId: string, period: Period, position: number, indicators: readonly IndicatorFigure[]): ReportFigures {
  return {
    projectId,
    period: { from: period.from ?? null, to: period.to ?? null },
    position,
    indicators: indicators.map(({ code, value, breakdown, target, baseline }) => ({ code, value, breakdown, target, baseline })),
  };
}

export function reportDigest(figures: ReportFigures): string {
  return sha256Hex(canonicalJson(figures));
}

export interface FigureDifference {
  code: string;
  /** `value`, `target`, `baseline`, or `breakdown.<dimension>.<category>`. */
  field: string;
  reported: number | null;
  recomputed: number | null;
}

/** An event as the audit answers show it: where it is in the log, what it says and who recorded it. */
export interface AuditEvent {
  position: number;
  streamName: string;
  revision: number;
  id: string;
  type: string;
  recordedAt: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export function auditEvent(event: RecordedEvent): AuditEvent {
  const { position, streamName, revision, id, type, recordedAt, data, metadata } = event;
  return { position, streamName, revision, id, type, recordedAt, data, metadata };
}

/**
 * An event as answered to a caller who may read the log but is not shown personal data: personal data
 * stays sealed, and a plaintext reason about a person (recorded before reasons were sealed) is left out;
 * its `reasonCategory` says why.
 */
export function sealedAuditEvent(event: RecordedEvent): AuditEvent {
  const shown = auditEvent(event);
  if (!event.streamName.startsWith('participant-')) return shown;
  const { reason: _, ...data } = (event.data ?? {}) as Record<string, unknown>;
  const { reason: __, ...metadata } = event.metadata as Record<string, unknown>;
  return { ...shown, data, metadata };
}

export interface ReportVerification {
  result: 'match' | 'mismatch';
  /** The digest stated when the report was submitted. */
  digest: string;
  /** The stored figures still hash to the stored digest. */
  digestMatches: boolean;
  /** Differences between the stored figures and the figures recomputed at the stored position. */
  differences: FigureDifference[];
  /**
   * Since the report: how today's figures for the same period differ, and how many later events made them
   * differ, by type. The events themselves are personal records: they are behind `log:read`, paged.
   */
  changesSince: { position: number; differences: FigureDifference[]; events: { total: number; byType: Record<string, number> } };
}

/** A page of the later events behind a report's changed figures, in log order. */
export interface ChangesPage {
  position: number;
  events: RecordedEvent[];
  /** Where the next page starts (exclusive), or null on the last page. */
  next: { after: number } | null;
}

interface Verified {
  verification: ReportVerification;
  causes: RecordedEvent[];
}

/** The report as submitted (ReportSubmitted's data). */
export interface SubmittedReport {
  reportId: string;
  projectId: string;
  figures: ReportFigures;
  digest: string;
}

/** Events applied to a replay between two turns of the event loop. */
const REPLAY_BATCH = 200;
/** The figures need every read model but the history index. */
const FIGURE_PROJECTIONS = PROJECTIONS.filter((projection) => !projection.name.startsWith('project_history'));

/**
 * Figures as they stood: the project's events up to a moment of recording, replayed through the same
 * projections and counted by the same catalogue as the live read models.
 *
 * A replay is seconds of CPU on the event loop every request shares, so each one goes through a gate (a
 * few at a time, one per caller), yields between batches of events, and its answer is kept by the log head
 * it was computed at: the same question asked again before anything new is recorded is answered from memory.
 */
export class ProjectAudit {
  readonly log: ProjectLog;
  private readonly gate: ReplayGate;

  constructor(
    private readonly store: EventStore,
    db: Database.Database,
    private readonly counting: CountingOptions = DEFAULT_COUNTING,
    gate: ReplayGate = new ReplayGate(),
  ) {
    this.log = new ProjectLog(store, db);
    this.gate = gate;
  }

  async figures(projectId: string, period: Period, asOf: AsOf, language: 'en' | 'sv' = 'en', onProgress?: ReplayProgress, caller = 'anyone') {
    const head = await this.head();
    const key = `figures ${projectId} ${JSON.stringify([period.from, period.to, asOf, language])} @${head}`;
    return this.gate.run(key, caller, () =>
      this.withReplay(projectId, asOf, head, onProgress, (calculator, position) => ({
        position,
        indicators: calculator.compute({ kind: 'project', projectId }, period, language).indicators,
      })),
    );
  }

  async evidence(projectId: string, code: string, period: Period, asOf: AsOf, caller = 'anyone') {
    const head = await this.head();
    const key = `evidence ${projectId} ${JSON.stringify([code, period.from, period.to, asOf])} @${head}`;
    return this.gate.run(key, caller, () =>
      this.withReplay(projectId, asOf, head, undefined, (calculator, position) => ({
        ...calculator.evidence(code, { kind: 'project', projectId }, period),
        position,
      })),
    );
  }

  /**
   * Recomputes a report's figures at the position it states and compares; then how the same period looks
   * now, and how many later events (late registrations, corrections, retractions) changed it.
   */
  async verifyReport(report: SubmittedReport, caller = 'anyone'): Promise<ReportVerification> {
    return (await this.verified(report, caller)).verification;
  }

  /** The later events behind the changed figures of `verifyReport`, paged by log position. */
  async changesSince(report: SubmittedReport, page: { after?: number; limit: number }, caller = 'anyone'): Promise<ChangesPage> {
    const { verification, causes } = await this.verified(report, caller);
    const rest = page.after === undefined ? causes : causes.filter((event) => event.position > page.after!);
    const events = rest.slice(0, page.limit);
    return {
      position: verification.changesSince.position,
      events,
      next: rest.length > page.limit ? { after: events[events.length - 1].position } : null,
    };
  }

  private async verified(report: SubmittedReport, caller: string): Promise<Verified> {
    const head = await this.head();
    return this.gate.run(`verify ${report.reportId} ${report.digest} @${head}`, caller, () => this.verify(report, head));
  }

  private async verify(report: SubmittedReport, head: number): Promise<Verified> {
    const { projectId, figures } = report;
    const period = { from: figures.period.from ?? undefined, to: figures.period.to ?? undefined };
    const events = await this.log.eventsForFigures(projectId, { position: head });
    const then = await this.replay(events.filter((event) => event.position <= figures.position));
    const now = await this.replay(events);
    try {
      const scope = { kind: 'project', projectId } as const;
      const recomputed = reportFigures(projectId, period, figures.position, then.calculator.compute(scope, period).indicators);
      await yieldToEventLoop();
      const current = reportFigures(projectId, period, figures.position, now.calculator.compute(scope, period).indicators);
      const differences = compareFigures(figures.indicators, recomputed.indicators);
      const changed = compareFigures(figures.indicators, current.indicators);
      const later = events.filter((event) => event.position > figures.position);
      const causes = changed.length === 0 ? [] : await causesOfChange(then.calculator, now.calculator, projectId, period, later);
      const digestMatches = reportDigest(figures) === report.digest;
      const byType: Record<string, number> = {};
      for (const event of causes) byType[event.type] = (byType[event.type] ?? 0) + 1;
      return {
        verification: {
          result: digestMatches && differences.length === 0 ? 'match' : 'mismatch',
          digest: report.digest,
          digestMatches,
          differences,
          changesSince: {
            position: events.length > 0 ? events[events.length - 1].position : figures.position,
            differences: changed,
            events: { total: causes.length, byType },
          },
        },
        causes,
      };
    } finally {
      then.replay.close();
      now.replay.close();
    }
  }

  /** The last position of the log: what every kept answer is keyed by. */
  private async head(): Promise<number> {
    const [last] = await this.store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    return last?.position ?? 0;
  }

  private async withReplay<T>(
    projectId: string,
    asOf: AsOf,
    head: number,
    onProgress: ReplayProgress | undefined,
    use: (calculator: IndicatorCalculator, position: number) => T,
  ): Promise<T> {
    // Nothing past the head the answer is kept under, so the kept answer is exactly the one computed.
    const events = (await this.log.eventsForFigures(projectId, asOf, onProgress)).filter((event) => event.position <= head);
    const { replay, calculator } = await this.replay(events);
    try {
      // As of a position, the figures stand for that position; as of a time, for the last event recorded by then.
      const position = 'position' in asOf ? asOf.position : (events.at(-1)?.position ?? 0);
      return use(calculator, position);
    } finally {
      replay.close();
    }
  }

  private async replay(events: readonly RecordedEvent[]) {
    const replay = new ReadModelReplay(FIGURE_PROJECTIONS);
    try {
      for (let start = 0; start < events.length; start += REPLAY_BATCH) {
        replay.apply(events.slice(start, start + REPLAY_BATCH));
        await yieldToEventLoop();
      }
    } catch (error) {
      replay.close();
      throw error;
    }
    return { replay, calculator: new IndicatorCalculator(replay.db, this.counting) };
  }
}

function compareFigures(reported: readonly ReportedIndicator[], recomputed: readonly ReportedIndicator[]): FigureDifference[] {
  const differences: FigureDifference[] = [];
  const byCode = new Map(recomputed.map((indicator) => [indicator.code, indicator]));
  const codes = new Set([...reported.map((i) => i.code), ...recomputed.map((i) => i.code)]);
  for (const code of codes) {
    const a = reported.find((i) => i.code === code);
    const b = byCode.get(code);
    const differ = (field: string, x: number | null | undefined, y: number | null | undefined) => {
      if ((x ?? null) !== (y ?? null)) differences.push({ code, field, reported: x ?? null, recomputed: y ?? null });
    };
    differ('value', a?.value, b?.value);
    differ('target', a?.target, b?.target);
    differ('baseline', a?.baseline, b?.baseline);
    const dimensions = new Set([...Object.keys(a?.breakdown ?? {}), ...Object.keys(b?.breakdown ?? {})]);
    for (const dimension of dimensions) {
      const x = a?.breakdown[dimension] ?? {};
      const y = b?.breakdown[dimension] ?? {};
      for (const category of new Set([...Object.keys(x), ...Object.keys(y)])) {
        differ(`breakdown.${dimension}.${category}`, x[category], y[category]);
      }
    }
  }
  return differences;
}

/**
 * The later events that changed what is counted for the period: an item that now counts points at the
 * event that made it count (a late registration, a late outcome); an item that no longer counts, or counts
 * under another category, points at the later events of the entity it is (a retraction, a correction, a
 * reclassification).
 */
async function causesOfChange(
  then: IndicatorCalculator,
  now: IndicatorCalculator,
  projectId: string,
  period: Period,
  later: readonly RecordedEvent[],
): Promise<RecordedEvent[]> {
  const scope = { kind: 'project', projectId } as const;
  const positions = new Set<number>();
  const entities = new Set<string>();
  for (const { code } of INDICATOR_CATALOGUE) {
    const before = new Map(then.evidence(code, scope, period).items.map((item) => [rowKey(item), item]));
    const after = new Map(now.evidence(code, scope, period).items.map((item) => [rowKey(item), item]));
    for (const [key, item] of after) if (!before.has(key)) positions.add(item.position);
    for (const [key, item] of before) if (!after.has(key)) for (const part of String(item.key).split('/')) entities.add(part);
    await yieldToEventLoop();
  }
  return later.filter((event) => positions.has(event.position) || entities.has(event.streamName.slice(event.streamName.indexOf('-') + 1)));
}

/** An evidence row without its position: the same thing counted under the same categories. */
function rowKey(item: EvidenceItem): string {
  const { position: _, ...rest } = item;
  return canonicalJson(rest);
}
