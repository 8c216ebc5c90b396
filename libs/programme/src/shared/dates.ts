import { RuleViolationShowingValue } from './domain-errors.js';

/** Calendar dates are ISO `YYYY-MM-DD` strings: they compare correctly as strings and carry no time zone. */
export type IsoDate = string;

export interface Period {
  startDate: IsoDate;
  endDate: IsoDate;
}

export function isoDate(at: Date): IsoDate {
  return at.toISOString().slice(0, 10);
}

// Each message shows the date sent to the one who sent it; each rule says the same without it (see
// RuleViolationShowingValue), which is what an import's outcome keeps in the log.
export function assertOrdered(start: IsoDate, end: IsoDate, what: string): void {
  if (end < start) {
    throw new RuleViolationShowingValue(`${what}: the end date ${end} is before the start date ${start}`, `${what}: the end date is before the start date`);
  }
}

export function assertWithin(date: IsoDate, period: Period, what: string, periodName = "the project's period"): void {
  if (date < period.startDate || date > period.endDate) {
    const rule = `lies outside ${periodName} (${period.startDate} to ${period.endDate})`;
    throw new RuleViolationShowingValue(`${what} ${date} ${rule}`, `${what} ${rule}`);
  }
}

export function assertNotFuture(date: IsoDate, today: IsoDate, what: string): void {
  if (date > today) throw new RuleViolationShowingValue(`${what} ${date} is in the future (today is ${today})`, `${what} is in the future (today is ${today})`);
}
