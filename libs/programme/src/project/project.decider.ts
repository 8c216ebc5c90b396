import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound } from '../shared/domain-errors.js';
import { assertOrdered, type IsoDate } from '../shared/dates.js';
import type { IndicatorCode } from './indicator-codes.js';

export const FUNDS = ['ERDF', 'Interreg', 'ESF+', 'other'] as const;
export type Fund = (typeof FUNDS)[number];

export interface ProjectDetails {
  name: string;
  /** Free text, e.g. "Regionalfonden Skåne-Blekinge". */
  programme: string;
  fund: Fund;
  startDate: IsoDate;
  endDate: IsoDate;
  /** ISO 3166 alpha-2 codes, at least one. */
  countries: string[];
  /** How long after the end follow-up outcomes may be dated; {@link DEFAULT_FOLLOW_UP_MONTHS} when absent. */
  followUpMonths?: number;
}

/** RCR104 is measured up to one year after the project ends; RCR84 after completion. */
export const DEFAULT_FOLLOW_UP_MONTHS = 12;

export interface IndicatorTarget {
  code: IndicatorCode;
  target: number;
  baseline?: number;
}

export type ProjectEvent =
  | DomainEvent<'ProjectRegistered', { projectId: string } & ProjectDetails>
  | DomainEvent<'IndicatorTargetSet', { projectId: string } & IndicatorTarget>;

export type ProjectCommand =
  | { type: 'RegisterProject'; data: { projectId: string } & ProjectDetails }
  | { type: 'SetIndicatorTarget'; data: { projectId: string } & IndicatorTarget };

export type ProjectState =
  | { status: 'none' }
  | ({ status: 'registered'; projectId: string; targets: Partial<Record<IndicatorCode, IndicatorTarget>> } & ProjectDetails);

/** What other entities' rules need to know about their project. */
export type ProjectFacts = Pick<Extract<ProjectState, { status: 'registered' }>, 'projectId' | 'startDate' | 'endDate' | 'countries' | 'followUpMonths'>;

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterProject': {
        if (state.status !== 'none') throw new AlreadyExists('Project', command.data.projectId);
        assertOrdered(command.data.startDate, command.data.endDate, 'The project');
        return [{ type: 'ProjectRegistered', data: { ...command.data, countries: [...new Set(command.data.countries)] } }];
      }
      case 'SetIndicatorTarget': {
        if (state.status === 'none') throw new NotFound('Project', command.data.projectId);
        return [{ type: 'IndicatorTargetSet', data: command.data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ProjectRegistered': {
        const { projectId, ...details } = event.data;
        return { status: 'registered', projectId, targets: {}, ...details };
      }
      case 'IndicatorTargetSet': {
        if (state.status !== 'registered') return state;
        const { projectId: _, ...target } = event.data;
        return { ...state, targets: { ...state.targets, [target.code]: target } };
      }
      default:
        return assertNever(event);
    }
  },
};
