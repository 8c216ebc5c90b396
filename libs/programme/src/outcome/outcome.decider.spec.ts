import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { ActivityFacts } from '../activity/activity.decider.js';
import type { PilotCaseFacts } from '../pilot-case/pilot-case.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';
import type { ReasonCategory } from '../shared/reason.js';
import { outcomeDecider, type OutcomeCommand, type OutcomeDetails, type OutcomeEvent } from './outcome.decider.js';

const spec = deciderSpec(outcomeDecider);

const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const today = '2024-06-14';
const challenge: ActivityFacts = { activityId: 'lab-karlshamn-2023', projectId: 'cis', kind: 'lab', status: 'closed' };
const seaweedPilot: PilotCaseFacts = { pilotCaseId: 'pc-tangodling', projectId: 'cis' };

const outcomeId = 'out-0001';
/** A new service that a company in need developed with creatives at the Karlshamn Challenge. */
const newService: OutcomeDetails = {
  projectId: 'cis',
  kind: 'product-innovation',
  organisationId: 'org-havsbruk',
  activityId: 'lab-karlshamn-2023',
  pilotCaseId: 'pc-tangodling',
  date: '2024-05-20',
  description: 'Guidade kajakturer till tångodlingen, säljs via Visit Blekinge',
  evidence: 'Pressmeddelande 2024-05-20',
};

const recorded = (details: Partial<OutcomeDetails> = {}): OutcomeEvent => ({
  type: 'OutcomeRecorded',
  data: { outcomeId, ...newService, ...details },
});
const retracted = (reason = 'Counted twice: same service as out-0002', reasonCategory: ReasonCategory = 'duplicate'): OutcomeEvent => ({
  type: 'OutcomeRetracted',
  data: { outcomeId, reason, reasonCategory },
});
const record = (
  details: Partial<OutcomeDetails> = {},
  facts: { activity?: ActivityFacts; pilotCase?: PilotCaseFacts; today?: string } = {},
): OutcomeCommand => ({
  type: 'RecordOutcome',
  data: { outcomeId, ...newService, ...details },
  project,
  activity: facts.activity ?? challenge,
  pilotCase: facts.pilotCase ?? seaweedPilot,
  today: facts.today ?? today,
});
const retract = (reason = 'Counted twice: same service as out-0002', reasonCategory: ReasonCategory = 'duplicate'): OutcomeCommand => ({
  type: 'RetractOutcome',
  data: { outcomeId, reason, reasonCategory },
});

describe('outcome decider', () => {
  describe('RecordOutcome', () => {
    it('records an outcome linked to an activity and a pilot case', () => {
      spec
        .given([])
        .when(record())
        .then([
          {
            type: 'OutcomeRecorded',
            data: {
              outcomeId: 'out-0001',
              projectId: 'cis',
              kind: 'product-innovation',
              organisationId: 'org-havsbruk',
              activityId: 'lab-karlshamn-2023',
              pilotCaseId: 'pc-tangodling',
              date: '2024-05-20',
              description: 'Guidade kajakturer till tångodlingen, säljs via Visit Blekinge',
              evidence: 'Pressmeddelande 2024-05-20',
            },
          },
        ]);
    });

    it('records an outcome with neither activity nor pilot case', () => {
      const strategy: OutcomeDetails = {
        projectId: 'cis',
        kind: 'strategy-adopted',
        date: '2024-04-02',
        description: 'Karlshamns kommun antar en strategi för kulturella och kreativa näringar',
      };
      spec
        .given([])
        .when({ type: 'RecordOutcome', data: { outcomeId, ...strategy }, project, today })
        .then([{ type: 'OutcomeRecorded', data: { outcomeId: 'out-0001', ...strategy } }]);
    });

    it('records an outcome today', () => {
      spec.given([]).when(record({ date: today })).then([recorded({ date: today })]);
    });

    it('records an outcome only once', () => {
      spec.given([recorded()]).when(record()).thenThrows(AlreadyExists, 'Outcome out-0001 already exists');
    });

    it('refuses an activity of another project', () => {
      spec
        .given([])
        .when(record({}, { activity: { ...challenge, activityId: 'lab-bodo-2023', projectId: 'other-project' } }))
        .thenThrows(RuleViolation, 'Activity lab-bodo-2023 belongs to another project');
    });

    it('refuses a pilot case of another project', () => {
      spec
        .given([])
        .when(record({}, { pilotCase: { pilotCaseId: 'pc-bodo', projectId: 'other-project' } }))
        .thenThrows(RuleViolation, 'Pilot case pc-bodo belongs to another project');
    });

    it('refuses a date before the project', () => {
      spec
        .given([])
        .when(record({ date: '2022-12-31' }))
        .thenThrows(RuleViolation, "The outcome date 2022-12-31 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a date after the project', () => {
      spec
        .given([])
        .when(record({ date: '2027-03-01' }, { today: '2027-04-01' }))
        .thenThrows(RuleViolation, "The outcome date 2027-03-01 lies outside the project's period");
    });

    it('refuses a date in the future', () => {
      spec
        .given([])
        .when(record({ date: '2024-06-15' }))
        .thenThrows(RuleViolation, 'The outcome date 2024-06-15 is in the future (today is 2024-06-14)');
    });
  });

  describe('RetractOutcome', () => {
    it('retracts an outcome with a reason', () => {
      spec
        .given([recorded()])
        .when(retract())
        .then([
          {
            type: 'OutcomeRetracted',
            data: { outcomeId: 'out-0001', reason: 'Counted twice: same service as out-0002', reasonCategory: 'duplicate' },
          },
        ]);
    });

    it('refuses to retract an outcome that does not exist', () => {
      spec.given([]).when(retract()).thenThrows(NotFound, 'Outcome out-0001 does not exist');
    });

    it('retracts an outcome once', () => {
      spec
        .given([recorded(), retracted()])
        .when(retract('Another reason'))
        .thenThrows(RuleViolation, 'The outcome was already retracted (Counted twice: same service as out-0002): an outcome is retracted once');
    });

    it('refuses an empty reason', () => {
      spec.given([recorded()]).when(retract('')).thenThrows(RuleViolation, 'A retraction needs a reason');
    });

    it('refuses a reason of only blanks', () => {
      spec.given([recorded()]).when(retract('   \t ')).thenThrows(RuleViolation, 'A retraction needs a reason');
    });

    it('keeps the category beside the words', () => {
      spec
        .given([recorded()])
        .when(retract('The company asked us to withdraw it', 'late-information'))
        .then([retracted('The company asked us to withdraw it', 'late-information')]);
    });

    it('a retraction recorded before categories existed still retracts', () => {
      spec
        .given([recorded(), { type: 'OutcomeRetracted', data: { outcomeId, reason: 'Fel företag' } }])
        .when(retract())
        .thenThrows(RuleViolation, 'The outcome was already retracted (Fel företag)');
    });
  });
});
