import type Database from 'better-sqlite3';
import { canonicalJson, sha256Hex, type EventStore, type RecordedEvent } from '@app/event-store';
import type { ReportedIndicator, ReportFigures } from '@app/programme';
import { DEFAULT_COUNTING, IndicatorCalculator, type CountingOptions, type EvidenceItem, type IndicatorFigure, type Period } from '../indicators/indicator.calculator.js';
import { INDICATOR_CATALOGUE } from '../indicators/indicator-catalogue.js';
import { ReadModelReplay } from '../read-model.replay.js';
import { ProjectLog, type AsOf, type ReplayProgress } from './project-log.js';

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

export interface ReportVerification {
  result: 'match' | 'mismatch';
  /** The stored figures still hash to the stored digest. */
  digestMatches: boolean;
  /** Differences between the stored figures and the figures recomputed at the stored position. */
  differences: FigureDifference[];
  /** Since the report: how today's figures for the same period differ, and the events that made them differ. */
  changesSince: { position: number; differences: FigureDifference[]; events: AuditEvent[] };
}

/**
 * Figures as they stood: the project's events up to a moment of recording, replayed through the same
 * projections and counted by the same catalogue as the live read models.
 */
export class ProjectAudit {
  readonly log: ProjectLog;

  constructor(
    private readonly store: EventStore,
    db: Database.Database,
    private readonly counting: CountingOptions = DEFAULT_COUNTING,
  ) {
    this.log = new ProjectLog(store, db);
  }

  async figures(projectId: string, period: Period, asOf: AsOf, language: 'en' | 'sv' = 'en', onProgress?: ReplayProgress) {
    return this.withReplay(projectId, asOf, onProgress, (calculator, position) => ({
      position,
      indicators: calculator.compute({ kind: 'project', projectId }, period, language).indicators,
    }));
  }

  async evidence(projectId: string, code: string, period: Period, asOf: AsOf) {
    return this.withReplay(projectId, asOf, undefined, (calculator, position) => ({
      ...calculator.evidence(code, { kind: 'project', projectId }, period),
      position,
    }));
  }

  /**
   * Recomputes a report's figures at the position it states and compares; then lists how the same
   * period looks now and which later events (late registrations, corrections, retractions) changed it.
   */
  async verifyReport(report: { projectId: string; figures: ReportFigures; digest: string }): Promise<ReportVerification> {
    const { projectId, figures } = report;
    const period = { from: figures.period.from ?? undefined, to: figures.period.to ?? undefined };
    const events = await this.log.eventsForFigures(projectId);
    const then = this.replay(events.filter((event) => event.position <= figures.position));
    const now = this.replay(events);
    try {
      const scope = { kind: 'project', projectId } as const;
      const recomputed = reportFigures(projectId, period, figures.position, then.calculator.compute(scope, period).indicators);
      const current = reportFigures(projectId, period, figures.position, now.calculator.compute(scope, period).indicators);
      const differences = compareFigures(figures.indicators, recomputed.indicators);
      const changed = compareFigures(figures.indicators, current.indicators);
      const later = events.filter((event) => event.position > figures.position);
      const causes = changed.length === 0 ? [] : causesOfChange(then.calculator, now.calculator, projectId, period, later);
      const digestMatches = reportDigest(figures) === report.digest;
      return {
        result: digestMatches && differences.length === 0 ? 'match' : 'mismatch',
        digestMatches,
        differences,
        changesSince: {
          position: events.length > 0 ? events[events.length - 1].position : figures.position,
          differences: changed,
          events: causes.map(auditEvent),
        },
      };
    } finally {
      then.replay.close();
      now.replay.close();
    }
  }

  private async withReplay<T>(
    projectId: string,
    asOf: AsOf,
    onProgress: ReplayProgress | undefined,
    use: (calculator: IndicatorCalculator, position: number) => T,
  ): Promise<T> {
    const events = await this.log.eventsForFigures(projectId, asOf, onProgress);
    const { replay, calculator } = this.replay(events);
    try {
      // As of a position, the figures stand for that position; as of a time, for the last event recorded by then.
      const position = 'position' in asOf ? asOf.position : (events.at(-1)?.position ?? 0);
      return use(calculator, position);
    } finally {
      replay.close();
    }
  }

  private replay(events: readonly RecordedEvent[]) {
    const replay = new ReadModelReplay().apply(events);
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
function causesOfChange(
  then: IndicatorCalculator,
  now: IndicatorCalculator,
  projectId: string,
  period: Period,
  later: readonly RecordedEvent[],
): RecordedEvent[] {
  const scope = { kind: 'project', projectId } as const;
  const positions = new Set<number>();
  const entities = new Set<string>();
  for (const { code } of INDICATOR_CATALOGUE) {
    const before = new Map(then.evidence(code, scope, period).items.map((item) => [rowKey(item), item]));
    const after = new Map(now.evidence(code, scope, period).items.map((item) => [rowKey(item), item]));
    for (const [key, item] of after) if (!before.has(key)) positions.add(item.position);
    for (const [key, item] of before) if (!after.has(key)) for (const part of String(item.key).split('/')) entities.add(part);
  }
  return later.filter((event) => positions.has(event.position) || entities.has(event.streamName.slice(event.streamName.indexOf('-') + 1)));
}

/** An evidence row without its position: the same thing counted under the same categories. */
function rowKey(item: EvidenceItem): string {
  const { position: _, ...rest } = item;
  return canonicalJson(rest);
}
