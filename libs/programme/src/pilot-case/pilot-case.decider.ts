import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertWithin, type IsoDate } from '../shared/dates.js';
import type { ProjectFacts } from '../project/project.decider.js';

export interface PilotCaseDetails {
  projectId: string;
  title: string;
  organisationIds: string[];
  startDate: IsoDate;
}

export type PilotCaseEvent =
  | DomainEvent<'PilotCaseStarted', { pilotCaseId: string } & PilotCaseDetails>
  | DomainEvent<'PilotCaseCompleted', { pilotCaseId: string; date: IsoDate; evidence: string }>;

export type PilotCaseCommand =
  | { type: 'StartPilotCase'; data: { pilotCaseId: string } & PilotCaseDetails; project: ProjectFacts; today: IsoDate }
  | {
      type: 'CompletePilotCase';
      data: { pilotCaseId: string; date: IsoDate; evidence: string };
      project: ProjectFacts;
      today: IsoDate;
    };

export type PilotCaseState =
  | { status: 'none' }
  | ({ status: 'started' | 'completed'; pilotCaseId: string; completedOn?: IsoDate } & PilotCaseDetails);

export type PilotCaseFacts = Pick<Exclude<PilotCaseState, { status: 'none' }>, 'pilotCaseId' | 'projectId'>;

export const pilotCaseDecider: Decider<PilotCaseState, PilotCaseCommand, PilotCaseEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'StartPilotCase': {
        const { data } = command;
        if (state.status !== 'none') throw new AlreadyExists('Pilot case', data.pilotCaseId);
        assertWithin(data.startDate, command.project, 'The pilot case start date');
        assertNotFuture(data.startDate, command.today, 'The pilot case start date');
        return [{ type: 'PilotCaseStarted', data: { ...data, organisationIds: [...new Set(data.organisationIds)] } }];
      }
      case 'CompletePilotCase': {
        const { data } = command;
        if (state.status === 'none') throw new NotFound('Pilot case', data.pilotCaseId);
        if (state.status === 'completed') {
          throw new RuleViolation(`"${state.title}" was already completed on ${state.completedOn}: a pilot case completes once`);
        }
        if (data.date < state.startDate) {
          throw new RuleViolation(`"${state.title}" cannot complete on ${data.date}, before it started (${state.startDate})`);
        }
        assertWithin(data.date, command.project, 'The completion date');
        assertNotFuture(data.date, command.today, 'The completion date');
        return [{ type: 'PilotCaseCompleted', data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PilotCaseStarted':
        return { status: 'started', ...event.data };
      case 'PilotCaseCompleted':
        return state.status === 'none' ? state : { ...state, status: 'completed', completedOn: event.data.date };
      default:
        return assertNever(event);
    }
  },
};
