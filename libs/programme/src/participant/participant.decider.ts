import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertWithin, type IsoDate } from '../shared/dates.js';
import type { ProjectFacts } from '../project/project.decider.js';
import type { ReasonCategory } from '../shared/reason.js';

export const GENDERS = ['woman', 'man', 'another', 'not-stated'] as const;
export type Gender = (typeof GENDERS)[number];

export const PARTICIPANT_ROLES = ['creative', 'company-representative', 'public-sector', 'researcher', 'student', 'other'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/**
 * A person's name, e-mail and phone, encrypted with that person's own key (AES-256-GCM). The key lives
 * outside the event log; destroying it erases the person while every statistical field stays countable.
 */
export interface SealedPersonalData {
  keyId: string;
  algorithm: 'AES-256-GCM';
  iv: string;
  ciphertext: string;
  tag: string;
}

export interface PersonalData {
  name: string;
  email?: string;
  phone?: string;
}

/** The statistical fields: plain, because the funders' indicators count them. */
export interface ParticipantProfile {
  gender: Gender;
  birthYear?: number;
  organisationId?: string;
  role: ParticipantRole;
  registeredOn: IsoDate;
}

export type ParticipantChanges = Partial<ParticipantProfile> & { person?: SealedPersonalData };

/**
 * Why a participant's record changed: a category anyone reading the log may see, and the caller's own words
 * sealed with the person's key, since people write names and addresses there; erasure shreds them with the
 * rest. No sealed text when the person has no key any more (erased). Events recorded before reasons were
 * sealed carry a plaintext `reason` and no category.
 */
export interface PersonReason {
  reasonCategory: ReasonCategory;
  sealedReason?: SealedPersonalData;
}
type RecordedPersonReason = Partial<PersonReason> & { /** Before reasons were sealed. */ reason?: string };

export type ParticipantEvent =
  | DomainEvent<
      'ParticipantRegistered',
      { participantId: string; projectId: string; person: SealedPersonalData } & ParticipantProfile
    >
  | DomainEvent<'ParticipantCorrected', { participantId: string; changes: ParticipantChanges } & RecordedPersonReason>
  | DomainEvent<'ParticipantErased', { participantId: string } & RecordedPersonReason>;

export type ParticipantCommand =
  | {
      type: 'RegisterParticipant';
      data: { participantId: string; projectId: string; person: SealedPersonalData } & ParticipantProfile;
      project: ProjectFacts;
      today: IsoDate;
    }
  | {
      type: 'CorrectParticipant';
      data: { participantId: string; changes: ParticipantChanges } & PersonReason;
      project: ProjectFacts;
      today: IsoDate;
    }
  | { type: 'EraseParticipant'; data: { participantId: string } & PersonReason };

export type ParticipantState =
  | { status: 'none' }
  | ({
      status: 'registered';
      participantId: string;
      projectId: string;
      person: SealedPersonalData;
      erased: boolean;
    } & ParticipantProfile);

export type ParticipantFacts = Pick<Extract<ParticipantState, { status: 'registered' }>, 'participantId' | 'projectId' | 'role'>;

function assertRegistrationDate(date: IsoDate, project: ProjectFacts, today: IsoDate): void {
  assertWithin(date, project, 'The registration date');
  assertNotFuture(date, today, 'The registration date');
}

/** A reason about a person is theirs to shred: sealed with their key, and none once they are erased. */
function assertOwnKey(reason: PersonReason, state: Extract<ParticipantState, { status: 'registered' }>): void {
  if (!reason.sealedReason) return;
  if (state.erased) throw new RuleViolation('The participant has been erased: a reason about them can no longer be recorded');
  if (reason.sealedReason.keyId !== state.person.keyId) {
    throw new RuleViolation("A reason about a participant must be sealed with that participant's key");
  }
}

export const participantDecider: Decider<ParticipantState, ParticipantCommand, ParticipantEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterParticipant': {
        if (state.status !== 'none') throw new AlreadyExists('Participant', command.data.participantId);
        assertRegistrationDate(command.data.registeredOn, command.project, command.today);
        return [{ type: 'ParticipantRegistered', data: command.data }];
      }
      case 'CorrectParticipant': {
        const { participantId, changes, ...reason } = command.data;
        if (state.status === 'none') throw new NotFound('Participant', participantId);
        if (changes.person && state.erased) {
          throw new RuleViolation('The participant has been erased: their personal data can no longer be corrected');
        }
        assertOwnKey(reason, state);
        if (changes.registeredOn) assertRegistrationDate(changes.registeredOn, command.project, command.today);
        const effective = Object.fromEntries(
          Object.entries(changes).filter(([field, value]) => field === 'person' || state[field as keyof ParticipantProfile] !== value),
        ) as ParticipantChanges;
        if (Object.keys(effective).length === 0) {
          throw new RuleViolation('The correction changes nothing: every field already has that value');
        }
        return [{ type: 'ParticipantCorrected', data: { participantId, changes: effective, ...reason } }];
      }
      case 'EraseParticipant': {
        const { participantId } = command.data;
        if (state.status === 'none') throw new NotFound('Participant', participantId);
        if (state.erased) throw new RuleViolation('The participant has already been erased');
        assertOwnKey(command.data, state);
        return [{ type: 'ParticipantErased', data: command.data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ParticipantRegistered':
        return { status: 'registered', erased: false, ...event.data };
      case 'ParticipantCorrected':
        return state.status === 'registered' ? { ...state, ...event.data.changes } : state;
      case 'ParticipantErased':
        return state.status === 'registered' ? { ...state, erased: true } : state;
      default:
        return assertNever(event);
    }
  },
};
