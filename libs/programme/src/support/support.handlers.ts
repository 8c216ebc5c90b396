import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamName } from '@app/event-store';
import { AggregateStore } from '../shared/aggregate-store.js';
import { isoDate } from '../shared/dates.js';
import { FactsReader } from '../shared/facts.reader.js';
import { DeMinimisLedger } from '../state-aid/de-minimis.ledger.js';
import { RecordEnterpriseSupportCommand } from './support.commands.js';
import { supportDecider } from './support.decider.js';

@CommandHandler(RecordEnterpriseSupportCommand)
export class RecordEnterpriseSupportHandler implements ICommandHandler<RecordEnterpriseSupportCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
    private readonly ledger: DeMinimisLedger,
  ) {}

  async execute({ supportId, input, context }: RecordEnterpriseSupportCommand) {
    const target = { category: 'support', id: supportId };
    const command = async () => ({
      type: 'RecordEnterpriseSupport' as const,
      data: { supportId, ...input },
      project: await this.facts.project(input.projectId),
      organisation: await this.facts.organisation(input.organisationId),
      activity: await this.facts.optional(input.activityId, (id) => this.facts.activity(id)),
      today: isoDate(context.now),
    });
    const { state } = await this.aggregates.load(supportDecider, streamName(target.category, target.id));
    // Support already recorded is for `handle` to answer: the first outcome of a retry, or a 409.
    if (input.aid?.basis === 'de-minimis' && state.status === 'none') {
      // The support is decided first (a refusal for any other reason takes nothing from the ceiling), then the
      // grant is decided on the ledger, then the support is recorded. A crash between the last two leaves the grant
      // counted; the same request again (same id or Idempotency-Key) completes it without counting it twice.
      const built = await command();
      const [recorded] = supportDecider.decide(built, state);
      const aid = recorded.data.aid!;
      await this.ledger.grant(
        { supportId, projectId: input.projectId, organisationId: input.organisationId, grantedOn: aid.grantedOn, amountEur: aid.amountEur },
        built.organisation.name,
        context,
      );
    }
    return this.aggregates.handle(supportDecider, target, 'RecordEnterpriseSupport', context, command);
  }
}

export const supportHandlers = [RecordEnterpriseSupportHandler];
