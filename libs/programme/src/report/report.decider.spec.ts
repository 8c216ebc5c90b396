import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { reportDecider, type ReportCommand, type ReportDetails, type ReportEvent } from './report.decider.js';

const spec = deciderSpec(reportDecider);
const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const reportId = 'rep-2024-h1';
/** The progress report for the first half of 2024, as Tillväxtverket asks for it. */
const firstHalf2024: ReportDetails = {
  projectId: 'cis',
  label: 'Lägesrapport 2024 H1',
  figures: {
    projectId: 'cis',
    period: { from: '2024-01-01', to: '2024-06-30' },
    position: 412,
    indicators: [{ code: 'participants', value: 19, breakdown: { gender: { woman: 11, man: 8 } }, target: 40, baseline: 0 }],
  },
  digest: 'a'.repeat(64),
};
const submitted = (details: Partial<ReportDetails> = {}): ReportEvent => ({
  type: 'ReportSubmitted',
  data: { reportId, ...firstHalf2024, ...details },
});
const submit = (details: Partial<ReportDetails> = {}): ReportCommand => ({
  type: 'SubmitReport',
  data: { reportId, ...firstHalf2024, ...details },
  project,
});
const period = (from: string | null, to: string | null): Partial<ReportDetails> => ({
  figures: { ...firstHalf2024.figures, period: { from, to } },
});

describe('report decider', () => {
  it('records the report with its figures, position and digest', () => {
    spec.given([]).when(submit()).then([submitted()]);
  });

  it('records a report over the whole project (open period)', () => {
    spec.given([]).when(submit(period(null, null))).then([submitted(period(null, null))]);
  });

  it('never records a report twice: a corrected report is a new report', () => {
    spec.given([submitted()]).when(submit()).thenThrows(AlreadyExists);
  });

  it('refuses figures of another project', () => {
    spec
      .given([])
      .when(submit({ figures: { ...firstHalf2024.figures, projectId: 'other' } }))
      .thenThrows(RuleViolation, 'not of cis');
  });

  it.each([
    ['ends before it starts', period('2024-06-30', '2024-01-01'), 'ends (2024-01-01) before it starts'],
    ['starts after the project ends', period('2027-01-01', null), 'after the project ends'],
    ['ends before the project starts', period(null, '2022-12-31'), 'before the project starts'],
  ])('refuses a period that %s', (_, details, message) => {
    spec.given([]).when(submit(details)).thenThrows(RuleViolation, message);
  });

  it('refuses a digest that is not a SHA-256', () => {
    spec.given([]).when(submit({ digest: 'abc' })).thenThrows(RuleViolation, 'SHA-256');
  });

  it('records a verification of a submitted report, under its project', () => {
    const check = { result: 'match' as const, digestMatches: true, differences: 0, changedSince: 2, checkedAtPosition: 530 };
    spec
      .given([submitted()])
      .when({ type: 'RecordReportVerification', data: { reportId, ...check } })
      .then([{ type: 'ReportVerified', data: { reportId, projectId: 'cis', ...check } }]);
  });

  it('cannot verify a report that was never submitted', () => {
    const check = { result: 'match' as const, digestMatches: true, differences: 0, changedSince: 0, checkedAtPosition: 1 };
    spec.given([]).when({ type: 'RecordReportVerification', data: { reportId, ...check } }).thenThrows(NotFound);
  });
});
