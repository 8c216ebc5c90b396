import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { RuleViolation } from '../shared/domain-errors.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { addMonths, outcomeDecider, type OutcomeCommand, type OutcomeKind } from './outcome.decider.js';

const spec = deciderSpec(outcomeDecider);

/** Kickstart S3 ran from autumn 2021 to autumn 2023; its follow-up results come after. */
const kickstart: ProjectFacts = { projectId: 'ks3', startDate: '2021-09-01', endDate: '2023-10-31', countries: ['SE'] };

const record = (kind: OutcomeKind, date: string, project: ProjectFacts = kickstart): OutcomeCommand => ({
  type: 'RecordOutcome',
  data: { outcomeId: 'o1', projectId: 'ks3', kind, date, description: 'Innovationsplattformen lever vidare hos Blue Science Park' },
  project,
  today: '2025-06-01',
});

describe('outcome decider: follow-up after the project', () => {
  it.each(['cooperation-continued', 'solution-taken-up', 'strategy-adopted'] as const)('accepts %s dated up to 12 months after the end by default', (kind) => {
    spec
      .given([])
      .when(record(kind, '2024-10-31'))
      .then([{ type: 'OutcomeRecorded', data: { outcomeId: 'o1', projectId: 'ks3', kind, date: '2024-10-31', description: 'Innovationsplattformen lever vidare hos Blue Science Park' } }]);
  });

  it('refuses a follow-up outcome the day after the follow-up ends, naming the window', () => {
    spec
      .given([])
      .when(record('solution-taken-up', '2024-11-01'))
      .thenThrows(RuleViolation, "The outcome date 2024-11-01 lies outside the project's period and its follow-up of 12 months for solution-taken-up (2021-09-01 to 2024-10-31)");
  });

  it('keeps the project’s own dates for other kinds', () => {
    spec.given([]).when(record('product-innovation', '2023-11-01')).thenThrows(RuleViolation, "lies outside the project's period (2021-09-01 to 2023-10-31)");
  });

  it('follows the project’s followUpMonths setting', () => {
    spec.given([]).when(record('cooperation-continued', '2024-05-01', { ...kickstart, followUpMonths: 6 })).thenThrows(RuleViolation, 'follow-up of 6 months');
    spec.given([]).when(record('cooperation-continued', '2023-11-01', { ...kickstart, followUpMonths: 0 })).thenThrows(RuleViolation, 'follow-up of 0 months');
  });

  it('still refuses a follow-up dated in the future', () => {
    spec.given([]).when(record('strategy-adopted', '2024-10-01', { ...kickstart, endDate: '2025-01-31' })).then([expect.anything() as never]);
    spec.given([]).when(record('strategy-adopted', '2025-07-01', { ...kickstart, endDate: '2025-01-31' })).thenThrows(RuleViolation, 'is in the future');
  });

  it('adds months to the same day, or the month’s last day', () => {
    expect(addMonths('2023-10-31', 12)).toBe('2024-10-31');
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  });
});
