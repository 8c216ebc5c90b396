import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertWithin, type IsoDate } from '../shared/dates.js';
import type { ActivityFacts } from '../activity/activity.decider.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { cents, toEur, type AidCurrency } from '../state-aid/de-minimis.rules.js';

export const SUPPORT_KINDS = ['grant', 'voucher', 'non-financial'] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

/** The legal basis of aid to an enterprise: de minimis (counts towards its ceiling), GBER (never does), or none. */
export const AID_BASES = ['de-minimis', 'gber', 'no-aid'] as const;
export type AidBasis = (typeof AID_BASES)[number];

export const VALUATION_METHODS = ['hours', 'cost-share', 'market-price'] as const;
export type ValuationMethod = (typeof VALUATION_METHODS)[number];

/** How non-financial aid was valued: the calculation is kept, not only the figure. */
export interface AidValuation {
  method: ValuationMethod;
  hours?: number;
  hourlyRate?: number;
  note?: string;
}

export interface AidInput {
  basis: AidBasis;
  /** When the enterprise got the legal right to it (the decision or agreement), not when it was delivered. */
  grantedOn: IsoDate;
  amount: number;
  currency: AidCurrency;
  /** Units of the currency per euro on the grant date; required unless the currency is EUR. */
  eurRate?: number;
  valuation?: AidValuation;
  /** The GBER article it is granted under (free text, e.g. "Article 20a"); only with basis gber. */
  article?: string;
}

/** The aid as recorded: the input, and its value in euro, which is what counts. */
export interface Aid extends AidInput {
  amountEur: number;
}

export interface SupportDetails {
  projectId: string;
  organisationId: string;
  kind: SupportKind;
  date: IsoDate;
  amountEur?: number;
  hours?: number;
  activityId?: string;
  /** Absent on support recorded before aid was recorded: that reads as "aid not recorded", never as no aid. */
  aid?: Aid;
}

export type SupportInput = Omit<SupportDetails, 'aid'> & { aid?: AidInput };

export type SupportEvent = DomainEvent<'EnterpriseSupportRecorded', { supportId: string } & SupportDetails>;

export type SupportCommand = {
  type: 'RecordEnterpriseSupport';
  data: { supportId: string } & SupportInput;
  project: ProjectFacts;
  organisation: OrganisationFacts;
  activity?: ActivityFacts;
  today: IsoDate;
};

export type SupportState = { status: 'none' } | ({ status: 'recorded'; supportId: string } & SupportDetails);

export const supportDecider: Decider<SupportState, SupportCommand, SupportEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordEnterpriseSupport': {
        const { data, organisation, activity } = command;
        if (state.status !== 'none') throw new AlreadyExists('Support', data.supportId);
        if (organisation.type !== 'enterprise') {
          throw new RuleViolation(`${organisation.name} is a ${organisation.type}, not an enterprise: enterprise support goes to enterprises`);
        }
        if ((data.kind === 'grant' || data.kind === 'voucher') && !(data.amountEur! > 0)) {
          throw new RuleViolation(`A ${data.kind} needs amountEur, the amount in euro`);
        }
        if (activity && activity.projectId !== data.projectId) {
          throw new RuleViolation(`Activity ${activity.activityId} belongs to another project`);
        }
        assertWithin(data.date, command.project, 'The support date');
        assertNotFuture(data.date, command.today, 'The support date');
        const { aid, ...support } = data;
        return [{ type: 'EnterpriseSupportRecorded', data: aid ? { ...support, aid: valuedAid(aid, command) } : support }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(_, event) {
    switch (event.type) {
      case 'EnterpriseSupportRecorded':
        return { status: 'recorded', ...event.data };
      default:
        return assertNever(event.type);
    }
  },
};

/** Checks the aid's rules and values it in euro. */
export function valuedAid(aid: AidInput, command: Pick<SupportCommand, 'project' | 'today'>): Aid {
  const { valuation } = aid;
  assertWithin(aid.grantedOn, command.project, 'The aid’s grant date');
  assertNotFuture(aid.grantedOn, command.today, 'The aid’s grant date');
  if (aid.basis === 'gber' && !aid.article?.trim()) {
    throw new RuleViolation('aid.article is required with basis gber: the GBER article the aid is granted under (e.g. Article 20a)');
  }
  if (aid.basis !== 'gber' && aid.article !== undefined) throw new RuleViolation('aid.article applies to basis gber only');
  if (aid.basis === 'de-minimis' && !(aid.amount > 0)) throw new RuleViolation('De minimis aid must be worth more than zero (aid.amount)');
  if (valuation?.method === 'hours') {
    if (!(valuation.hours! > 0) || !(valuation.hourlyRate! > 0)) {
      throw new RuleViolation('aid.valuation by hours needs hours and hourlyRate, both more than zero');
    }
    const valued = cents(valuation.hours! * valuation.hourlyRate!);
    if (valued !== cents(aid.amount)) {
      throw new RuleViolation(
        `aid.amount ${aid.amount} is not hours x hourlyRate (${valuation.hours} x ${valuation.hourlyRate} = ${valued / 100})`,
      );
    }
  }
  if (valuation?.method === 'cost-share' && !valuation.note?.trim()) {
    throw new RuleViolation('aid.valuation by cost share needs a note: how the share of the activity’s costs was computed');
  }
  return { ...aid, amountEur: toEur(aid.amount, aid.currency, aid.eurRate, 'aid') };
}
