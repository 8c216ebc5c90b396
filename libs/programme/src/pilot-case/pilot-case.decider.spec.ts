import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { pilotCaseDecider, type PilotCaseCommand, type PilotCaseDetails, type PilotCaseEvent } from './pilot-case.decider.js';

const spec = deciderSpec(pilotCaseDecider);

const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const today = '2024-06-14';
const pilotCaseId = 'pc-tangodling';
/** A pilot case that grew out of the Karlshamn Challenge on "hav och vatten". */
const seaweed: PilotCaseDetails = {
  projectId: 'cis',
  title: 'Tångodling i Karlshamns skärgård',
  organisationIds: ['org-havsbruk', 'org-keramikverkstan'],
  startDate: '2023-11-06',
};

const started = (details: Partial<PilotCaseDetails> = {}): PilotCaseEvent => ({
  type: 'PilotCaseStarted',
  data: { pilotCaseId, ...seaweed, ...details },
});
const completed = (date: string, evidence = 'Slutrapport pilot, dnr 2024-118'): PilotCaseEvent => ({
  type: 'PilotCaseCompleted',
  data: { pilotCaseId, date, evidence },
});
const start = (details: Partial<PilotCaseDetails> = {}, on = today): PilotCaseCommand => ({
  type: 'StartPilotCase',
  data: { pilotCaseId, ...seaweed, ...details },
  project,
  today: on,
});
const complete = (date: string, on = today, evidence = 'Slutrapport pilot, dnr 2024-118'): PilotCaseCommand => ({
  type: 'CompletePilotCase',
  data: { pilotCaseId, date, evidence },
  project,
  today: on,
});

describe('pilot case decider', () => {
  describe('StartPilotCase', () => {
    it('starts a pilot case with its organisations', () => {
      spec
        .given([])
        .when(start())
        .then([
          {
            type: 'PilotCaseStarted',
            data: {
              pilotCaseId: 'pc-tangodling',
              projectId: 'cis',
              title: 'Tångodling i Karlshamns skärgård',
              organisationIds: ['org-havsbruk', 'org-keramikverkstan'],
              startDate: '2023-11-06',
            },
          },
        ]);
    });

    it('records each organisation once', () => {
      spec
        .given([])
        .when(start({ organisationIds: ['org-havsbruk', 'org-keramikverkstan', 'org-havsbruk'] }))
        .then([started({ organisationIds: ['org-havsbruk', 'org-keramikverkstan'] })]);
    });

    it('starts a pilot case today', () => {
      spec.given([]).when(start({ startDate: today })).then([started({ startDate: today })]);
    });

    it('starts a pilot case only once', () => {
      spec.given([started()]).when(start()).thenThrows(AlreadyExists, 'Pilot case pc-tangodling already exists');
    });

    it('refuses a start date before the project', () => {
      spec
        .given([])
        .when(start({ startDate: '2022-12-15' }))
        .thenThrows(RuleViolation, "The pilot case start date 2022-12-15 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a start date after the project', () => {
      spec
        .given([])
        .when(start({ startDate: '2027-01-04' }, '2027-02-01'))
        .thenThrows(RuleViolation, "The pilot case start date 2027-01-04 lies outside the project's period");
    });

    it('refuses a start date in the future', () => {
      spec
        .given([])
        .when(start({ startDate: '2024-06-15' }))
        .thenThrows(RuleViolation, 'The pilot case start date 2024-06-15 is in the future (today is 2024-06-14)');
    });
  });

  describe('CompletePilotCase', () => {
    it('completes a started pilot case with its evidence', () => {
      spec
        .given([started()])
        .when(complete('2024-05-31'))
        .then([
          { type: 'PilotCaseCompleted', data: { pilotCaseId: 'pc-tangodling', date: '2024-05-31', evidence: 'Slutrapport pilot, dnr 2024-118' } },
        ]);
    });

    it('completes on the day it started', () => {
      spec.given([started()]).when(complete('2023-11-06')).then([completed('2023-11-06')]);
    });

    it('refuses to complete a pilot case that does not exist', () => {
      spec.given([]).when(complete('2024-05-31')).thenThrows(NotFound, 'Pilot case pc-tangodling does not exist');
    });

    it('completes a pilot case once', () => {
      spec
        .given([started(), completed('2024-05-31')])
        .when(complete('2024-06-10'))
        .thenThrows(RuleViolation, '"Tångodling i Karlshamns skärgård" was already completed on 2024-05-31: a pilot case completes once');
    });

    it('refuses a completion before the start', () => {
      spec
        .given([started()])
        .when(complete('2023-11-05'))
        .thenThrows(RuleViolation, '"Tångodling i Karlshamns skärgård" cannot complete on 2023-11-05, before it started (2023-11-06)');
    });

    it('refuses a completion after the project', () => {
      spec
        .given([started()])
        .when(complete('2027-01-15', '2027-02-01'))
        .thenThrows(RuleViolation, "The completion date 2027-01-15 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a completion date in the future', () => {
      spec
        .given([started()])
        .when(complete('2024-06-20'))
        .thenThrows(RuleViolation, 'The completion date 2024-06-20 is in the future (today is 2024-06-14)');
    });
  });
});
