/**
 * The periods a person can pick for a project: calendar years, half-years and quarters that overlap the
 * project's dates. Only the choice of dates lives here; what counts in a period is the API's rule.
 */
export interface PeriodChoice {
  id: string;
  kind: 'whole' | 'year' | 'half' | 'quarter';
  year: number;
  part: number;
  from?: string;
  to?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function span(year: number, firstMonth: number, lastMonth: number) {
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay(year, lastMonth))}` };
}

export function periodChoices(startDate: string, endDate: string): PeriodChoice[] {
  const first = Number(startDate.slice(0, 4));
  const last = Number(endDate.slice(0, 4));
  const choices: PeriodChoice[] = [{ id: 'whole', kind: 'whole', year: 0, part: 0 }];
  const overlaps = (p: { from: string; to: string }) => p.to >= startDate && p.from <= endDate;
  for (let year = first; year <= last; year++) {
    choices.push({ id: `${year}`, kind: 'year', year, part: 0, ...span(year, 1, 12) });
    for (const half of [1, 2]) {
      const p = span(year, half === 1 ? 1 : 7, half === 1 ? 6 : 12);
      if (overlaps(p)) choices.push({ id: `${year}-H${half}`, kind: 'half', year, part: half, ...p });
    }
    for (const quarter of [1, 2, 3, 4]) {
      const p = span(year, quarter * 3 - 2, quarter * 3);
      if (overlaps(p)) choices.push({ id: `${year}-Q${quarter}`, kind: 'quarter', year, part: quarter, ...p });
    }
  }
  return choices;
}

export function halfYears(startDate: string, endDate: string): PeriodChoice[] {
  return periodChoices(startDate, endDate).filter((c) => c.kind === 'half');
}
