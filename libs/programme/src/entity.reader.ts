import { Inject, Injectable } from '@nestjs/common';
import { streamName } from '@app/event-store';
import { activityDecider } from './activity/activity.decider.js';
import { organisationDecider } from './organisation/organisation.decider.js';
import { PERSONAL_DATA_VAULT } from './participant/participant.handlers.js';
import { participantDecider } from './participant/participant.decider.js';
import { PersonalDataVault } from './participant/personal-data.vault.js';
import { pilotCaseDecider } from './pilot-case/pilot-case.decider.js';
import { projectDecider } from './project/project.decider.js';
import { outcomeDecider } from './outcome/outcome.decider.js';
import { supportDecider } from './support/support.decider.js';
import { AggregateStore } from './shared/aggregate-store.js';
import type { Decider, DomainEvent } from './shared/decider.js';
import { NotFound } from './shared/domain-errors.js';

export interface EntityView<T> {
  revision: number;
  entity: T;
}

/** Single entities folded from their own streams: what `GET /api/<entity>/{id}` answers. */
@Injectable()
export class EntityReader {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  project(id: string) {
    return this.read(projectDecider, 'project', 'Project', id);
  }

  organisation(id: string) {
    return this.read(organisationDecider, 'organisation', 'Organisation', id);
  }

  activity(id: string) {
    return this.read(activityDecider, 'activity', 'Activity', id);
  }

  support(id: string) {
    return this.read(supportDecider, 'support', 'Support', id);
  }

  pilotCase(id: string) {
    return this.read(pilotCaseDecider, 'pilotCase', 'Pilot case', id);
  }

  outcome(id: string) {
    return this.read(outcomeDecider, 'outcome', 'Outcome', id);
  }

  /** Personal data is decrypted only here, on the way out; an erased person reads as erased. */
  async participant(id: string) {
    const { revision, entity } = await this.read(participantDecider, 'participant', 'Participant', id);
    const { person, erased, ...profile } = entity;
    if (erased) {
      // The erasure is recorded; if destroying the key failed back then, finish the job now.
      if (this.vault.hasKey(person.keyId)) this.vault.destroy(person.keyId);
      return { revision, entity: { ...profile, erased, person: null } };
    }
    return { revision, entity: { ...profile, erased, person: this.vault.unseal(person) ?? null } };
  }

  private async read<State extends { status: string }, Event extends DomainEvent>(
    decider: Decider<State, never, Event>,
    category: string,
    entity: string,
    id: string,
  ): Promise<EntityView<Exclude<State, { status: 'none' }>>> {
    const { state, revision } = await this.aggregates.load(decider, streamName(category, id));
    if (state.status === 'none' || revision === undefined) throw new NotFound(entity, id);
    return { revision, entity: state as Exclude<State, { status: 'none' }> };
  }
}
