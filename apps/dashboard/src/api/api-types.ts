/**
 * The answers of the routes the dashboard reads, as the API documents them (`/api/docs/openapi.json`).
 * Only the fields the pages use are listed.
 */
export type Role = 'admin' | 'staff' | 'auditor' | 'viewer';
export type Lang = 'en' | 'sv';

export interface Session {
  actor: string;
  role: Role;
  projects: readonly string[] | 'all';
  permissions: readonly string[];
}

export interface Period {
  from: string | null;
  to: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ProjectSummary {
  id: string;
  name: string;
  programme: string;
  fund: string;
  startDate: string;
  endDate: string;
  countries: string[];
}

export interface IndicatorFigure {
  code: string;
  name: string;
  unit: string;
  value: number;
  breakdown: Record<string, Record<string, number>>;
  target: number | null;
  baseline: number | null;
}

/** A figure without its breakdown, as a table of projects shows it. */
export type IndicatorValue = Omit<IndicatorFigure, 'breakdown'>;

export interface ProjectFigures extends ProjectSummary {
  /** The main figures and every figure the project set a target for. */
  indicators: IndicatorValue[];
}

/** `GET /api/indicators/by-project`: the caller's projects with their main figures, in one answer. */
export interface IndicatorsByProject extends Page<ProjectFigures> {
  period: Period;
  position: number;
  /** The codes every row holds. */
  main: string[];
}

export interface IndicatorFigures {
  period: Period;
  asOf?: string;
  /** The log position the figures stand at. */
  position: number;
  indicators: IndicatorFigure[];
}

export interface CatalogueEntry {
  code: string;
  name: { en: string; sv: string };
  unit: { en: string; sv: string };
  rule: string;
  counting: 'distinct' | 'rows';
  breakdowns: { dimension: string; categories?: string[] }[];
}

export interface EvidenceEvent {
  streamName: string;
  revision: number;
  type: string;
}

export interface EvidenceItem {
  key: string;
  position: number;
  /** The counted entity's stream, where its history is. */
  streamName: string;
  /** The event that made it count; null while the history index catches up. */
  event: EvidenceEvent | null;
  /** The item's category in each breakdown dimension. */
  [dimension: string]: string | number | EvidenceEvent | null;
}

export interface Evidence {
  code: string;
  period: Period;
  asOf?: string;
  position: number;
  value: number;
  items: EvidenceItem[];
}

export interface AuditEvent {
  position: number;
  streamName: string;
  revision: number;
  id: string;
  type: string;
  recordedAt: string;
  data: unknown;
  metadata: { actor?: string; reason?: string; command?: string; correlationId?: string; [key: string]: unknown };
}

export interface EventPage {
  events: AuditEvent[];
  next?: { after?: number; fromRevision?: number } | null;
}

export interface ReportSummary {
  id: string;
  label: string;
  from: string | null;
  to: string | null;
  figuresPosition: number;
  digest: string;
  submittedAt: string;
  submittedBy: string;
  position: number;
}

export interface RecordedVerification {
  result: 'match' | 'mismatch';
  digestMatches: boolean;
  differences: number;
  changedSince: number;
  verifiedAt: string;
  verifiedBy: string;
  position: number;
}

export interface Report extends Omit<ReportSummary, 'from' | 'to'> {
  period: Period;
  verifications: RecordedVerification[];
}

export interface FigureDifference {
  code: string;
  field: string;
  reported: number | null;
  recomputed: number | null;
}

export interface Verification {
  reportId: string;
  figuresPosition: number;
  result: 'match' | 'mismatch';
  digestMatches: boolean;
  differences: FigureDifference[];
  changesSince: { position: number; differences: FigureDifference[]; events: { total: number; byType: Record<string, number> } };
}

export interface Organisation {
  id: string;
  name: string;
}

export interface Participant {
  id: string;
  person: { name?: string } | null;
}
