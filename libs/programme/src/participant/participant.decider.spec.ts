import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { ProjectFacts } from '../project/project.decider.js';
import {
  participantDecider,
  type ParticipantChanges,
  type ParticipantCommand,
  type ParticipantEvent,
  type ParticipantProfile,
  type PersonReason,
  type SealedPersonalData,
} from './participant.decider.js';

const spec = deciderSpec(participantDecider);

const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const today = '2024-03-15';
const participantId = 'p-0001';

const sealed = (ciphertext: string): SealedPersonalData => ({
  keyId: 'key-p-0001',
  algorithm: 'AES-256-GCM',
  iv: 'bXlJdjEyMzQ1Njc4',
  ciphertext,
  tag: 'dGFnMTIzNDU2Nzg5MDEyMzQ1Ng==',
});
/** A ceramicist from Karlshamn who joined the first Challenge as a creative. */
const profile: ParticipantProfile = {
  gender: 'woman',
  birthYear: 1988,
  organisationId: 'org-keramikverkstan',
  role: 'creative',
  registeredOn: '2023-10-02',
};

const registered = (overrides: Partial<ParticipantProfile> = {}): ParticipantEvent => ({
  type: 'ParticipantRegistered',
  data: { participantId, projectId: 'cis', person: sealed('QW5uYSBMaW5kYmVyZw=='), ...profile, ...overrides },
});
const register = (overrides: Partial<ParticipantProfile> = {}, on = today): ParticipantCommand => ({
  type: 'RegisterParticipant',
  data: { participantId, projectId: 'cis', person: sealed('QW5uYSBMaW5kYmVyZw=='), ...profile, ...overrides },
  project,
  today: on,
});
/** The corrector's words, sealed with the participant's key by the handler before deciding. */
const words = (ciphertext = 'VHlwbyBpbiB0aGUgZm9ybQ=='): PersonReason => ({ reasonCategory: 'data-entry-error', sealedReason: sealed(ciphertext) });
const correct = (changes: ParticipantChanges, reason: PersonReason = words(), on = today): ParticipantCommand => ({
  type: 'CorrectParticipant',
  data: { participantId, changes, ...reason },
  project,
  today: on,
});
const corrected = (changes: ParticipantChanges, reason: PersonReason = words()): ParticipantEvent => ({
  type: 'ParticipantCorrected',
  data: { participantId, changes, ...reason },
});
const request = (): PersonReason => ({ reasonCategory: 'data-subject-request', sealedReason: sealed('R0RQUiBhcnRpY2xlIDE3') });
const erase = (reason: PersonReason = request()): ParticipantCommand => ({
  type: 'EraseParticipant',
  data: { participantId, ...reason },
});
const erased = (reason: PersonReason = request()): ParticipantEvent => ({
  type: 'ParticipantErased',
  data: { participantId, ...reason },
});

describe('participant decider', () => {
  describe('RegisterParticipant', () => {
    it('registers a participant with sealed personal data and plain statistical fields', () => {
      spec
        .given([])
        .when(register())
        .then([
          {
            type: 'ParticipantRegistered',
            data: {
              participantId: 'p-0001',
              projectId: 'cis',
              person: {
                keyId: 'key-p-0001',
                algorithm: 'AES-256-GCM',
                iv: 'bXlJdjEyMzQ1Njc4',
                ciphertext: 'QW5uYSBMaW5kYmVyZw==',
                tag: 'dGFnMTIzNDU2Nzg5MDEyMzQ1Ng==',
              },
              gender: 'woman',
              birthYear: 1988,
              organisationId: 'org-keramikverkstan',
              role: 'creative',
              registeredOn: '2023-10-02',
            },
          },
        ]);
    });

    it('accepts registration on the first day of the project and on today', () => {
      spec.given([]).when(register({ registeredOn: '2023-01-01' })).then([registered({ registeredOn: '2023-01-01' })]);
      spec.given([]).when(register({ registeredOn: today })).then([registered({ registeredOn: today })]);
    });

    it('accepts registration on the last day of the project', () => {
      spec
        .given([])
        .when(register({ registeredOn: '2026-12-31' }, '2027-01-15'))
        .then([registered({ registeredOn: '2026-12-31' })]);
    });

    it('refuses a registration date before the project started', () => {
      spec
        .given([])
        .when(register({ registeredOn: '2022-12-31' }))
        .thenThrows(RuleViolation, "The registration date 2022-12-31 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a registration date after the project ended', () => {
      spec
        .given([])
        .when(register({ registeredOn: '2027-01-01' }, '2027-02-01'))
        .thenThrows(RuleViolation, "The registration date 2027-01-01 lies outside the project's period");
    });

    it('refuses a registration date in the future', () => {
      spec
        .given([])
        .when(register({ registeredOn: '2024-03-16' }))
        .thenThrows(RuleViolation, 'The registration date 2024-03-16 is in the future (today is 2024-03-15)');
    });

    it('states the refused date to its sender, and its rule apart without it (what an import may log)', () => {
      const refusal = (command: ParticipantCommand) => {
        try {
          participantDecider.decide(command, participantDecider.initialState());
        } catch (error) {
          return error as RuleViolation & { rule?: string };
        }
        throw new Error('not refused');
      };
      const outside = refusal(register({ registeredOn: '2022-12-31' }));
      expect(outside.message).toContain('2022-12-31');
      expect(outside.rule).toBe("The registration date lies outside the project's period (2023-01-01 to 2026-12-31)");
      const future = refusal(register({ registeredOn: '2024-03-16' }));
      expect(future.message).toContain('2024-03-16');
      expect(future.rule).toBe('The registration date is in the future (today is 2024-03-15)');
    });

    it('registers a participant only once', () => {
      spec.given([registered()]).when(register()).thenThrows(AlreadyExists, 'Participant p-0001 already exists');
    });
  });

  describe('CorrectParticipant', () => {
    it('records only the fields that actually change', () => {
      spec
        .given([registered()])
        .when(correct({ gender: 'woman', birthYear: 1989, role: 'creative' }))
        .then([
          {
            type: 'ParticipantCorrected',
            data: { participantId: 'p-0001', changes: { birthYear: 1989 }, reasonCategory: 'data-entry-error', sealedReason: sealed('VHlwbyBpbiB0aGUgZm9ybQ==') },
          },
        ]);
    });

    it('corrects the registration date within the project period', () => {
      spec
        .given([registered()])
        .when(correct({ registeredOn: '2023-10-09' }, words('UmVnaXN0ZXJlZCBhdCBraWNrLW9mZg==')))
        .then([corrected({ registeredOn: '2023-10-09' }, words('UmVnaXN0ZXJlZCBhdCBraWNrLW9mZg=='))]);
    });

    it('always records a new sealed person, since ciphertexts cannot be compared', () => {
      spec
        .given([registered()])
        .when(correct({ person: sealed('QW5uYSBMaW5kYmVyZy1Ib2xt') }, words('Q2hhbmdlZCBzdXJuYW1l')))
        .then([corrected({ person: sealed('QW5uYSBMaW5kYmVyZy1Ib2xt') }, words('Q2hhbmdlZCBzdXJuYW1l'))]);
    });

    it('refuses to correct a participant that does not exist', () => {
      spec.given([]).when(correct({ birthYear: 1989 })).thenThrows(NotFound, 'Participant p-0001 does not exist');
    });

    it('refuses a correction that changes nothing', () => {
      spec
        .given([registered()])
        .when(correct({ gender: 'woman', birthYear: 1988 }))
        .thenThrows(RuleViolation, 'The correction changes nothing: every field already has that value');
    });

    it('refuses an empty correction', () => {
      spec.given([registered()]).when(correct({})).thenThrows(RuleViolation, 'The correction changes nothing');
    });

    it('refuses to move the registration date before the project started', () => {
      spec
        .given([registered()])
        .when(correct({ registeredOn: '2022-11-30' }))
        .thenThrows(RuleViolation, "The registration date 2022-11-30 lies outside the project's period");
    });

    it('refuses to move the registration date after the project ended', () => {
      spec
        .given([registered()])
        .when(correct({ registeredOn: '2027-01-10' }, words(), '2027-02-01'))
        .thenThrows(RuleViolation, "The registration date 2027-01-10 lies outside the project's period");
    });

    it('refuses to move the registration date into the future', () => {
      spec
        .given([registered()])
        .when(correct({ registeredOn: '2024-04-01' }))
        .thenThrows(RuleViolation, 'The registration date 2024-04-01 is in the future (today is 2024-03-15)');
    });

    it('refuses to correct the personal data of an erased participant', () => {
      spec
        .given([registered(), erased()])
        .when(correct({ person: sealed('bmV3') }))
        .thenThrows(RuleViolation, 'The participant has been erased: their personal data can no longer be corrected');
    });

    it('still corrects the statistical fields of an erased participant, keeping only the category of why', () => {
      spec
        .given([registered(), erased()])
        .when(correct({ gender: 'not-stated' }, { reasonCategory: 'data-entry-error' }))
        .then([corrected({ gender: 'not-stated' }, { reasonCategory: 'data-entry-error' })]);
    });

    it('refuses words about an erased participant: they would outlive the erasure', () => {
      spec
        .given([registered(), erased()])
        .when(correct({ gender: 'not-stated' }))
        .thenThrows(RuleViolation, 'The participant has been erased: a reason about them can no longer be recorded');
    });

    it("refuses a reason sealed with another person's key", () => {
      spec
        .given([registered()])
        .when(correct({ birthYear: 1989 }, { reasonCategory: 'other', sealedReason: { ...sealed('b3RoZXI='), keyId: 'key-p-0002' } }))
        .thenThrows(RuleViolation, "A reason about a participant must be sealed with that participant's key");
    });
  });

  describe('EraseParticipant', () => {
    it('erases a participant, with the category of why and the words sealed with their key (shredded with it)', () => {
      spec
        .given([registered()])
        .when(erase())
        .then([
          {
            type: 'ParticipantErased',
            data: { participantId: 'p-0001', reasonCategory: 'data-subject-request', sealedReason: sealed('R0RQUiBhcnRpY2xlIDE3') },
          },
        ]);
    });

    it("refuses an erasure whose reason is sealed with another person's key", () => {
      spec
        .given([registered()])
        .when(erase({ reasonCategory: 'duplicate', sealedReason: { ...sealed('ZHVw'), keyId: 'key-p-0002' } }))
        .thenThrows(RuleViolation, "must be sealed with that participant's key");
    });

    it('reads an erasure and a correction recorded before reasons were sealed', () => {
      spec
        .given([
          registered(),
          { type: 'ParticipantCorrected', data: { participantId, changes: { birthYear: 1989 }, reason: 'Typo' } },
          { type: 'ParticipantErased', data: { participantId, reason: 'GDPR art. 17' } },
        ])
        .when(erase())
        .thenThrows(RuleViolation, 'The participant has already been erased');
    });

    it('erases a participant whose data was corrected before', () => {
      spec.given([registered(), corrected({ birthYear: 1989 })]).when(erase()).then([erased()]);
    });

    it('refuses to erase a participant twice', () => {
      spec.given([registered(), erased()]).when(erase()).thenThrows(RuleViolation, 'The participant has already been erased');
    });

    it('refuses to erase a participant that does not exist', () => {
      spec.given([]).when(erase()).thenThrows(NotFound, 'Participant p-0001 does not exist');
    });
  });

  describe('evolve: later decisions see corrections and erasure', () => {
    it('a corrected value counts as the current value', () => {
      spec
        .given([registered(), corrected({ birthYear: 1989, role: 'company-representative' })])
        .when(correct({ birthYear: 1989, role: 'company-representative' }))
        .thenThrows(RuleViolation, 'The correction changes nothing');
    });

    it('correcting back to the original value is a change', () => {
      spec
        .given([registered(), corrected({ birthYear: 1989 })])
        .when(correct({ birthYear: 1988 }))
        .then([corrected({ birthYear: 1988 })]);
    });

    it('a corrected registration date is the one later corrections compare with', () => {
      spec
        .given([registered(), corrected({ registeredOn: '2023-10-09' })])
        .when(correct({ registeredOn: '2023-10-09', gender: 'woman' }))
        .thenThrows(RuleViolation, 'The correction changes nothing');
    });

    it('erasure after corrections still blocks personal data', () => {
      spec
        .given([registered(), corrected({ person: sealed('bmV3') }), corrected({ birthYear: 1990 }), erased()])
        .when(correct({ person: sealed('bmV3ZXI=') }))
        .thenThrows(RuleViolation, 'has been erased');
    });
  });
});
