import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, RuleViolation } from '../shared/domain-errors.js';
import { assertNotFuture, assertWithin, type IsoDate } from '../shared/dates.js';
import type { ActivityFacts } from '../activity/activity.decider.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';

export const SUPPORT_KINDS = ['grant', 'voucher', 'non-financial'] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

export interface SupportDetails {
  projectId: string;
  organisationId: string;
  kind: SupportKind;
  date: IsoDate;
  amountEur?: number;
  hours?: number;
  activityId?: string;
}

export type SupportEvent = DomainEvent<'EnterpriseSupportRecorded', { supportId: string } & SupportDetails>;

export type SupportCommand = {
  type: 'RecordEnterpriseSupport';
  data: { supportId: string } & SupportDetails;
  project: ProjectFacts;
  organisation: OrganisationFacts;
  activity?: ActivityFacts;
  today: IsoDate;
};

export type SupportState = { status: 'none' } | ({ status: 'recorded'; supportId: string } & SupportDetails);

export const supportDecider: Decider<SupportState, SupportCommand, SupportEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordEnterpriseSupport': {
        const { data, organisation, activity } = command;
        if (state.status !== 'none') throw new AlreadyExists('Support', data.supportId);
        if (organisation.type !== 'enterprise') {
          throw new RuleViolation(`${organisation.name} is a ${organisation.type}, not an enterprise: enterprise support goes to enterprises`);
        }
        if ((data.kind === 'grant' || data.kind === 'voucher') && !(data.amountEur! > 0)) {
          throw new RuleViolation(`A ${data.kind} needs amountEur, the amount in euro`);
        }
        if (activity && activity.projectId !== data.projectId) {
          throw new RuleViolation(`Activity ${activity.activityId} belongs to another project`);
        }
        assertWithin(data.date, command.project, 'The support date');
        assertNotFuture(data.date, command.today, 'The support date');
        return [{ type: 'EnterpriseSupportRecorded', data }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(_, event) {
    switch (event.type) {
      case 'EnterpriseSupportRecorded':
        return { status: 'recorded', ...event.data };
      default:
        return assertNever(event.type);
    }
  },
};
