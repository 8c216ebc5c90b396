import { Injectable } from '@nestjs/common';
import { streamName } from '@app/event-store';
import { organisationDecider } from '../organisation/organisation.decider.js';
import { projectDecider } from '../project/project.decider.js';
import { AggregateStore } from '../shared/aggregate-store.js';
import type { IsoDate } from '../shared/dates.js';
import { NotFound, RuleViolation } from '../shared/domain-errors.js';
import { supportDecider, type Aid } from '../support/support.decider.js';
import { deMinimisStatus, type DeMinimisStatus } from './de-minimis-ledger.decider.js';
import { DeMinimisLedger } from './de-minimis.ledger.js';

export interface NamedOrganisation {
  organisationId: string;
  name: string;
  organisationNumber?: string;
  country: string;
}

export interface DeMinimisCertificate {
  supportId: string;
  enterprise: NamedOrganisation;
  grantor: { projectId: string; projectName: string; programme: string };
  aid: Aid;
  supportKind: string;
  /** The enterprise's single undertaking on the grant date, what it had in the window including this grant, and the ceiling. */
  status: Omit<DeMinimisStatus, 'singleUndertaking'> & { singleUndertaking: NamedOrganisation[] };
}

/**
 * What the ceiling rule sees, for people: an enterprise's de minimis status on a date, and the certificate of one
 * grant. Read from the ledger stream itself through the same computation the rule uses, so what a reader is shown
 * is exactly what a grant on that date would be decided on.
 */
@Injectable()
export class DeMinimisReader {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly ledger: DeMinimisLedger,
  ) {}

  /** The ceiling in force, as the ledger decides with it. */
  get ceilingEur(): number {
    return this.ledger.ceilingEur;
  }

  async status(organisationId: string, on: IsoDate) {
    await this.organisation(organisationId);
    const status = deMinimisStatus(await this.ledger.state(), organisationId, on, this.ledger.ceilingEur);
    return { ...status, singleUndertaking: await Promise.all(status.singleUndertaking.map((id) => this.organisation(id))) };
  }

  async certificate(supportId: string): Promise<DeMinimisCertificate> {
    const { state: support } = await this.aggregates.load(supportDecider, streamName('support', supportId));
    if (support.status === 'none') throw new NotFound('Support', supportId);
    if (support.aid?.basis !== 'de-minimis') {
      throw new RuleViolation(
        support.aid
          ? `Support ${supportId} was granted under basis ${support.aid.basis}, not as de minimis aid: there is no de minimis certificate for it`
          : `Support ${supportId} was recorded without its aid (aid not recorded): there is no de minimis certificate for it`,
      );
    }
    const { state: project } = await this.aggregates.load(projectDecider, streamName('project', support.projectId));
    if (project.status === 'none') throw new NotFound('Project', support.projectId);
    const status = await this.status(support.organisationId, support.aid.grantedOn);
    return {
      supportId,
      enterprise: await this.organisation(support.organisationId),
      grantor: { projectId: project.projectId, projectName: project.name, programme: project.programme },
      aid: support.aid,
      supportKind: support.kind,
      status,
    };
  }

  private async organisation(organisationId: string): Promise<NamedOrganisation> {
    const { state } = await this.aggregates.load(organisationDecider, streamName('organisation', organisationId));
    if (state.status === 'none') throw new NotFound('Organisation', organisationId);
    const { name, organisationNumber, country } = state;
    return { organisationId, name, country, ...(organisationNumber ? { organisationNumber } : {}) };
  }
}
