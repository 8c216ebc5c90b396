import { Injectable } from '@nestjs/common';
import { streamName } from '@app/event-store';
import { activityDecider, type ActivityFacts } from '../activity/activity.decider.js';
import { organisationDecider, type OrganisationFacts } from '../organisation/organisation.decider.js';
import { participantDecider, type ParticipantFacts } from '../participant/participant.decider.js';
import { pilotCaseDecider, type PilotCaseFacts } from '../pilot-case/pilot-case.decider.js';
import { projectDecider, type ProjectFacts } from '../project/project.decider.js';
import { AggregateStore } from './aggregate-store.js';
import { NotFound } from './domain-errors.js';

/**
 * Loads what one entity's rules need to know about another (the project's period, whether an organisation
 * is an enterprise, ...). A referenced id that does not exist is a NotFound, answered 404.
 */
@Injectable()
export class FactsReader {
  constructor(private readonly aggregates: AggregateStore) {}

  async project(projectId: string): Promise<ProjectFacts> {
    const { state } = await this.aggregates.load(projectDecider, streamName('project', projectId));
    if (state.status === 'none') throw new NotFound('Project', projectId);
    return { projectId, startDate: state.startDate, endDate: state.endDate, countries: state.countries, followUpMonths: state.followUpMonths };
  }

  async organisation(organisationId: string): Promise<OrganisationFacts> {
    const { state } = await this.aggregates.load(organisationDecider, streamName('organisation', organisationId));
    if (state.status === 'none') throw new NotFound('Organisation', organisationId);
    const { type, sizeClass, country, name } = state;
    return { organisationId, type, sizeClass, country, name };
  }

  async participant(participantId: string): Promise<ParticipantFacts> {
    const { state } = await this.aggregates.load(participantDecider, streamName('participant', participantId));
    if (state.status === 'none') throw new NotFound('Participant', participantId);
    return { participantId, projectId: state.projectId, role: state.role };
  }

  async activity(activityId: string): Promise<ActivityFacts> {
    const { state } = await this.aggregates.load(activityDecider, streamName('activity', activityId));
    if (state.status === 'none') throw new NotFound('Activity', activityId);
    return { activityId, projectId: state.projectId, kind: state.kind, status: state.status };
  }

  async pilotCase(pilotCaseId: string): Promise<PilotCaseFacts> {
    const { state } = await this.aggregates.load(pilotCaseDecider, streamName('pilotCase', pilotCaseId));
    if (state.status === 'none') throw new NotFound('Pilot case', pilotCaseId);
    return { pilotCaseId, projectId: state.projectId };
  }

  /** For optional references: loads only when the command names one. */
  async optional<T>(id: string | undefined, load: (id: string) => Promise<T>): Promise<T | undefined> {
    return id === undefined ? undefined : load(id);
  }
}
