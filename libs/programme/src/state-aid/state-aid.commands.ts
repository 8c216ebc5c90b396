import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { IsoDate } from '../shared/dates.js';
import type { DeclaredGrantInput } from './de-minimis-ledger.decider.js';
import type { LinkRelation } from './de-minimis.rules.js';

export interface LinkInput {
  /** The other enterprise. */
  organisationId: string;
  relation: LinkRelation;
  from: IsoDate;
  to?: IsoDate;
  reason: string;
}

export class LinkEnterprisesCommand extends Command<CommandResult> {
  constructor(
    readonly linkId: string,
    readonly organisationId: string,
    readonly input: LinkInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class DeclareDeMinimisAidCommand extends Command<CommandResult> {
  constructor(
    readonly declarationId: string,
    readonly organisationId: string,
    readonly input: { declaredOn: IsoDate; grants: DeclaredGrantInput[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}
