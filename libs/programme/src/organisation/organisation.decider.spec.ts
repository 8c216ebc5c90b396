import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { fold } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import {
  organisationDecider,
  type OrganisationCommand,
  type OrganisationDetails,
  type OrganisationEvent,
  type OrganisationType,
  type SizeClass,
} from './organisation.decider.js';

const spec = deciderSpec(organisationDecider);

const organisationId = 'org-havsbruk';
/** A small aquaculture company in Karlshamn, one of the companies in need at the first Challenge. */
const havsbruk: OrganisationDetails = {
  name: 'Blekinge Havsbruk AB',
  organisationNumber: '556123-4567',
  country: 'SE',
  type: 'enterprise',
  sizeClass: 'small',
  foundedYear: 2015,
};
const municipality: OrganisationDetails = { name: 'Karlshamns kommun', country: 'SE', type: 'municipality' };

const registered = (details: OrganisationDetails = havsbruk): OrganisationEvent => ({
  type: 'OrganisationRegistered',
  data: { organisationId, ...details },
});
const register = (details: OrganisationDetails, currentYear = 2024): OrganisationCommand => ({
  type: 'RegisterOrganisation',
  data: { organisationId, ...details },
  currentYear,
});
const reclassify = (change: { type?: OrganisationType; sizeClass?: SizeClass }, reason = 'Annual report 2023'): OrganisationCommand => ({
  type: 'ReclassifyOrganisation',
  data: { organisationId, ...change, reason, reasonCategory: 'late-information' },
});
const reclassified = (type: OrganisationType, sizeClass?: SizeClass, reason = 'Annual report 2023'): OrganisationEvent => ({
  type: 'OrganisationReclassified',
  data: { organisationId, type, ...(sizeClass ? { sizeClass } : {}), reason, reasonCategory: 'late-information' },
});

describe('organisation decider', () => {
  describe('RegisterOrganisation', () => {
    it('registers an enterprise with its size class', () => {
      spec
        .given([])
        .when(register(havsbruk))
        .then([
          {
            type: 'OrganisationRegistered',
            data: {
              organisationId: 'org-havsbruk',
              name: 'Blekinge Havsbruk AB',
              organisationNumber: '556123-4567',
              country: 'SE',
              type: 'enterprise',
              sizeClass: 'small',
              foundedYear: 2015,
            },
          },
        ]);
    });

    it('registers a municipality without a size class', () => {
      spec
        .given([])
        .when(register(municipality))
        .then([{ type: 'OrganisationRegistered', data: { organisationId, name: 'Karlshamns kommun', country: 'SE', type: 'municipality' } }]);
    });

    it('drops a size class given for an organisation that is not an enterprise', () => {
      spec
        .given([])
        .when(register({ ...municipality, sizeClass: 'large' }))
        .then([{ type: 'OrganisationRegistered', data: { organisationId, name: 'Karlshamns kommun', country: 'SE', type: 'municipality' } }]);
    });

    it('accepts an enterprise founded this year', () => {
      spec
        .given([])
        .when(register({ ...havsbruk, foundedYear: 2024 }, 2024))
        .then([registered({ ...havsbruk, foundedYear: 2024 })]);
    });

    it('refuses an enterprise without a size class', () => {
      const { sizeClass: _, ...withoutSize } = havsbruk;
      spec
        .given([])
        .when(register(withoutSize))
        .thenThrows(RuleViolation, 'An enterprise needs a size class (micro, small, medium or large)');
    });

    it('refuses a founding year in the future', () => {
      spec
        .given([])
        .when(register({ ...havsbruk, foundedYear: 2025 }, 2024))
        .thenThrows(RuleViolation, 'foundedYear 2025 is in the future');
    });

    it('states the refused year to its sender, and its rule apart without it (what an import may log)', () => {
      const refused = () => organisationDecider.decide(register({ ...havsbruk, foundedYear: 2025 }, 2024), organisationDecider.initialState());
      expect(refused).toThrow(expect.objectContaining({ message: 'foundedYear 2025 is in the future', rule: 'foundedYear is in the future' }));
    });

    it('answers a NACE code that is not one with the rule alone', () => {
      const refused = () => organisationDecider.decide(register({ ...havsbruk, naceCode: '99.99x' }), organisationDecider.initialState());
      expect(refused).toThrow(RuleViolation);
      expect(refused).toThrow(expect.objectContaining({ message: expect.not.stringContaining('99.99x') }));
    });

    it('registers an organisation only once', () => {
      spec.given([registered()]).when(register(havsbruk)).thenThrows(AlreadyExists, 'Organisation org-havsbruk already exists');
    });
  });

  describe('ReclassifyOrganisation', () => {
    it('changes the size class of an enterprise', () => {
      spec
        .given([registered()])
        .when(reclassify({ sizeClass: 'medium' }))
        .then([
          {
            type: 'OrganisationReclassified',
            data: { organisationId: 'org-havsbruk', type: 'enterprise', sizeClass: 'medium', reason: 'Annual report 2023', reasonCategory: 'late-information' },
          },
        ]);
    });

    it('reclassifies an enterprise as a university and drops its size class', () => {
      spec
        .given([registered()])
        .when(reclassify({ type: 'university' }, 'Registered in error: it is Blekinge Tekniska Högskola'))
        .then([
          {
            type: 'OrganisationReclassified',
            data: { organisationId: 'org-havsbruk', type: 'university', reason: 'Registered in error: it is Blekinge Tekniska Högskola', reasonCategory: 'late-information' },
          },
        ]);
    });

    it('drops a size class given for an organisation that is not an enterprise', () => {
      spec
        .given([registered()])
        .when(reclassify({ type: 'municipality', sizeClass: 'large' }, 'It is Karlshamns kommun'))
        .then([
          {
            type: 'OrganisationReclassified',
            data: { organisationId: 'org-havsbruk', type: 'municipality', reason: 'It is Karlshamns kommun', reasonCategory: 'late-information' },
          },
        ]);
    });

    it('keeps the size class when the type is restated as enterprise with a new size', () => {
      spec.given([registered()]).when(reclassify({ type: 'enterprise', sizeClass: 'micro' })).then([reclassified('enterprise', 'micro')]);
    });

    it('reclassifies a municipality as an enterprise when a size class is given', () => {
      spec
        .given([registered(municipality)])
        .when(reclassify({ type: 'enterprise', sizeClass: 'large' }))
        .then([reclassified('enterprise', 'large')]);
    });

    it('refuses to reclassify an organisation that does not exist', () => {
      spec.given([]).when(reclassify({ sizeClass: 'medium' })).thenThrows(NotFound, 'Organisation org-havsbruk does not exist');
    });

    it('refuses a reclassification to the classification it already has', () => {
      spec
        .given([registered()])
        .when(reclassify({ type: 'enterprise', sizeClass: 'small' }))
        .thenThrows(RuleViolation, 'The organisation is already classified as enterprise (small)');
    });

    it('refuses a reclassification that only restates the type', () => {
      spec
        .given([registered(municipality)])
        .when(reclassify({ type: 'municipality' }))
        .thenThrows(RuleViolation, 'The organisation is already classified as municipality');
    });

    it('refuses to make an organisation an enterprise without a size class', () => {
      spec
        .given([registered(municipality)])
        .when(reclassify({ type: 'enterprise' }))
        .thenThrows(RuleViolation, 'An enterprise needs a size class');
    });

    it('does not bring back a dropped size class when the organisation becomes an enterprise again', () => {
      spec
        .given([registered(), reclassified('ngo')])
        .when(reclassify({ type: 'enterprise' }))
        .thenThrows(RuleViolation, 'An enterprise needs a size class');
    });

    it('decides on the classification left by earlier reclassifications', () => {
      spec
        .given([registered(), reclassified('enterprise', 'medium')])
        .when(reclassify({ sizeClass: 'medium' }))
        .thenThrows(RuleViolation, 'already classified as enterprise (medium)');
    });
  });

  describe('evolve', () => {
    it('a reclassification away from enterprise leaves no size class in the state', () => {
      const state = fold(organisationDecider, [registered(), reclassified('ngo', undefined, 'Converted to a foundation')]);
      expect(state).toMatchObject({ status: 'registered', type: 'ngo', name: 'Blekinge Havsbruk AB' });
      expect(state.status === 'registered' && state.sizeClass).toBeFalsy();
    });
  });
});
