import { RuleViolation } from './domain-errors.js';

/** Calendar dates are ISO `YYYY-MM-DD` strings: they compare correctly as strings and carry no time zone. */
export type IsoDate = string;

export interface Period {
  startDate: IsoDate;
  endDate: IsoDate;
}

export function isoDate(at: Date): IsoDate {
  return at.toISOString().slice(0, 10);
}

export function assertOrdered(start: IsoDate, end: IsoDate, what: string): void {
  if (end < start) throw new RuleViolation(`${what}: the end date ${end} is before the start date ${start}`);
}

export function assertWithin(date: IsoDate, period: Period, what: string, periodName = "the project's period"): void {
  if (date < period.startDate || date > period.endDate) {
    throw new RuleViolation(`${what} ${date} lies outside ${periodName} (${period.startDate} to ${period.endDate})`);
  }
}

export function assertNotFuture(date: IsoDate, today: IsoDate, what: string): void {
  if (date > today) throw new RuleViolation(`${what} ${date} is in the future (today is ${today})`);
}
