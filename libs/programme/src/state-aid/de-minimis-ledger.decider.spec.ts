import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { fold } from '../shared/decider.js';
import { AlreadyExists, RuleViolation } from '../shared/domain-errors.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import {
  deMinimisLedgerDecider,
  deMinimisStatus,
  type DeMinimisLedgerCommand,
  type DeMinimisLedgerEvent,
} from './de-minimis-ledger.decider.js';
import { formatEur, singleUndertaking, toEur, windowOf } from './de-minimis.rules.js';

const spec = deciderSpec(deMinimisLedgerDecider);
const CEILING = 300_000;

const enterprise = (organisationId: string, name: string): OrganisationFacts => ({ organisationId, name, type: 'enterprise', sizeClass: 'small', country: 'SE' });
const havsbruk = enterprise('havsbruk', 'Blekinge Havsbruk AB');
const dotter = enterprise('dotter', 'Havsbruk Förädling AB');
const kommun: OrganisationFacts = { organisationId: 'kommun', name: 'Karlshamns kommun', type: 'municipality', country: 'SE' };

const declared = (organisationId: string, grants: Array<[string, number]>, declarationId = `d-${organisationId}`): DeMinimisLedgerEvent => ({
  type: 'DeMinimisDeclared',
  data: {
    declarationId,
    organisationId,
    declaredOn: '2026-11-01',
    grants: grants.map(([grantedOn, amountEur]) => ({ grantedOn, amount: amountEur, currency: 'EUR', amountEur, grantor: 'Tillväxtverket' })),
  },
});
const granted = (supportId: string, organisationId: string, grantedOn: string, amountEur: number): DeMinimisLedgerEvent => ({
  type: 'DeMinimisAidGranted',
  data: { supportId, projectId: 'p', organisationId, grantedOn, amountEur, singleUndertaking: [organisationId], window: windowOf(grantedOn), usedEur: 0, ceilingEur: CEILING },
});
const linked = (from: string, to?: string, linkId = 'l1'): DeMinimisLedgerEvent => ({
  type: 'EnterprisesLinked',
  data: { linkId, organisationId: 'havsbruk', relation: 'controls', otherOrganisationId: 'dotter', from, ...(to ? { to } : {}), reason: 'Äger 100 % av aktierna' },
});
const grant = (organisationId: string, grantedOn: string, amountEur: number, supportId = 's-new'): DeMinimisLedgerCommand => ({
  type: 'GrantDeMinimisAid',
  data: { supportId, projectId: 'p', organisationId, grantedOn, amountEur },
  organisation: organisationId === 'dotter' ? dotter : havsbruk,
  ceilingEur: CEILING,
});

describe('de minimis ledger decider', () => {
  describe('the window', () => {
    it('runs from the same calendar date three years earlier up to the grant date, both included', () => {
      expect(windowOf('2026-11-22')).toEqual({ from: '2023-11-22', to: '2026-11-22' });
    });
    it('falls back to 28 February when the date three years earlier has no 29th', () => {
      expect(windowOf('2028-02-29')).toEqual({ from: '2025-02-28', to: '2028-02-29' });
    });
    it('counts aid granted exactly three years before, and not the day after', () => {
      spec.given([declared('havsbruk', [['2023-05-22', 299_000]])]).when(grant('havsbruk', '2026-05-22', 1_001)).thenThrows(RuleViolation, 'EUR 299,000.00');
      spec
        .given([declared('havsbruk', [['2023-05-22', 299_000]])])
        .when(grant('havsbruk', '2026-05-23', 1_001))
        .then([granted('s-new', 'havsbruk', '2026-05-23', 1_001)]);
    });
  });

  describe('EUR conversion', () => {
    it('converts SEK and NOK at the rate of units per euro, to the cent', () => {
      expect(toEur(115_000, 'SEK', 11.5, 'aid')).toBe(10_000);
      expect(toEur(1_000, 'NOK', 11.7, 'aid')).toBe(85.47);
      expect(toEur(1_234.5, 'EUR', undefined, 'aid')).toBe(1_234.5);
    });
    it('refuses an amount in SEK without a rate, naming the field', () => {
      expect(() => toEur(1_000, 'SEK', undefined, 'grants[0]')).toThrow('grants[0]: an amount in SEK needs eurRate');
    });
    it('records a declared grant in its currency, its rate and its value in euro', () => {
      spec
        .given([])
        .when({
          type: 'DeclareDeMinimisAid',
          data: { declarationId: 'd1', organisationId: 'havsbruk', declaredOn: '2026-11-01', grants: [{ grantedOn: '2025-05-22', amount: 575_000, currency: 'SEK', eurRate: 11.5, grantor: 'Region Blekinge' }] },
          organisation: havsbruk,
          today: '2026-11-22',
        })
        .then([
          {
            type: 'DeMinimisDeclared',
            data: {
              declarationId: 'd1',
              organisationId: 'havsbruk',
              declaredOn: '2026-11-01',
              grants: [{ grantedOn: '2025-05-22', amount: 575_000, currency: 'SEK', eurRate: 11.5, amountEur: 50_000, grantor: 'Region Blekinge' }],
            },
          },
        ]);
    });
    it('formats euro amounts the same in every locale', () => {
      expect(formatEur(300_500)).toBe('EUR 300,500.00');
      expect(formatEur(85.47)).toBe('EUR 85.47');
    });
  });

  describe('the ceiling', () => {
    it('grants de minimis aid that fits under the ceiling, with the figures it was decided on', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]])])
        .when(grant('havsbruk', '2026-11-20', 1_000))
        .then([
          {
            type: 'DeMinimisAidGranted',
            data: {
              supportId: 's-new',
              projectId: 'p',
              organisationId: 'havsbruk',
              grantedOn: '2026-11-20',
              amountEur: 1_000,
              singleUndertaking: ['havsbruk'],
              window: { from: '2023-11-20', to: '2026-11-20' },
              usedEur: 290_000,
              ceilingEur: CEILING,
            },
          },
        ]);
    });
    it('grants up to the ceiling exactly', () => {
      spec.given([declared('havsbruk', [['2025-05-22', 290_000]])]).when(grant('havsbruk', '2026-11-20', 10_000)).then([
        expect.objectContaining({ type: 'DeMinimisAidGranted' }) as DeMinimisLedgerEvent,
      ]);
    });
    it('refuses a grant over the ceiling with the total so far, the grant, the ceiling and the window', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]]), granted('s1', 'havsbruk', '2026-11-20', 1_000)])
        .when(grant('havsbruk', '2026-11-22', 9_500))
        .thenThrows(
          RuleViolation,
          /EUR 9,500\.00 refused: Blekinge Havsbruk AB received EUR 291,000\.00 of de minimis aid from 2023-11-22 to 2026-11-22.*EUR 300,500\.00.*ceiling of EUR 300,000\.00/,
        );
    });
    it('never counts a declaration superseded by a newer one', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]], 'd1'), declared('havsbruk', [['2025-05-22', 90_000]], 'd2')])
        .when(grant('havsbruk', '2026-11-22', 200_000))
        .then([expect.objectContaining({ data: expect.objectContaining({ usedEur: 90_000 }) }) as DeMinimisLedgerEvent]);
    });
    it('says which declaration a new one supersedes', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]], 'd1')])
        .when({ type: 'DeclareDeMinimisAid', data: { declarationId: 'd2', organisationId: 'havsbruk', declaredOn: '2026-11-21', grants: [] }, organisation: havsbruk, today: '2026-11-22' })
        .then([{ type: 'DeMinimisDeclared', data: { declarationId: 'd2', organisationId: 'havsbruk', declaredOn: '2026-11-21', grants: [], supersedes: 'd1' } }]);
    });
    it('refuses a grant dated before one already recorded when it would take that later one over the ceiling', () => {
      spec
        .given([declared('havsbruk', [['2024-01-10', 150_000]]), granted('s1', 'havsbruk', '2026-06-01', 140_000)])
        .when(grant('havsbruk', '2024-02-01', 20_000))
        .thenThrows(RuleViolation, 'by 2026-06-01 (the date of a grant already recorded)');
    });
    it('does not grant the same support twice', () => {
      spec.given([granted('s1', 'havsbruk', '2026-06-01', 1_000)]).when(grant('havsbruk', '2026-06-02', 1_000, 's1')).thenThrows(AlreadyExists);
    });
  });

  describe('single undertakings', () => {
    it('counts aid to a linked enterprise against the same ceiling', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]]), granted('s1', 'havsbruk', '2026-11-20', 1_000), linked('2024-01-01')])
        .when(grant('dotter', '2026-11-22', 9_500))
        .thenThrows(RuleViolation, /the single undertaking of Havsbruk Förädling AB \(2 enterprises\) received EUR 291,000\.00/);
    });
    it('does not count a link on a date outside its period', () => {
      spec
        .given([declared('havsbruk', [['2025-05-22', 290_000]]), linked('2024-01-01', '2026-06-30')])
        .when(grant('dotter', '2026-11-22', 100_000))
        .then([expect.objectContaining({ data: expect.objectContaining({ singleUndertaking: ['dotter'], usedEur: 0 }) }) as DeMinimisLedgerEvent]);
    });
    it('follows links through other enterprises on the date asked', () => {
      const links = [
        { linkId: 'a', organisationId: 'x', relation: 'controls' as const, otherOrganisationId: 'y', from: '2024-01-01' },
        { linkId: 'b', organisationId: 'z', relation: 'controlled-by' as const, otherOrganisationId: 'y', from: '2025-01-01' },
        { linkId: 'c', organisationId: 'z', relation: 'controls' as const, otherOrganisationId: 'w', from: '2024-01-01', to: '2024-12-31' },
      ];
      expect(singleUndertaking('x', '2024-06-01', links)).toEqual(['x', 'y']);
      expect(singleUndertaking('x', '2025-06-01', links)).toEqual(['x', 'y', 'z']);
      expect(singleUndertaking('w', '2024-06-01', links)).toEqual(['w', 'z']);
      expect(singleUndertaking('w', '2025-06-01', links)).toEqual(['w']);
    });
    it('links two enterprises from a date', () => {
      spec
        .given([])
        .when({ type: 'LinkEnterprises', data: { linkId: 'l1', organisationId: 'havsbruk', relation: 'controls', otherOrganisationId: 'dotter', from: '2024-01-01', reason: 'Äger 100 % av aktierna' }, organisation: havsbruk, other: dotter, today: '2026-11-22' })
        .then([linked('2024-01-01')]);
    });
    it('refuses a link overlapping one that exists between the same enterprises', () => {
      spec
        .given([linked('2024-01-01', '2025-12-31')])
        .when({ type: 'LinkEnterprises', data: { linkId: 'l2', organisationId: 'dotter', relation: 'controlled-by', otherOrganisationId: 'havsbruk', from: '2025-06-01', reason: 'Ny ägare' }, organisation: dotter, other: havsbruk, today: '2026-11-22' })
        .thenThrows(RuleViolation, 'already linked from 2024-01-01 to 2025-12-31');
    });
    it('refuses to link an enterprise to itself, or to an organisation that is not an enterprise', () => {
      const link = (other: OrganisationFacts) => ({ type: 'LinkEnterprises' as const, data: { linkId: 'l', organisationId: 'havsbruk', relation: 'controls' as const, otherOrganisationId: other.organisationId, from: '2024-01-01', reason: 'x' }, organisation: havsbruk, other, today: '2026-11-22' });
      spec.given([]).when(link(havsbruk)).thenThrows(RuleViolation, 'cannot be linked to itself');
      spec.given([]).when(link(kommun)).thenThrows(RuleViolation, 'Karlshamns kommun is a municipality, not an enterprise');
    });
    it('refuses a link that ends before it starts', () => {
      spec
        .given([])
        .when({ type: 'LinkEnterprises', data: { linkId: 'l', organisationId: 'havsbruk', relation: 'controls', otherOrganisationId: 'dotter', from: '2025-01-01', to: '2024-01-01', reason: 'x' }, organisation: havsbruk, other: dotter, today: '2026-11-22' })
        .thenThrows(RuleViolation, 'the end date 2024-01-01 is before the start date 2025-01-01');
    });
  });

  describe('declarations', () => {
    const declare = (grants: Array<{ grantedOn: string; amount: number; currency: 'EUR' | 'SEK' | 'NOK'; eurRate?: number; grantor: string }>, declaredOn = '2026-11-01'): DeMinimisLedgerCommand => ({
      type: 'DeclareDeMinimisAid',
      data: { declarationId: 'd1', organisationId: 'havsbruk', declaredOn, grants },
      organisation: havsbruk,
      today: '2026-11-22',
    });
    it('refuses aid declared as granted after the declaration', () => {
      spec.given([]).when(declare([{ grantedOn: '2026-11-10', amount: 5, currency: 'EUR', grantor: 'X' }])).thenThrows(RuleViolation, 'grants[0]: granted on 2026-11-10, after the declaration');
    });
    it('refuses a declaration dated in the future', () => {
      spec.given([]).when(declare([], '2026-12-01')).thenThrows(RuleViolation, 'is in the future');
    });
    it('refuses a NOK amount without its rate', () => {
      spec.given([]).when(declare([{ grantedOn: '2026-01-10', amount: 5, currency: 'NOK', grantor: 'Innovasjon Norge' }])).thenThrows(RuleViolation, 'grants[0]: an amount in NOK needs eurRate');
    });
    it('refuses a declaration by an organisation that is not an enterprise', () => {
      spec.given([]).when({ ...declare([]), organisation: kommun } as DeMinimisLedgerCommand).thenThrows(RuleViolation, 'not an enterprise');
    });
  });

  describe('status', () => {
    it('lists declared and ledger grants of the undertaking in the window, with the headroom', () => {
      const state = fold(deMinimisLedgerDecider, [declared('havsbruk', [['2022-01-01', 50_000], ['2025-05-22', 290_000]]), granted('s1', 'dotter', '2026-11-20', 1_000), linked('2024-01-01')]);
      const status = deMinimisStatus(state, 'havsbruk', '2026-11-22', CEILING);
      expect(status).toMatchObject({ singleUndertaking: ['dotter', 'havsbruk'], usedEur: 291_000, headroomEur: 9_000, window: { from: '2023-11-22', to: '2026-11-22' } });
      expect(status.grants.map((g) => [g.source, g.organisationId, g.amountEur])).toEqual([
        ['declared', 'havsbruk', 290_000],
        ['ledger', 'dotter', 1_000],
      ]);
    });
  });
});
