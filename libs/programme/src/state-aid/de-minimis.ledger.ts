import { Inject, Injectable } from '@nestjs/common';
import { streamName } from '@app/event-store';
import { AggregateStore } from '../shared/aggregate-store.js';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { deMinimisLedgerDecider, type DeMinimisLedgerCommand, type DeMinimisLedgerState, type LedgerGrant } from './de-minimis-ledger.decider.js';

export const DE_MINIMIS_CEILING_EUR = Symbol.for('programme-ledger.DeMinimisCeilingEur');

/** The one stream of the de minimis ledger (see {@link deMinimisLedgerDecider} for why one). */
export const DE_MINIMIS_LEDGER = { category: 'deMinimis', id: 'ledger' } as const;

/** Thrown while building a grant that the ledger already holds: a retry of a request that got that far. */
class AlreadyInLedger extends Error {}

/** Writes to and reads the de minimis ledger; every write is decided on the whole ledger at its exact revision. */
@Injectable()
export class DeMinimisLedger {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(DE_MINIMIS_CEILING_EUR) readonly ceilingEur: number,
  ) {}

  async state(): Promise<DeMinimisLedgerState> {
    return (await this.aggregates.load(deMinimisLedgerDecider, streamName(DE_MINIMIS_LEDGER.category, DE_MINIMIS_LEDGER.id))).state;
  }

  decide(commandName: string, context: CommandContext, command: (state: DeMinimisLedgerState) => Promise<DeMinimisLedgerCommand>): Promise<CommandResult> {
    // If-Match speaks of the entity the route names, never of the ledger every enterprise shares.
    return this.aggregates.handle(deMinimisLedgerDecider, DE_MINIMIS_LEDGER, commandName, { ...context, ifMatch: undefined }, command);
  }

  /**
   * Records a de minimis grant against the ceiling, or refuses it (RuleViolation, 422). A grant the ledger already
   * holds for this support (its request was interrupted after this step) is not granted twice.
   */
  async grant(grant: LedgerGrant, organisationName: string, context: CommandContext): Promise<void> {
    try {
      await this.decide('GrantDeMinimisAid', context, async (state) => {
        if (state.grants.some((recorded) => recorded.supportId === grant.supportId)) throw new AlreadyInLedger();
        return { type: 'GrantDeMinimisAid', data: grant, organisation: { organisationId: grant.organisationId, name: organisationName }, ceilingEur: this.ceilingEur };
      });
    } catch (error) {
      if (!(error instanceof AlreadyInLedger)) throw error;
    }
  }
}
