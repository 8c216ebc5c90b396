import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult, ReasonCategory } from '@app/programme';
import type { Role } from './access-token.decider.js';

export interface GrantAccessInput {
  name: string;
  role: Role;
  projectIds?: string[];
  expiresAt?: string;
}

/** Answers the new token: the only time it is ever shown. */
export class GrantAccessCommand extends Command<CommandResult & { token: string }> {
  constructor(
    readonly input: GrantAccessInput,
    readonly context: CommandContext,
    /** The token to grant; a new random one when absent (the first admin's may come from LEDGER_ADMIN_TOKEN). */
    readonly token?: string,
  ) {
    super();
  }
}

export class RevokeAccessCommand extends Command<CommandResult> {
  constructor(
    readonly tokenId: string,
    readonly reason: string | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export interface EraseAccessHolderInput {
  reasonCategory?: ReasonCategory;
  /** About the holder: sealed with the grant's key, so it is shredded with the name at once. */
  reason?: string;
}

/** Erases who held a token (destroys the key of its sealed name); the grant stays for the audit. */
export class EraseAccessHolderCommand extends Command<CommandResult> {
  constructor(
    readonly tokenId: string,
    readonly input: EraseAccessHolderInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
