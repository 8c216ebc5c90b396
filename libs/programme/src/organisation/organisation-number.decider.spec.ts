import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { RuleViolation } from '../shared/domain-errors.js';
import { organisationDecider, type OrganisationCommand } from './organisation.decider.js';
import { readOrganisationNumber } from './organisation-number.js';
import { OrganisationNumberTaken, organisationNumberDecider, type OrganisationNumberCommand, type OrganisationNumberEvent } from './organisation-number.decider.js';

const register = (country: string, organisationNumber: string, naceCode?: string): OrganisationCommand => ({
  type: 'RegisterOrganisation',
  data: { organisationId: 'o1', name: 'Blekinge Havsbruk AB', country, type: 'enterprise', sizeClass: 'small', organisationNumber, ...(naceCode ? { naceCode } : {}) },
  currentYear: 2026,
});
const organisations = deciderSpec(organisationDecider);

describe('organisation numbers', () => {
  it('stores a Swedish number in one canonical form, NNNNNN-NNNN', () => {
    for (const written of ['556123-4567', '5561234567', ' 556123 4567 ']) {
      organisations.given([]).when(register('SE', written)).then([
        { type: 'OrganisationRegistered', data: { organisationId: 'o1', name: 'Blekinge Havsbruk AB', country: 'SE', type: 'enterprise', sizeClass: 'small', organisationNumber: '556123-4567' } },
      ]);
    }
  });

  it('refuses a Swedish number whose Luhn digit is wrong, or that is not 10 digits', () => {
    organisations.given([]).when(register('SE', '556123-4568')).thenThrows(RuleViolation, 'fails the Luhn check digit of a Swedish organisation number');
    organisations.given([]).when(register('SE', '55612-34567')).thenThrows(RuleViolation, 'must be a Swedish organisation number: 10 digits written NNNNNN-NNNN');
  });

  it('checks a Norwegian number by mod 11 and stores its 9 digits', () => {
    expect(readOrganisationNumber('NO', '974 760 673')).toEqual({ canonical: '974760673', key: 'NO974760673' });
    expect(readOrganisationNumber('NO', '974760674')).toEqual({ problem: expect.stringContaining('fails the mod 11 check digit'), rule: expect.stringContaining('fails the mod 11 check digit') });
    expect(readOrganisationNumber('NO', '97476067')).toEqual({ problem: expect.stringContaining('9 digits'), rule: expect.stringContaining('9 digits') });
    organisations.given([]).when(register('NO', '923609017')).thenThrows(RuleViolation, 'mod 11');
  });

  it('shows a number failing its check digit to its sender, and states the rule apart without it', () => {
    expect(readOrganisationNumber('SE', '556123 4568')).toEqual({
      problem: 'organisationNumber 556123-4568 fails the Luhn check digit of a Swedish organisation number: 10 digits written NNNNNN-NNNN, the last a Luhn check digit',
      rule: 'organisationNumber fails the Luhn check digit of a Swedish organisation number: 10 digits written NNNNNN-NNNN, the last a Luhn check digit',
    });
    expect(readOrganisationNumber('NO', '974760674')).toMatchObject({ problem: expect.stringContaining('974760674'), rule: expect.not.stringMatching(/\d{3}/) });
    // A number written wrong is answered with the rule alone: nothing of the text comes back.
    for (const [country, written] of [['SE', '19870312-1234'], ['NO', '12 34 56 78']] as const) {
      const reading = readOrganisationNumber(country, written);
      expect(reading).toEqual({ problem: expect.any(String), rule: expect.any(String) });
      expect('problem' in reading && reading.problem === reading.rule && !/1234|5678/.test(reading.problem)).toBe(true);
    }
    try {
      organisationDecider.decide({ type: 'RegisterOrganisation', data: { organisationId: 'o1', name: 'Blekinge Havsbruk AB', country: 'SE', type: 'municipality', organisationNumber: '556123-4568' }, currentYear: 2026 }, organisationDecider.initialState());
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolation);
      expect((error as Error).message).toContain('556123-4568');
      expect((error as { rule?: string }).rule).toBe('organisationNumber fails the Luhn check digit of a Swedish organisation number: 10 digits written NNNNNN-NNNN, the last a Luhn check digit');
    }
  });

  it('takes other countries’ numbers as given, keyed without spacing or case', () => {
    expect(readOrganisationNumber('DK', 'dk 1234-5678')).toEqual({ canonical: 'dk 1234-5678', key: 'DKDK12345678' });
  });

  it('refuses a NACE code that is not one', () => {
    organisations.given([]).when(register('SE', '556123-4567', 'A01')).thenThrows(RuleViolation, 'naceCode must be a NACE Rev. 2 code');
  });

  describe('uniqueness: the number’s claim stream', () => {
    const claims = deciderSpec(organisationNumberDecider);
    const data = { key: 'SE5561234567', country: 'SE', organisationNumber: '556123-4567', organisationId: 'o2' };
    const claimed = (organisationId: string): OrganisationNumberEvent => ({ type: 'OrganisationNumberClaimed', data: { ...data, organisationId } });
    const claim = (holder?: OrganisationNumberCommand['holder']): OrganisationNumberCommand => ({ type: 'ClaimOrganisationNumber', data, ...(holder ? { holder } : {}) });

    it('claims a free number', () => {
      claims.given([]).when(claim()).then([claimed('o2')]);
    });
    it('refuses a number another registered organisation holds, naming it', () => {
      claims
        .given([claimed('o1')])
        .when(claim({ organisationId: 'o1', name: 'Blekinge Havsbruk AB', holds: true }))
        .thenThrows(OrganisationNumberTaken, 'Organisation number 556123-4567 is already registered to Blekinge Havsbruk AB (organisation o1)');
      const taken = new OrganisationNumberTaken('556123-4567', { organisationId: 'o1', name: 'Blekinge Havsbruk AB', holds: true });
      expect(taken.rule).toBe('the organisation number is already registered to another organisation');
    });
    it('takes over a claim whose organisation was never registered with the number', () => {
      claims.given([claimed('o1')]).when(claim({ organisationId: 'o1', name: '(not registered)', holds: false })).then([claimed('o2')]);
    });
  });
});
