import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { IsoDate } from '../shared/dates.js';
import type { ReasonInput } from '../shared/reason.js';
import type { Gender, ParticipantRole, PersonalData } from './participant.decider.js';

export interface RegisterParticipantInput {
  projectId: string;
  person: PersonalData;
  gender: Gender;
  birthYear?: number;
  organisationId?: string;
  role: ParticipantRole;
  /** Defaults to the day the command is handled. */
  registeredOn?: IsoDate;
}

export type CorrectParticipantInput = {
  person?: PersonalData;
  gender?: Gender;
  birthYear?: number;
  organisationId?: string;
  role?: ParticipantRole;
  registeredOn?: IsoDate;
} & ReasonInput;


export class RegisterParticipantCommand extends Command<CommandResult> {
  constructor(
    readonly participantId: string,
    readonly input: RegisterParticipantInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class CorrectParticipantCommand extends Command<CommandResult> {
  constructor(
    readonly participantId: string,
    readonly input: CorrectParticipantInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class EraseParticipantCommand extends Command<CommandResult> {
  constructor(
    readonly participantId: string,
    readonly input: ReasonInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
