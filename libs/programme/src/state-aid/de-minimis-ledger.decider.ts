import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertOrdered, type IsoDate } from '../shared/dates.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import {
  cents,
  DE_MINIMIS_REGULATION,
  formatEur,
  inWindow,
  singleUndertaking,
  toEur,
  windowOf,
  type AidCurrency,
  type EnterpriseLink,
  type Window,
} from './de-minimis.rules.js';

/**
 * The de minimis ledger: everything the ceiling rule reads (control links between enterprises, their own
 * declarations of aid received elsewhere, and every de minimis grant made by any project) in one stream,
 * `deMinimis-ledger`. The ceiling is an invariant over a single undertaking, whose members change with links and
 * over time; one stream appended at the exact revision it was decided on makes every grant, link and declaration
 * a decision on everything before it, on both stores, so two grants that only fit one at a time can never both
 * pass. Grants are rare (hundreds per project, over years), so one stream costs a few milliseconds per grant.
 */
export interface DeclaredGrant {
  grantedOn: IsoDate;
  amount: number;
  currency: AidCurrency;
  eurRate?: number;
  amountEur: number;
  /** The authority or body that granted it, as the enterprise declared it. */
  grantor: string;
}

export type DeclaredGrantInput = Omit<DeclaredGrant, 'amountEur'>;

export interface DeMinimisDeclaration {
  declarationId: string;
  organisationId: string;
  declaredOn: IsoDate;
  grants: DeclaredGrant[];
}

export interface LedgerGrant {
  supportId: string;
  projectId: string;
  organisationId: string;
  grantedOn: IsoDate;
  amountEur: number;
}

export type DeMinimisLedgerEvent =
  | DomainEvent<'EnterprisesLinked', EnterpriseLink & { reason: string }>
  | DomainEvent<'DeMinimisDeclared', DeMinimisDeclaration & { supersedes?: string }>
  | DomainEvent<
      'DeMinimisAidGranted',
      LedgerGrant & {
        /** What the decision stood on, for the auditor: the undertaking, its window, what it had, and the ceiling. */
        singleUndertaking: string[];
        window: Window;
        usedEur: number;
        ceilingEur: number;
      }
    >;

export type DeMinimisLedgerCommand =
  | {
      type: 'LinkEnterprises';
      data: EnterpriseLink & { reason: string };
      organisation: OrganisationFacts;
      other: OrganisationFacts;
      today: IsoDate;
    }
  | {
      type: 'DeclareDeMinimisAid';
      data: { declarationId: string; organisationId: string; declaredOn: IsoDate; grants: DeclaredGrantInput[] };
      organisation: OrganisationFacts;
      today: IsoDate;
    }
  | {
      type: 'GrantDeMinimisAid';
      data: LedgerGrant;
      organisation: Pick<OrganisationFacts, 'organisationId' | 'name'>;
      ceilingEur: number;
    };

export interface DeMinimisLedgerState {
  links: EnterpriseLink[];
  /** The standing declaration of each enterprise (a new one supersedes the one before). */
  declarations: Record<string, DeMinimisDeclaration>;
  grants: LedgerGrant[];
}

export interface CountedGrant {
  source: 'declared' | 'ledger';
  organisationId: string;
  projectId?: string;
  supportId?: string;
  grantor?: string;
  grantedOn: IsoDate;
  amountEur: number;
}

export interface DeMinimisStatus {
  organisationId: string;
  on: IsoDate;
  singleUndertaking: string[];
  window: Window;
  ceilingEur: number;
  usedEur: number;
  headroomEur: number;
  grants: CountedGrant[];
}

/** What the single undertaking of an enterprise had received on a date: the one computation reads and refusals share. */
export function deMinimisStatus(state: DeMinimisLedgerState, organisationId: string, on: IsoDate, ceilingEur: number): DeMinimisStatus {
  const members = singleUndertaking(organisationId, on, state.links);
  const window = windowOf(on);
  const grants: CountedGrant[] = [];
  for (const member of members) {
    for (const grant of state.declarations[member]?.grants ?? []) {
      if (inWindow(grant.grantedOn, window)) {
        grants.push({ source: 'declared', organisationId: member, grantor: grant.grantor, grantedOn: grant.grantedOn, amountEur: grant.amountEur });
      }
    }
  }
  for (const grant of state.grants) {
    if (members.includes(grant.organisationId) && inWindow(grant.grantedOn, window)) {
      const { organisationId: member, projectId, supportId, grantedOn, amountEur } = grant;
      grants.push({ source: 'ledger', organisationId: member, projectId, supportId, grantedOn, amountEur });
    }
  }
  grants.sort((a, b) => a.grantedOn.localeCompare(b.grantedOn) || a.source.localeCompare(b.source));
  const used = grants.reduce((sum, grant) => sum + cents(grant.amountEur), 0);
  return {
    organisationId,
    on,
    singleUndertaking: members,
    window,
    ceilingEur,
    usedEur: used / 100,
    headroomEur: Math.max(0, cents(ceilingEur) - used) / 100,
    grants,
  };
}

function refuseOverCeiling(
  name: string,
  status: DeMinimisStatus,
  amountEur: number,
  laterGrantOn?: IsoDate,
): never {
  const members = status.singleUndertaking.length;
  const whose = members > 1 ? `the single undertaking of ${name} (${members} enterprises)` : name;
  const total = (cents(status.usedEur) + cents(amountEur)) / 100;
  const when = laterGrantOn ? `by ${laterGrantOn} (the date of a grant already recorded)` : 'by then';
  throw new RuleViolation(
    `De minimis aid of ${formatEur(amountEur)} refused: ${whose} received ${formatEur(status.usedEur)} of de minimis aid ` +
      `from ${status.window.from} to ${status.window.to} (the window: the same calendar date three years earlier up to ` +
      `${status.window.to}); with this grant of ${formatEur(amountEur)} it would have ${formatEur(total)} ${when}, over the ceiling ` +
      `of ${formatEur(status.ceilingEur)} (${DE_MINIMIS_REGULATION}, Article 3(2)). None of it may be granted as de minimis aid.`,
  );
}

export const deMinimisLedgerDecider: Decider<DeMinimisLedgerState, DeMinimisLedgerCommand, DeMinimisLedgerEvent> = {
  initialState: () => ({ links: [], declarations: {}, grants: [] }),

  decide(command, state) {
    switch (command.type) {
      case 'LinkEnterprises': {
        const { data, organisation, other } = command;
        if (data.organisationId === data.otherOrganisationId) throw new RuleViolation('An enterprise cannot be linked to itself');
        for (const party of [organisation, other]) {
          if (party.type !== 'enterprise') {
            throw new RuleViolation(`${party.name} is a ${party.type}, not an enterprise: a single undertaking links enterprises`);
          }
        }
        if (data.to !== undefined) assertOrdered(data.from, data.to, 'The link');
        assertNotFuture(data.from, command.today, 'The link’s start');
        if (data.reason.trim().length === 0) throw new RuleViolation('A link needs a reason (the shareholding, agreement or decision it rests on)');
        const overlapping = state.links.find(
          (link) =>
            [link.organisationId, link.otherOrganisationId].sort().join() === [data.organisationId, data.otherOrganisationId].sort().join() &&
            link.from <= (data.to ?? '9999-12-31') &&
            data.from <= (link.to ?? '9999-12-31'),
        );
        if (overlapping) {
          throw new RuleViolation(
            `${organisation.name} and ${other.name} are already linked from ${overlapping.from}${overlapping.to ? ` to ${overlapping.to}` : ''} (link ${overlapping.linkId})`,
          );
        }
        return [{ type: 'EnterprisesLinked', data }];
      }
      case 'DeclareDeMinimisAid': {
        const { data, organisation } = command;
        if (organisation.type !== 'enterprise') {
          throw new RuleViolation(`${organisation.name} is a ${organisation.type}, not an enterprise: de minimis declarations are an enterprise's`);
        }
        assertNotFuture(data.declaredOn, command.today, 'The declaration date');
        const grants = data.grants.map((grant, index) => {
          const what = `grants[${index}]`;
          if (grant.grantedOn > data.declaredOn) {
            throw new RuleViolation(`${what}: granted on ${grant.grantedOn}, after the declaration (${data.declaredOn}); a declaration lists aid already received`);
          }
          if (!(grant.amount > 0)) throw new RuleViolation(`${what}: the amount must be more than zero`);
          if (grant.grantor.trim().length === 0) throw new RuleViolation(`${what}: the grantor is required`);
          return { ...grant, amountEur: toEur(grant.amount, grant.currency, grant.eurRate, what) };
        });
        const previous = state.declarations[data.organisationId];
        if (previous?.declarationId === data.declarationId) throw new AlreadyExists('Declaration', data.declarationId);
        return [
          {
            type: 'DeMinimisDeclared',
            data: { ...data, grants, ...(previous ? { supersedes: previous.declarationId } : {}) },
          },
        ];
      }
      case 'GrantDeMinimisAid': {
        const { data, ceilingEur } = command;
        if (state.grants.some((grant) => grant.supportId === data.supportId)) {
          throw new AlreadyExists('De minimis grant of support', data.supportId);
        }
        if (!(data.amountEur > 0)) throw new RuleViolation('A de minimis grant must be worth more than zero');
        const status = deMinimisStatus(state, data.organisationId, data.grantedOn, ceilingEur);
        if (cents(status.usedEur) + cents(data.amountEur) > cents(ceilingEur)) refuseOverCeiling(command.organisation.name, status, data.amountEur);
        // A grant dated before grants already recorded also falls in their windows: none of them may go over either.
        // Assessed once per later date, for this enterprise's undertaking on that date (any member's is the same).
        const laterDates = new Set(state.grants.filter((g) => g.grantedOn > data.grantedOn && inWindow(data.grantedOn, windowOf(g.grantedOn))).map((g) => g.grantedOn));
        for (const later of [...laterDates].sort()) {
          const then = deMinimisStatus(state, data.organisationId, later, ceilingEur);
          const grantedThen = then.grants.some((g) => g.source === 'ledger' && g.grantedOn === later);
          if (grantedThen && cents(then.usedEur) + cents(data.amountEur) > cents(ceilingEur)) {
            refuseOverCeiling(command.organisation.name, then, data.amountEur, later);
          }
        }
        return [
          {
            type: 'DeMinimisAidGranted',
            data: { ...data, singleUndertaking: status.singleUndertaking, window: status.window, usedEur: status.usedEur, ceilingEur },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EnterprisesLinked': {
        const { reason: _, ...link } = event.data;
        return { ...state, links: [...state.links, link] };
      }
      case 'DeMinimisDeclared': {
        const { supersedes: _, ...declaration } = event.data;
        return { ...state, declarations: { ...state.declarations, [declaration.organisationId]: declaration } };
      }
      case 'DeMinimisAidGranted': {
        const { supportId, projectId, organisationId, grantedOn, amountEur } = event.data;
        return { ...state, grants: [...state.grants, { supportId, projectId, organisationId, grantedOn, amountEur }] };
      }
      default:
        return assertNever(event);
    }
  },
};
