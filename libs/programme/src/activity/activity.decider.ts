import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { AlreadyExists, NotFound, RuleViolation, RuleViolationShowingValue } from '../shared/domain-errors.js';
import { assertNotFuture, assertOrdered, assertWithin, type IsoDate } from '../shared/dates.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import type { ParticipantFacts } from '../participant/participant.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { AttendanceSheet } from './attendance-sheet.js';

export const ACTIVITY_FORMATS = [
  'challenge',
  'pop-up-office',
  'co-creation',
  'lighthouse',
  'radical',
  'workshop',
  'training',
  'study-visit',
  'network-meeting',
  'public-event',
] as const;
export type ActivityFormat = (typeof ACTIVITY_FORMATS)[number];

/** Cross Innovation Lab: 4 companies in need and 16 creatives, unless the lab says otherwise. */
export const DEFAULT_LAB_CAPACITY = { companies: 4, creatives: 16 } as const;

export interface LabDetails {
  projectId: string;
  name: string;
  theme: string;
  startDate: IsoDate;
  endDate: IsoDate;
  capacity: { companies: number; creatives: number };
  /** Absent on labs opened before labs could be cross-border: those are not. */
  crossBorder?: boolean;
}

export interface ActivityDetails {
  projectId: string;
  format: ActivityFormat;
  name: string;
  startDate: IsoDate;
  endDate: IsoDate;
  crossBorder: boolean;
}

export type ActivityEvent =
  | DomainEvent<'LabOpened', { activityId: string } & LabDetails>
  | DomainEvent<'ActivityOpened', { activityId: string } & ActivityDetails>
  | DomainEvent<'CompanyAdmittedToLab', { activityId: string; organisationId: string; admittedOn: IsoDate }>
  | DomainEvent<'CreativeAdmittedToLab', { activityId: string; participantId: string; admittedOn: IsoDate }>
  | DomainEvent<'AttendanceRecorded', { activityId: string; participantId: string; date: IsoDate }>
  | DomainEvent<'ActivityClosed', { activityId: string; closedOn: IsoDate }>;

type WithProject<T> = T & { project: ProjectFacts; today: IsoDate };

export type ActivityCommand =
  | WithProject<{ type: 'OpenLab'; data: { activityId: string } & LabDetails }>
  | WithProject<{ type: 'OpenActivity'; data: { activityId: string } & ActivityDetails }>
  | WithProject<{
      type: 'AdmitCompanyToLab';
      data: { activityId: string; organisationId: string; admittedOn: IsoDate };
      organisation: OrganisationFacts;
    }>
  | WithProject<{
      type: 'AdmitCreativeToLab';
      data: { activityId: string; participantId: string; admittedOn: IsoDate };
      participant: ParticipantFacts;
    }>
  | WithProject<{
      type: 'RecordAttendance';
      data: { activityId: string; participantId: string; date: IsoDate };
      participant: ParticipantFacts;
    }>
  | WithProject<{ type: 'CloseActivity'; data: { activityId: string; closedOn: IsoDate } }>;

export type ActivityState =
  | { status: 'none' }
  | {
      status: 'open' | 'closed';
      activityId: string;
      projectId: string;
      kind: 'lab' | ActivityFormat;
      name: string;
      theme?: string;
      startDate: IsoDate;
      endDate: IsoDate;
      crossBorder: boolean;
      capacity?: { companies: number; creatives: number };
      companies: string[];
      creatives: string[];
      /** Grows by one per attendance in O(1): a series may gather tens of thousands. */
      attendance: AttendanceSheet;
      closedOn?: IsoDate;
    };

type Existing = Exclude<ActivityState, { status: 'none' }>;

export type ActivityFacts = Pick<Existing, 'activityId' | 'projectId' | 'kind' | 'status'>;

function assertDates(startDate: IsoDate, endDate: IsoDate, project: ProjectFacts, today: IsoDate, what: string): void {
  assertOrdered(startDate, endDate, what);
  assertWithin(startDate, project, `${what}'s start date`);
  assertWithin(endDate, project, `${what}'s end date`);
  assertNotFuture(startDate, today, `${what}'s start date`);
}

function existing(state: ActivityState, activityId: string): Existing {
  if (state.status === 'none') throw new NotFound('Activity', activityId);
  return state;
}

function openForRecording(state: ActivityState, activityId: string): Existing {
  const activity = existing(state, activityId);
  if (activity.status === 'closed') {
    throw new RuleViolation(`"${activity.name}" was closed on ${activity.closedOn}: nothing more can be admitted or recorded`);
  }
  return activity;
}

function openLab(state: ActivityState, activityId: string): Existing & { capacity: { companies: number; creatives: number } } {
  const activity = openForRecording(state, activityId);
  if (activity.kind !== 'lab' || !activity.capacity) {
    throw new RuleViolation(`"${activity.name}" is a ${activity.kind}, not a lab: only labs admit companies and creatives`);
  }
  return activity as Existing & { capacity: { companies: number; creatives: number } };
}

function assertOwnProject(activity: Existing, participant: ParticipantFacts): void {
  if (participant.projectId !== activity.projectId) {
    const rule = `belongs to another project than "${activity.name}": a participant takes part only in their own project`;
    throw new RuleViolationShowingValue(`Participant ${participant.participantId} ${rule}`, `The participant ${rule}`);
  }
}

function assertDuringActivity(date: IsoDate, activity: Existing, today: IsoDate, what: string): void {
  assertWithin(date, activity, what, `"${activity.name}" (its dates)`);
  assertNotFuture(date, today, what);
}

export const activityDecider: Decider<ActivityState, ActivityCommand, ActivityEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenLab': {
        const { data } = command;
        if (state.status !== 'none') throw new AlreadyExists('Activity', data.activityId);
        assertDates(data.startDate, data.endDate, command.project, command.today, 'The lab');
        if (data.crossBorder && command.project.countries.length < 2) {
          throw new RuleViolation('A cross-border lab needs a project with partners in at least two countries');
        }
        return [{ type: 'LabOpened', data }];
      }
      case 'OpenActivity': {
        const { data } = command;
        if (state.status !== 'none') throw new AlreadyExists('Activity', data.activityId);
        assertDates(data.startDate, data.endDate, command.project, command.today, 'The activity');
        if (data.crossBorder && command.project.countries.length < 2) {
          throw new RuleViolation('A cross-border activity needs a project with partners in at least two countries');
        }
        return [{ type: 'ActivityOpened', data }];
      }
      case 'AdmitCompanyToLab': {
        const { data, organisation } = command;
        const lab = openLab(state, data.activityId);
        if (organisation.type !== 'enterprise') {
          throw new RuleViolation(`${organisation.name} is a ${organisation.type}, not an enterprise: only enterprises are admitted as companies`);
        }
        if (lab.companies.includes(data.organisationId)) {
          throw new RuleViolation(`${organisation.name} is already admitted to "${lab.name}"`);
        }
        if (lab.companies.length >= lab.capacity.companies) {
          throw new RuleViolation(`"${lab.name}" is full: it admits ${lab.capacity.companies} companies`);
        }
        assertDuringActivity(data.admittedOn, lab, command.today, 'The admission date');
        return [{ type: 'CompanyAdmittedToLab', data }];
      }
      case 'AdmitCreativeToLab': {
        const { data, participant } = command;
        const lab = openLab(state, data.activityId);
        assertOwnProject(lab, participant);
        if (participant.role !== 'creative') {
          throw new RuleViolation(
            `Participant ${data.participantId} takes part as ${participant.role}: only creatives fill a lab's creative places`,
          );
        }
        if (lab.creatives.includes(data.participantId)) {
          throw new RuleViolation(`Participant ${data.participantId} is already admitted to "${lab.name}"`);
        }
        if (lab.creatives.length >= lab.capacity.creatives) {
          throw new RuleViolation(`"${lab.name}" is full: it admits ${lab.capacity.creatives} creatives`);
        }
        assertDuringActivity(data.admittedOn, lab, command.today, 'The admission date');
        return [{ type: 'CreativeAdmittedToLab', data }];
      }
      case 'RecordAttendance': {
        const { data, participant } = command;
        const activity = openForRecording(state, data.activityId);
        assertOwnProject(activity, participant);
        assertDuringActivity(data.date, activity, command.today, 'The attendance date');
        if (activity.attendance.has(data.participantId, data.date)) {
          throw new RuleViolationShowingValue(
            `Attendance of participant ${data.participantId} on ${data.date} is already recorded`,
            "The participant's attendance on that day is already recorded",
          );
        }
        return [{ type: 'AttendanceRecorded', data }];
      }
      case 'CloseActivity': {
        const { data } = command;
        const activity = openForRecording(state, data.activityId);
        if (data.closedOn < activity.startDate) {
          throw new RuleViolation(`"${activity.name}" cannot close on ${data.closedOn}, before it started (${activity.startDate})`);
        }
        assertNotFuture(data.closedOn, command.today, 'The closing date');
        return [{ type: 'ActivityClosed', data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'LabOpened': {
        const { activityId, projectId, name, theme, startDate, endDate, capacity, crossBorder } = event.data;
        return {
          status: 'open',
          activityId,
          projectId,
          kind: 'lab',
          name,
          theme,
          startDate,
          endDate,
          crossBorder: crossBorder ?? false,
          capacity,
          companies: [],
          creatives: [],
          attendance: AttendanceSheet.empty(),
        };
      }
      case 'ActivityOpened': {
        const { activityId, projectId, format, name, startDate, endDate, crossBorder } = event.data;
        return {
          status: 'open',
          activityId,
          projectId,
          kind: format,
          name,
          startDate,
          endDate,
          crossBorder,
          companies: [],
          creatives: [],
          attendance: AttendanceSheet.empty(),
        };
      }
      case 'CompanyAdmittedToLab':
        return state.status === 'none' ? state : { ...state, companies: [...state.companies, event.data.organisationId] };
      case 'CreativeAdmittedToLab':
        return state.status === 'none' ? state : { ...state, creatives: [...state.creatives, event.data.participantId] };
      case 'AttendanceRecorded':
        return state.status === 'none'
          ? state
          : { ...state, attendance: state.attendance.with(event.data.participantId, event.data.date) };
      case 'ActivityClosed':
        return state.status === 'none' ? state : { ...state, status: 'closed', closedOn: event.data.closedOn };
      default:
        return assertNever(event);
    }
  },
};
