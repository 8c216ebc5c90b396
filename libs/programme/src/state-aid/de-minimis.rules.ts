import { RuleViolation } from '../shared/domain-errors.js';
import type { IsoDate } from '../shared/dates.js';

export const DE_MINIMIS_REGULATION = 'Commission Regulation (EU) 2023/2831';
/** Article 3(2): per single undertaking over any period of three years; configurable (LEDGER_DE_MINIMIS_CEILING_EUR). */
export const DEFAULT_DE_MINIMIS_CEILING_EUR = 300_000;

export const AID_CURRENCIES = ['EUR', 'SEK', 'NOK'] as const;
export type AidCurrency = (typeof AID_CURRENCIES)[number];

export interface Window {
  from: IsoDate;
  to: IsoDate;
}

/**
 * The window a grant on `grantedOn` is assessed over: from the same calendar date three years earlier up to the
 * grant date, both included (a 29 February falls back to the 28th). Aid granted exactly three years before still
 * counts; it drops out the day after. Of the two readings of "three years" (1,095 days back, or the same date)
 * this is the one that never lets a leap day shorten the period.
 */
export function windowOf(grantedOn: IsoDate): Window {
  const [year, month, day] = grantedOn.split('-').map(Number);
  const lastDay = new Date(Date.UTC(year - 3, month, 0)).getUTCDate();
  const from = `${String(year - 3).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
  return { from, to: grantedOn };
}

export function inWindow(date: IsoDate, window: Window): boolean {
  return date >= window.from && date <= window.to;
}

/** Whole cents: sums of euro amounts are added in cents, never as floating-point euros. */
export const cents = (eur: number): number => Math.round(eur * 100);

/**
 * An amount in EUR, SEK or NOK in euro, rounded to the cent. `eurRate` is how many units of the currency one
 * euro buys (the Commission's and the ECB's way of quoting it, e.g. 11.4929 SEK), applicable on the grant date.
 */
export function toEur(amount: number, currency: AidCurrency, eurRate: number | undefined, what: string): number {
  if (!(amount >= 0) || !Number.isFinite(amount)) throw new RuleViolation(`${what}: the amount must be zero or more`);
  if (currency === 'EUR') {
    if (eurRate !== undefined && eurRate !== 1) throw new RuleViolation(`${what}: an amount in EUR takes no eurRate (or 1)`);
    return cents(amount) / 100;
  }
  if (eurRate === undefined) {
    throw new RuleViolation(`${what}: an amount in ${currency} needs eurRate, the ${currency} per euro applicable on the grant date`);
  }
  if (!(eurRate > 0) || !Number.isFinite(eurRate)) throw new RuleViolation(`${what}: eurRate must be more than zero`);
  return cents(amount / eurRate) / 100;
}

/** `EUR 291,000.00`: the same in every locale, as a certificate or a refusal quotes it. */
export function formatEur(eur: number): string {
  const total = cents(eur);
  const whole = Math.trunc(Math.abs(total) / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `EUR ${total < 0 ? '-' : ''}${whole}.${String(Math.abs(total) % 100).padStart(2, '0')}`;
}

export const LINK_RELATIONS = ['controls', 'controlled-by'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/** Control between two enterprises (Article 2(2)), from `from` to `to`, both days included; open-ended without `to`. */
export interface EnterpriseLink {
  linkId: string;
  organisationId: string;
  relation: LinkRelation;
  otherOrganisationId: string;
  from: IsoDate;
  to?: IsoDate;
}

export function linkedOn(link: Pick<EnterpriseLink, 'from' | 'to'>, on: IsoDate): boolean {
  return link.from <= on && (link.to === undefined || on <= link.to);
}

/**
 * The single undertaking of an enterprise on a date: every enterprise linked to it on that date, directly or
 * through others (the direction of control does not matter), itself included; sorted, so it reads the same
 * whichever member it is asked for.
 */
export function singleUndertaking(organisationId: string, on: IsoDate, links: readonly EnterpriseLink[]): string[] {
  const neighbours = new Map<string, string[]>();
  for (const link of links) {
    if (!linkedOn(link, on)) continue;
    neighbours.set(link.organisationId, [...(neighbours.get(link.organisationId) ?? []), link.otherOrganisationId]);
    neighbours.set(link.otherOrganisationId, [...(neighbours.get(link.otherOrganisationId) ?? []), link.organisationId]);
  }
  const members = new Set([organisationId]);
  const queue = [organisationId];
  while (queue.length > 0) {
    for (const next of neighbours.get(queue.pop()!) ?? []) {
      if (members.has(next)) continue;
      members.add(next);
      queue.push(next);
    }
  }
  return [...members].sort();
}
