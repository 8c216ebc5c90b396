import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamName } from '@app/event-store';
import { AggregateStore } from '../shared/aggregate-store.js';
import type { CommandResult } from '../shared/command-context.js';
import { isoDate } from '../shared/dates.js';
import { NotFound } from '../shared/domain-errors.js';
import { FactsReader } from '../shared/facts.reader.js';
import { DEFAULT_REASON_CATEGORY, type ReasonInput } from '../shared/reason.js';
import { CorrectParticipantCommand, EraseParticipantCommand, RegisterParticipantCommand } from './participant.commands.js';
import { participantDecider, type ParticipantChanges, type PersonalData, type PersonReason, type SealedPersonalData } from './participant.decider.js';
import { PersonalDataVault } from './personal-data.vault.js';

export const PERSONAL_DATA_VAULT = Symbol.for('programme-ledger.PersonalDataVault');

/**
 * Seals personal data before the command is decided, so plaintext never reaches the event log. A key made
 * for a command that is then refused is destroyed again: a refusal leaves nothing behind.
 */
async function withSealed(
  vault: PersonalDataVault,
  aggregates: AggregateStore,
  participantId: string,
  person: PersonalData | undefined,
  run: (sealed: SealedPersonalData | undefined) => Promise<CommandResult>,
): Promise<CommandResult> {
  if (!person) return run(undefined);
  const { sealed, createdKey } = await vault.seal(participantId, person);
  try {
    return await run(sealed);
  } catch (error) {
    // A concurrent registration of the same id may have won with this key: keep it while a live record uses it.
    const { state } = await aggregates.load(participantDecider, streamName('participant', participantId));
    if (createdKey && (state.status === 'none' || state.erased)) vault.destroy(participantId);
    throw error;
  }
}

/**
 * The reason as the event keeps it: the category in plain, the words sealed with the person's key (never
 * logged, never in metadata). A person without a key (erased) keeps only the category.
 */
function sealedReason(vault: PersonalDataVault, participantId: string, { reason, reasonCategory }: ReasonInput): PersonReason {
  const sealed = vault.sealText(participantId, reason);
  return { reasonCategory: reasonCategory ?? DEFAULT_REASON_CATEGORY, ...(sealed ? { sealedReason: sealed } : {}) };
}

@CommandHandler(RegisterParticipantCommand)
export class RegisterParticipantHandler implements ICommandHandler<RegisterParticipantCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  execute({ participantId, input, context }: RegisterParticipantCommand) {
    const { person, registeredOn, ...profile } = input;
    return withSealed(this.vault, this.aggregates, participantId, person, (sealed) =>
      this.aggregates.handle(
        participantDecider,
        { category: 'participant', id: participantId },
        'RegisterParticipant',
        context,
        async () => {
          await this.facts.optional(profile.organisationId, (id) => this.facts.organisation(id));
          return {
            type: 'RegisterParticipant' as const,
            data: { participantId, ...profile, person: sealed!, registeredOn: registeredOn ?? isoDate(context.now) },
            project: await this.facts.project(profile.projectId),
            today: isoDate(context.now),
          };
        },
      ),
    );
  }
}

@CommandHandler(CorrectParticipantCommand)
export class CorrectParticipantHandler implements ICommandHandler<CorrectParticipantCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  execute({ participantId, input, context }: CorrectParticipantCommand) {
    const { person, reason, reasonCategory, ...profileChanges } = input;
    return withSealed(this.vault, this.aggregates, participantId, person, (sealed) =>
      this.aggregates.handle(
        participantDecider,
        { category: 'participant', id: participantId },
        'CorrectParticipant',
        context,
        async (state) => {
          if (state.status === 'none') throw new NotFound('Participant', participantId);
          await this.facts.optional(profileChanges.organisationId, (id) => this.facts.organisation(id));
          const changes: ParticipantChanges = { ...profileChanges, ...(sealed ? { person: sealed } : {}) };
          return {
            type: 'CorrectParticipant' as const,
            data: { participantId, changes, ...sealedReason(this.vault, participantId, { reason, reasonCategory }) },
            project: await this.facts.project(state.projectId),
            today: isoDate(context.now),
          };
        },
      ),
    );
  }
}

@CommandHandler(EraseParticipantCommand)
export class EraseParticipantHandler implements ICommandHandler<EraseParticipantCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ participantId, input, context }: EraseParticipantCommand) {
    const result = await this.aggregates.handle(
      participantDecider,
      { category: 'participant', id: participantId },
      'EraseParticipant',
      context,
      () => ({ type: 'EraseParticipant' as const, data: { participantId, ...sealedReason(this.vault, participantId, input) } }),
    );
    // The erasure is on the record first; should destroying the key fail, reading the person retries it.
    this.vault.destroy(participantId);
    return result;
  }
}

export const participantHandlers = [RegisterParticipantHandler, CorrectParticipantHandler, EraseParticipantHandler];
