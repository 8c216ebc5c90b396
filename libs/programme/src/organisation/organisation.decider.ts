import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation, RuleViolationShowingValue } from '../shared/domain-errors.js';
import type { ReasonCategory } from '../shared/reason.js';
import { NACE_CODE, readOrganisationNumber } from './organisation-number.js';

export const ORGANISATION_TYPES = [
  'enterprise',
  'municipality',
  'region',
  'public-authority',
  'university',
  'research-organisation',
  'ngo',
  'creative-practitioner',
  'other',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** EU Recommendation 2003/361 size classes; SMEs are micro, small and medium. */
export const SIZE_CLASSES = ['micro', 'small', 'medium', 'large'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

export interface OrganisationDetails {
  name: string;
  organisationNumber?: string;
  /** ISO 3166 alpha-2. */
  country: string;
  type: OrganisationType;
  sizeClass?: SizeClass;
  foundedYear?: number;
  /** NACE Rev. 2 sector (`03.21`): de minimis aid is excluded in some sectors (primary agriculture, fisheries). */
  naceCode?: string;
}

export type OrganisationEvent =
  | DomainEvent<'OrganisationRegistered', { organisationId: string } & OrganisationDetails>
  | DomainEvent<
      'OrganisationReclassified',
      // The reason is about a legal entity and stays plaintext, like its name; no category before categories existed.
      { organisationId: string; type: OrganisationType; sizeClass?: SizeClass; reason: string; reasonCategory?: ReasonCategory }
    >;

export type OrganisationCommand =
  | { type: 'RegisterOrganisation'; data: { organisationId: string } & OrganisationDetails; currentYear: number }
  | {
      type: 'ReclassifyOrganisation';
      data: { organisationId: string; type?: OrganisationType; sizeClass?: SizeClass; reason: string; reasonCategory: ReasonCategory };
    };

export type OrganisationState =
  | { status: 'none' }
  | ({ status: 'registered'; organisationId: string } & OrganisationDetails);

export type OrganisationFacts = Pick<
  Extract<OrganisationState, { status: 'registered' }>,
  'organisationId' | 'type' | 'sizeClass' | 'country' | 'name'
>;

function assertClassified(type: OrganisationType, sizeClass: SizeClass | undefined): void {
  if (type === 'enterprise' && !sizeClass) {
    throw new RuleViolation('An enterprise needs a size class (micro, small, medium or large)');
  }
}

export const organisationDecider: Decider<OrganisationState, OrganisationCommand, OrganisationEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterOrganisation': {
        const { data } = command;
        if (state.status !== 'none') throw new AlreadyExists('Organisation', data.organisationId);
        assertClassified(data.type, data.sizeClass);
        if (data.foundedYear !== undefined && data.foundedYear > command.currentYear) {
          throw new RuleViolationShowingValue(`foundedYear ${data.foundedYear} is in the future`, 'foundedYear is in the future');
        }
        if (data.naceCode !== undefined && !NACE_CODE.test(data.naceCode)) {
          throw new RuleViolation('naceCode must be a NACE Rev. 2 code such as 03.21 (two digits, then optionally a dot and one or two digits)');
        }
        const registered = { ...data };
        if (data.organisationNumber !== undefined) {
          // One canonical form, so that the same number written two ways is one number (and unique).
          const number = readOrganisationNumber(data.country, data.organisationNumber);
          if ('problem' in number) throw new RuleViolationShowingValue(number.problem, number.rule);
          registered.organisationNumber = number.canonical;
        }
        // Size classes describe enterprises only.
        if (data.type !== 'enterprise') delete registered.sizeClass;
        return [{ type: 'OrganisationRegistered', data: registered }];
      }
      case 'ReclassifyOrganisation': {
        const { data } = command;
        if (state.status === 'none') throw new NotFound('Organisation', data.organisationId);
        const type = data.type ?? state.type;
        // Size classes describe enterprises only; an organisation that stops being one drops its class.
        const sizeClass = type === 'enterprise' ? (data.sizeClass ?? state.sizeClass) : undefined;
        assertClassified(type, sizeClass);
        if (type === state.type && sizeClass === state.sizeClass) {
          throw new RuleViolation(`The organisation is already classified as ${type}${sizeClass ? ` (${sizeClass})` : ''}`);
        }
        return [
          {
            type: 'OrganisationReclassified',
            data: {
              organisationId: data.organisationId,
              type,
              ...(sizeClass ? { sizeClass } : {}),
              reason: data.reason,
              reasonCategory: data.reasonCategory,
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrganisationRegistered':
        return { status: 'registered', ...event.data };
      case 'OrganisationReclassified': {
        if (state.status !== 'registered') return state;
        const { type, sizeClass } = event.data;
        return { ...state, type, sizeClass };
      }
      default:
        return assertNever(event);
    }
  },
};
