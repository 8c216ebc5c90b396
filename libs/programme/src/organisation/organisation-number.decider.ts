import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists } from '../shared/domain-errors.js';

/**
 * Organisation numbers are unique across organisations, which no single organisation's stream can decide. Each
 * number has a stream of its own, `organisationNumber-<country><digits>`, claimed before the organisation's
 * registration is appended: the first claim is appended expecting no stream, which both stores refuse to a
 * second writer atomically. A claim whose organisation never got registered with the number (a refused or
 * interrupted registration) holds nothing, and the next claim takes the number over.
 */
export type OrganisationNumberEvent = DomainEvent<
  'OrganisationNumberClaimed',
  { key: string; country: string; organisationNumber: string; organisationId: string }
>;

export interface OrganisationNumberHolder {
  organisationId: string;
  name: string;
  /** Whether that organisation is registered with this number: only then does its claim hold. */
  holds: boolean;
}

export type OrganisationNumberCommand = {
  type: 'ClaimOrganisationNumber';
  data: { key: string; country: string; organisationNumber: string; organisationId: string };
  /** The organisation that claimed the number last, as it stands now; absent when nobody claimed it. */
  holder?: OrganisationNumberHolder;
};

export type OrganisationNumberState = { status: 'free' } | { status: 'claimed'; organisationId: string };

/**
 * The number is taken: a 409 that names the number and the organisation holding it, to the one who sent it; `rule`
 * says the same without either (see RuleViolationShowingValue).
 */
export class OrganisationNumberTaken extends AlreadyExists {
  readonly rule = 'the organisation number is already registered to another organisation';
  constructor(organisationNumber: string, holder: OrganisationNumberHolder) {
    super('Organisation number', organisationNumber);
    this.message = `Organisation number ${organisationNumber} is already registered to ${holder.name} (organisation ${holder.organisationId})`;
  }
}

export const organisationNumberDecider: Decider<OrganisationNumberState, OrganisationNumberCommand, OrganisationNumberEvent> = {
  initialState: () => ({ status: 'free' }),

  decide(command, state) {
    switch (command.type) {
      case 'ClaimOrganisationNumber': {
        const { data, holder } = command;
        if (state.status === 'claimed' && holder?.holds && holder.organisationId !== data.organisationId) {
          throw new OrganisationNumberTaken(data.organisationNumber, holder);
        }
        return [{ type: 'OrganisationNumberClaimed', data }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(_, event) {
    switch (event.type) {
      case 'OrganisationNumberClaimed':
        return { status: 'claimed', organisationId: event.data.organisationId };
      default:
        return assertNever(event.type);
    }
  },
};
