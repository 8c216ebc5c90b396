import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { fold } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import { projectDecider, type ProjectCommand, type ProjectDetails, type ProjectEvent } from './project.decider.js';

const spec = deciderSpec(projectDecider);

const projectId = 'cis';
const crossInnovationSouthernSweden: ProjectDetails = {
  name: 'Cross Innovation Southern Sweden',
  programme: 'Regionalfonden Skåne-Blekinge',
  fund: 'ERDF',
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  countries: ['SE'],
};

const registered = (details: Partial<ProjectDetails> = {}): ProjectEvent => ({
  type: 'ProjectRegistered',
  data: { projectId, ...crossInnovationSouthernSweden, ...details },
});
const register = (details: Partial<ProjectDetails> = {}): ProjectCommand => ({
  type: 'RegisterProject',
  data: { projectId, ...crossInnovationSouthernSweden, ...details },
});
const setTarget = (code: 'participants' | 'smes-reached' | 'RCO01', target: number, baseline?: number): ProjectCommand => ({
  type: 'SetIndicatorTarget',
  data: { projectId, code, target, ...(baseline === undefined ? {} : { baseline }) },
});

describe('project decider', () => {
  describe('RegisterProject', () => {
    it('registers a project with all its details', () => {
      spec
        .given([])
        .when(register())
        .then([
          {
            type: 'ProjectRegistered',
            data: {
              projectId: 'cis',
              name: 'Cross Innovation Southern Sweden',
              programme: 'Regionalfonden Skåne-Blekinge',
              fund: 'ERDF',
              startDate: '2023-01-01',
              endDate: '2026-12-31',
              countries: ['SE'],
            },
          },
        ]);
    });

    it('accepts a project that starts and ends on the same day', () => {
      spec
        .given([])
        .when(register({ startDate: '2023-10-12', endDate: '2023-10-12' }))
        .then([registered({ startDate: '2023-10-12', endDate: '2023-10-12' })]);
    });

    it('collapses duplicate countries, keeping their first order', () => {
      spec
        .given([])
        .when(register({ fund: 'Interreg', countries: ['SE', 'NO', 'SE', 'NO'] }))
        .then([registered({ fund: 'Interreg', countries: ['SE', 'NO'] })]);
    });

    it('registers a project only once', () => {
      spec.given([registered()]).when(register()).thenThrows(AlreadyExists, 'Project cis already exists');
    });

    it('refuses an end date before the start date', () => {
      spec
        .given([])
        .when(register({ startDate: '2023-01-01', endDate: '2022-12-31' }))
        .thenThrows(RuleViolation, 'The project: the end date 2022-12-31 is before the start date 2023-01-01');
    });
  });

  describe('SetIndicatorTarget', () => {
    it('sets a target with a baseline', () => {
      spec
        .given([registered()])
        .when(setTarget('smes-reached', 120, 0))
        .then([{ type: 'IndicatorTargetSet', data: { projectId: 'cis', code: 'smes-reached', target: 120, baseline: 0 } }]);
    });

    it('sets a target without a baseline', () => {
      spec
        .given([registered()])
        .when(setTarget('RCO01', 80))
        .then([{ type: 'IndicatorTargetSet', data: { projectId: 'cis', code: 'RCO01', target: 80 } }]);
    });

    it('accepts a new target for a code that already has one', () => {
      spec
        .given([registered(), { type: 'IndicatorTargetSet', data: { projectId, code: 'participants', target: 300 } }])
        .when(setTarget('participants', 350))
        .then([{ type: 'IndicatorTargetSet', data: { projectId: 'cis', code: 'participants', target: 350 } }]);
    });

    it('refuses a target on a project that does not exist', () => {
      spec.given([]).when(setTarget('participants', 300)).thenThrows(NotFound, 'Project cis does not exist');
    });
  });

  describe('evolve', () => {
    it('keeps the last target set for a code, and every other code', () => {
      const state = fold(projectDecider, [
        registered(),
        { type: 'IndicatorTargetSet', data: { projectId, code: 'participants', target: 300, baseline: 10 } },
        { type: 'IndicatorTargetSet', data: { projectId, code: 'smes-reached', target: 120 } },
        { type: 'IndicatorTargetSet', data: { projectId, code: 'participants', target: 350 } },
      ]);
      expect(state).toEqual({
        status: 'registered',
        projectId: 'cis',
        ...crossInnovationSouthernSweden,
        targets: {
          participants: { code: 'participants', target: 350 },
          'smes-reached': { code: 'smes-reached', target: 120 },
        },
      });
    });

    it('a registered project refuses a second registration even after targets were set', () => {
      spec
        .given([registered(), { type: 'IndicatorTargetSet', data: { projectId, code: 'participants', target: 300 } }])
        .when(register())
        .thenThrows(AlreadyExists, 'already exists');
    });
  });
});
