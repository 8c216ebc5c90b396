import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertWithin, type IsoDate } from '../shared/dates.js';
import type { ActivityFacts } from '../activity/activity.decider.js';
import type { PilotCaseFacts } from '../pilot-case/pilot-case.decider.js';
import { DEFAULT_FOLLOW_UP_MONTHS, type ProjectFacts } from '../project/project.decider.js';
import type { ReasonCategory } from '../shared/reason.js';

export const OUTCOME_KINDS = [
  'product-innovation',
  'process-innovation',
  'marketing-innovation',
  'organisational-innovation',
  'solution-developed',
  'solution-taken-up',
  'strategy-developed',
  'strategy-adopted',
  'business-idea',
  'cooperation-continued',
  'other',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/**
 * Kinds measured after the project (RCR84 cooperation after completion, RCR104 solutions taken up up to a year
 * after the end, and strategies adopted): they may be dated up to the project's followUpMonths after its end.
 */
export const FOLLOW_UP_OUTCOME_KINDS = ['cooperation-continued', 'solution-taken-up', 'strategy-adopted'] as const satisfies readonly OutcomeKind[];

export function isFollowUpKind(kind: OutcomeKind): boolean {
  return (FOLLOW_UP_OUTCOME_KINDS as readonly string[]).includes(kind);
}

/** The same day `months` later, or the month's last day when it has no such day (31 August + 6 months: 28 February). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

export interface OutcomeDetails {
  projectId: string;
  kind: OutcomeKind;
  organisationId?: string;
  activityId?: string;
  pilotCaseId?: string;
  date: IsoDate;
  description: string;
  evidence?: string;
}

export type OutcomeEvent =
  | DomainEvent<'OutcomeRecorded', { outcomeId: string } & OutcomeDetails>
  | DomainEvent<'OutcomeRetracted', OutcomeRetraction>;

/**
 * Why an outcome was retracted. The words stay plaintext, like the outcome's own description: they are about
 * the outcome, not a person, and the API documents that they are kept for ever (name no one there). Events
 * recorded before categories existed carry none.
 */
export interface OutcomeRetraction {
  outcomeId: string;
  reason: string;
  reasonCategory?: ReasonCategory;
}

export type OutcomeCommand =
  | {
      type: 'RecordOutcome';
      data: { outcomeId: string } & OutcomeDetails;
      project: ProjectFacts;
      activity?: ActivityFacts;
      pilotCase?: PilotCaseFacts;
      today: IsoDate;
    }
  | { type: 'RetractOutcome'; data: OutcomeRetraction & { reasonCategory: ReasonCategory } };

export type OutcomeState =
  | { status: 'none' }
  | ({ status: 'recorded' | 'retracted'; outcomeId: string; retraction?: string; retractionCategory?: ReasonCategory } & OutcomeDetails);

export const outcomeDecider: Decider<OutcomeState, OutcomeCommand, OutcomeEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordOutcome': {
        const { data, activity, pilotCase } = command;
        if (state.status !== 'none') throw new AlreadyExists('Outcome', data.outcomeId);
        if (activity && activity.projectId !== data.projectId) {
          throw new RuleViolation(`Activity ${activity.activityId} belongs to another project`);
        }
        if (pilotCase && pilotCase.projectId !== data.projectId) {
          throw new RuleViolation(`Pilot case ${pilotCase.pilotCaseId} belongs to another project`);
        }
        const { project } = command;
        if (isFollowUpKind(data.kind)) {
          const months = project.followUpMonths ?? DEFAULT_FOLLOW_UP_MONTHS;
          const followUpEnd = addMonths(project.endDate, months);
          assertWithin(
            data.date,
            { startDate: project.startDate, endDate: followUpEnd },
            'The outcome date',
            `the project's period and its follow-up of ${months} months for ${data.kind} (${project.startDate} to ${followUpEnd})`,
          );
        } else {
          assertWithin(data.date, project, 'The outcome date');
        }
        assertNotFuture(data.date, command.today, 'The outcome date');
        return [{ type: 'OutcomeRecorded', data }];
      }
      case 'RetractOutcome': {
        const { data } = command;
        if (state.status === 'none') throw new NotFound('Outcome', data.outcomeId);
        if (state.status === 'retracted') {
          throw new RuleViolation(`The outcome was already retracted (${state.retraction}): an outcome is retracted once`);
        }
        if (data.reason.trim().length === 0) throw new RuleViolation('A retraction needs a reason');
        return [{ type: 'OutcomeRetracted', data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OutcomeRecorded':
        return { status: 'recorded', ...event.data };
      case 'OutcomeRetracted':
        return state.status === 'none'
          ? state
          : { ...state, status: 'retracted', retraction: event.data.reason, retractionCategory: event.data.reasonCategory };
      default:
        return assertNever(event);
    }
  },
};
