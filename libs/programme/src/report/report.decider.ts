import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { IsoDate } from '../shared/dates.js';
import type { ProjectFacts } from '../project/project.decider.js';

/** One indicator as reported: the figures only, names and units are the catalogue's. */
export interface ReportedIndicator {
  code: string;
  value: number;
  breakdown: Record<string, Record<string, number>>;
  target: number | null;
  baseline: number | null;
}

/** What a report states, and what its digest is computed over (as canonical JSON). */
export interface ReportFigures {
  projectId: string;
  /** When things happened; null ends are open. */
  period: { from: IsoDate | null; to: IsoDate | null };
  /** The log position the figures were computed at: replaying the log up to here gives them again. */
  position: number;
  indicators: ReportedIndicator[];
}

export interface ReportDetails {
  projectId: string;
  label: string;
  figures: ReportFigures;
  /** SHA-256 (hex) of the canonical JSON of `figures`. */
  digest: string;
}

/** The outcome of recomputing a report's figures at its stored position, recorded by whoever checked. */
export interface ReportCheck {
  result: 'match' | 'mismatch';
  digestMatches: boolean;
  /** How many figures differ from the recomputed ones. */
  differences: number;
  /** How many figures for the same period differ today, and the log position "today" was. */
  changedSince: number;
  checkedAtPosition: number;
}

export type ReportEvent =
  | DomainEvent<'ReportSubmitted', { reportId: string } & ReportDetails>
  | DomainEvent<'ReportVerified', { reportId: string; projectId: string } & ReportCheck>;

export type ReportCommand =
  | { type: 'SubmitReport'; data: { reportId: string } & ReportDetails; project: ProjectFacts }
  | { type: 'RecordReportVerification'; data: { reportId: string } & ReportCheck };

export type ReportState = { status: 'none' } | ({ status: 'submitted'; reportId: string } & ReportDetails);

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A report to the funder, frozen: the figures as computed, the log position they stand for, and their
 * digest. It is never changed; a corrected report is a new report. Checks of it are recorded beside it.
 */
export const reportDecider: Decider<ReportState, ReportCommand, ReportEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'SubmitReport': {
        const { data } = command;
        if (state.status !== 'none') throw new AlreadyExists('Report', data.reportId);
        if (data.figures.projectId !== data.projectId) {
          throw new RuleViolation(`The figures are of project ${data.figures.projectId}, not of ${data.projectId}`);
        }
        const { from, to } = data.figures.period;
        if (from && to && to < from) throw new RuleViolation(`The period ends (${to}) before it starts (${from})`);
        if (from && from > command.project.endDate) {
          throw new RuleViolation(`The period starts (${from}) after the project ends (${command.project.endDate})`);
        }
        if (to && to < command.project.startDate) {
          throw new RuleViolation(`The period ends (${to}) before the project starts (${command.project.startDate})`);
        }
        if (!SHA256_HEX.test(data.digest)) throw new RuleViolation('The digest must be a SHA-256 in hex');
        return [{ type: 'ReportSubmitted', data }];
      }
      case 'RecordReportVerification': {
        if (state.status === 'none') throw new NotFound('Report', command.data.reportId);
        return [{ type: 'ReportVerified', data: { ...command.data, projectId: state.projectId } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ReportSubmitted':
        return { status: 'submitted', ...event.data };
      case 'ReportVerified':
        return state;
      default:
        return assertNever(event);
    }
  },
};
