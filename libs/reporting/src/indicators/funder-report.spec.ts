import { INDICATOR_CODES } from '@app/programme';
import {
  FUNDER_REPORT_RULES,
  funderFigures,
  funderReportDigest,
  funderReportFigure,
  funderReportRuleText,
  INDICATOR_CATALOGUE,
  type FunderReportFigures,
} from '@app/reporting';

describe('the funder report rule table', () => {
  it('gives every catalogue indicator exactly one rule, and no rule to anything else', () => {
    const catalogue = INDICATOR_CATALOGUE.map((d) => d.code).sort();
    expect(Object.keys(FUNDER_REPORT_RULES).sort()).toEqual(catalogue);
    expect(new Set(catalogue).size).toBe(catalogue.length);
    expect([...INDICATOR_CODES].sort()).toEqual(catalogue);
  });

  it('never sums a distinct count over periods: an indicator counting distinct things is distinct-new', () => {
    for (const definition of INDICATOR_CATALOGUE) {
      const { kind } = FUNDER_REPORT_RULES[definition.code];
      expect([definition.code, kind]).toEqual([definition.code, definition.counting === 'distinct' ? 'distinct-new' : 'period-value']);
    }
  });

  it('says each rule in words', () => {
    expect(funderReportRuleText('RCO01')).toMatch(/never a sum of periods.*Why: each enterprise counts once/);
    expect(funderReportRuleText('RCO81')).toMatch(/value over the report period.*Why: participations add up/);
  });
});

describe('the arithmetic of one figure', () => {
  it('distinct-new: this report is what is new since the previous report, never the period summed', () => {
    // Enterprises A and B in the first report; B again and C in the second period: cumulative 3, not 4.
    expect(funderFigures('distinct-new', { previous: 2, period: 2, cumulative: 3 })).toEqual({ previouslyReported: 2, thisReport: 1, cumulative: 3 });
  });

  it('distinct-new: a thing removed since the previous report (a retraction) makes this report negative rather than rewriting the past', () => {
    expect(funderFigures('distinct-new', { previous: 5, period: 0, cumulative: 4 })).toEqual({ previouslyReported: 5, thisReport: -1, cumulative: 4 });
  });

  it('period-value: this report is the period; cumulative counts from the start, late records included', () => {
    expect(funderFigures('period-value', { previous: 10, period: 7, cumulative: 18 })).toEqual({ previouslyReported: 10, thisReport: 7, cumulative: 18 });
  });

  it('a first report: nothing was reported before, so this report is the cumulative distinct count', () => {
    expect(funderFigures('distinct-new', { previous: 0, period: 3, cumulative: 4 })).toEqual({ previouslyReported: 0, thisReport: 4, cumulative: 4 });
  });
});

describe('one indicator row', () => {
  it('applies the rule to each category, listing categories any source names', () => {
    const row = funderReportFigure('RCO87', {
      previous: { value: 2, breakdown: { country: { SE: 2 } } },
      period: { value: 2, breakdown: { country: { NO: 1, SE: 1 } } },
      cumulative: { value: 3, breakdown: { country: { NO: 1, SE: 2 } }, target: 10, baseline: 0 },
    });
    expect(row).toMatchObject({ code: 'RCO87', rule: 'distinct-new', target: 10, baseline: 0, previouslyReported: 2, thisReport: 1, cumulative: 3 });
    expect(row.breakdown).toEqual([
      { dimension: 'country', category: 'NO', previouslyReported: 0, thisReport: 1, cumulative: 1 },
      { dimension: 'country', category: 'SE', previouslyReported: 2, thisReport: 0, cumulative: 2 },
    ]);
  });

  it('takes the period from the report itself for a period-value indicator', () => {
    const row = funderReportFigure('RCO81', {
      previous: null,
      period: { value: 6, breakdown: { gender: { woman: 4, man: 2 } } },
      cumulative: { value: 9, breakdown: { gender: { woman: 6, man: 3 } }, target: null, baseline: null },
    });
    expect(row).toMatchObject({ rule: 'period-value', previouslyReported: 0, thisReport: 6, cumulative: 9 });
    expect(row.breakdown.map((b) => [b.category, b.thisReport, b.cumulative])).toEqual([
      ['woman', 4, 6],
      ['man', 2, 3],
    ]);
  });
});

describe('the digest', () => {
  const figures: FunderReportFigures = {
    reportId: '11111111-1111-4111-8111-111111111111',
    projectId: '22222222-2222-4222-8222-222222222222',
    period: { from: '2024-01-01', to: '2024-06-30' },
    position: 42,
    previousReport: null,
    indicators: [funderReportFigure('RCO01', { previous: null, period: { value: 1, breakdown: {} }, cumulative: { value: 1, breakdown: {}, target: 5, baseline: 0 } })],
  };

  it('covers the figures, not the language of names and labels', () => {
    const english = { ...figures, label: 'Progress report', indicators: figures.indicators.map((i) => ({ ...i, name: 'Enterprises supported' })) };
    const swedish = { ...figures, label: 'Lägesrapport', indicators: figures.indicators.map((i) => ({ ...i, name: 'Företag som får stöd' })) };
    expect(funderReportDigest(english)).toBe(funderReportDigest(figures));
    expect(funderReportDigest(swedish)).toBe(funderReportDigest(figures));
    expect(funderReportDigest(figures)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any figure', () => {
    const changed = { ...figures, indicators: [{ ...figures.indicators[0], cumulative: 2 }] };
    expect(funderReportDigest(changed)).not.toBe(funderReportDigest(figures));
  });
});
