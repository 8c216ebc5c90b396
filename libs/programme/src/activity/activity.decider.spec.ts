import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, NotFound, RuleViolation } from '../shared/domain-errors.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import type { ParticipantFacts } from '../participant/participant.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';
import {
  activityDecider,
  DEFAULT_LAB_CAPACITY,
  type ActivityCommand,
  type ActivityDetails,
  type ActivityEvent,
  type LabDetails,
} from './activity.decider.js';

const spec = deciderSpec(activityDecider);

const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const crossBorderProject: ProjectFacts = { projectId: 'cis-dk', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE', 'DK'] };
const today = '2024-03-15';

// The first Challenge: a Cross Innovation Lab in Karlshamn, October 2023, on the theme "hav och vatten".
const labId = 'lab-karlshamn-2023';
const challenge: LabDetails = {
  projectId: 'cis',
  name: 'Challenge Karlshamn',
  theme: 'hav och vatten',
  startDate: '2023-10-09',
  endDate: '2023-10-27',
  capacity: { ...DEFAULT_LAB_CAPACITY },
};
const workshopId = 'act-workshop-ronneby';
const workshop: ActivityDetails = {
  projectId: 'cis',
  format: 'workshop',
  name: 'Workshop: tjänstedesign för besöksnäringen',
  startDate: '2024-02-06',
  endDate: '2024-02-07',
  crossBorder: false,
};

const company = (n: number, overrides: Partial<OrganisationFacts> = {}): OrganisationFacts => ({
  organisationId: `org-${n}`,
  name: `Karlshamn Företag ${n} AB`,
  type: 'enterprise',
  sizeClass: 'small',
  country: 'SE',
  ...overrides,
});
const creative = (n: number, projectId = 'cis'): ParticipantFacts => ({ participantId: `p-${n}`, projectId, role: 'creative' });

const labOpened = (overrides: Partial<LabDetails> = {}): ActivityEvent => ({
  type: 'LabOpened',
  data: { activityId: labId, ...challenge, ...overrides },
});
const workshopOpened = (): ActivityEvent => ({ type: 'ActivityOpened', data: { activityId: workshopId, ...workshop } });
const companyAdmitted = (n: number, admittedOn = '2023-10-09'): ActivityEvent => ({
  type: 'CompanyAdmittedToLab',
  data: { activityId: labId, organisationId: `org-${n}`, admittedOn },
});
const creativeAdmitted = (n: number, admittedOn = '2023-10-09'): ActivityEvent => ({
  type: 'CreativeAdmittedToLab',
  data: { activityId: labId, participantId: `p-${n}`, admittedOn },
});
const attended = (activityId: string, n: number, date: string): ActivityEvent => ({
  type: 'AttendanceRecorded',
  data: { activityId, participantId: `p-${n}`, date },
});
const closed = (activityId: string, closedOn: string): ActivityEvent => ({ type: 'ActivityClosed', data: { activityId, closedOn } });
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const openLab = (overrides: Partial<LabDetails> = {}, on = today): ActivityCommand => ({
  type: 'OpenLab',
  data: { activityId: labId, ...challenge, ...overrides },
  project,
  today: on,
});
const openActivity = (overrides: Partial<ActivityDetails> = {}, on = today, facts = project): ActivityCommand => ({
  type: 'OpenActivity',
  data: { activityId: workshopId, ...workshop, ...overrides },
  project: facts,
  today: on,
});
const admitCompany = (organisation: OrganisationFacts, admittedOn = '2023-10-10', activityId = labId, on = today): ActivityCommand => ({
  type: 'AdmitCompanyToLab',
  data: { activityId, organisationId: organisation.organisationId, admittedOn },
  organisation,
  project,
  today: on,
});
const admitCreative = (participant: ParticipantFacts, admittedOn = '2023-10-10', activityId = labId, on = today): ActivityCommand => ({
  type: 'AdmitCreativeToLab',
  data: { activityId, participantId: participant.participantId, admittedOn },
  participant,
  project,
  today: on,
});
const recordAttendance = (participant: ParticipantFacts, date: string, activityId = labId, on = today): ActivityCommand => ({
  type: 'RecordAttendance',
  data: { activityId, participantId: participant.participantId, date },
  participant,
  project,
  today: on,
});
const close = (closedOn: string, activityId = labId, on = today): ActivityCommand => ({
  type: 'CloseActivity',
  data: { activityId, closedOn },
  project,
  today: on,
});

describe('activity decider', () => {
  describe('OpenLab', () => {
    it('opens the Karlshamn Challenge with the default lab capacity', () => {
      spec
        .given([])
        .when(openLab())
        .then([
          {
            type: 'LabOpened',
            data: {
              activityId: 'lab-karlshamn-2023',
              projectId: 'cis',
              name: 'Challenge Karlshamn',
              theme: 'hav och vatten',
              startDate: '2023-10-09',
              endDate: '2023-10-27',
              capacity: { companies: 4, creatives: 16 },
            },
          },
        ]);
    });

    it('opens a lab that started today and ends after today', () => {
      spec.given([]).when(openLab({}, '2023-10-09')).then([labOpened()]);
    });

    it('opens a lab only once', () => {
      spec.given([labOpened()]).when(openLab()).thenThrows(AlreadyExists, 'Activity lab-karlshamn-2023 already exists');
    });

    it('refuses a lab that ends before it starts', () => {
      spec
        .given([])
        .when(openLab({ startDate: '2023-10-27', endDate: '2023-10-09' }))
        .thenThrows(RuleViolation, 'The lab: the end date 2023-10-09 is before the start date 2023-10-27');
    });

    it('refuses a lab that starts before the project', () => {
      spec
        .given([])
        .when(openLab({ startDate: '2022-12-01', endDate: '2023-01-20' }))
        .thenThrows(RuleViolation, "The lab's start date 2022-12-01 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a lab that ends after the project', () => {
      spec
        .given([])
        .when(openLab({ startDate: '2026-12-01', endDate: '2027-01-20' }, '2026-12-05'))
        .thenThrows(RuleViolation, "The lab's end date 2027-01-20 lies outside the project's period");
    });

    it('refuses a lab that starts in the future', () => {
      spec
        .given([])
        .when(openLab({}, '2023-10-08'))
        .thenThrows(RuleViolation, "The lab's start date 2023-10-09 is in the future (today is 2023-10-08)");
    });
  });

  describe('OpenActivity', () => {
    it('opens a workshop', () => {
      spec
        .given([])
        .when(openActivity())
        .then([
          {
            type: 'ActivityOpened',
            data: {
              activityId: 'act-workshop-ronneby',
              projectId: 'cis',
              format: 'workshop',
              name: 'Workshop: tjänstedesign för besöksnäringen',
              startDate: '2024-02-06',
              endDate: '2024-02-07',
              crossBorder: false,
            },
          },
        ]);
    });

    it('opens a cross-border study visit in a project with partners in two countries', () => {
      const studyVisit: Partial<ActivityDetails> = {
        projectId: 'cis-dk',
        format: 'study-visit',
        name: 'Studiebesök Bornholm',
        startDate: '2024-03-12',
        endDate: '2024-03-13',
        crossBorder: true,
      };
      spec
        .given([])
        .when(openActivity(studyVisit, today, crossBorderProject))
        .then([{ type: 'ActivityOpened', data: { activityId: workshopId, ...workshop, ...studyVisit } }]);
    });

    it('opens an activity only once', () => {
      spec.given([workshopOpened()]).when(openActivity()).thenThrows(AlreadyExists, 'Activity act-workshop-ronneby already exists');
    });

    it('refuses an activity that ends before it starts', () => {
      spec
        .given([])
        .when(openActivity({ startDate: '2024-02-07', endDate: '2024-02-06' }))
        .thenThrows(RuleViolation, 'The activity: the end date 2024-02-06 is before the start date 2024-02-07');
    });

    it('refuses an activity that starts before the project', () => {
      spec
        .given([])
        .when(openActivity({ startDate: '2022-12-31', endDate: '2023-01-02' }))
        .thenThrows(RuleViolation, "The activity's start date 2022-12-31 lies outside the project's period");
    });

    it('refuses an activity that ends after the project', () => {
      spec
        .given([])
        .when(openActivity({ startDate: '2026-12-30', endDate: '2027-01-01' }, '2026-12-30'))
        .thenThrows(RuleViolation, "The activity's end date 2027-01-01 lies outside the project's period");
    });

    it('refuses an activity that starts in the future', () => {
      spec
        .given([])
        .when(openActivity({ startDate: '2024-04-01', endDate: '2024-04-01' }))
        .thenThrows(RuleViolation, "The activity's start date 2024-04-01 is in the future (today is 2024-03-15)");
    });

    it('refuses a cross-border activity in a project with partners in one country only', () => {
      spec
        .given([])
        .when(openActivity({ crossBorder: true }))
        .thenThrows(RuleViolation, 'A cross-border activity needs a project with partners in at least two countries');
    });
  });

  describe('AdmitCompanyToLab', () => {
    it('admits an enterprise to an open lab', () => {
      spec
        .given([labOpened()])
        .when(admitCompany(company(1)))
        .then([{ type: 'CompanyAdmittedToLab', data: { activityId: 'lab-karlshamn-2023', organisationId: 'org-1', admittedOn: '2023-10-10' } }]);
    });

    it('admits the fourth company, filling the lab', () => {
      spec
        .given([labOpened(), ...range(3).map((n) => companyAdmitted(n))])
        .when(admitCompany(company(4)))
        .then([companyAdmitted(4, '2023-10-10')]);
    });

    it('admits on the first and the last day of the lab', () => {
      spec.given([labOpened()]).when(admitCompany(company(1), '2023-10-09')).then([companyAdmitted(1, '2023-10-09')]);
      spec.given([labOpened()]).when(admitCompany(company(1), '2023-10-27')).then([companyAdmitted(1, '2023-10-27')]);
    });

    it('refuses a company for an activity that does not exist', () => {
      spec.given([]).when(admitCompany(company(1))).thenThrows(NotFound, 'Activity lab-karlshamn-2023 does not exist');
    });

    it('refuses a company for an activity that is not a lab', () => {
      spec
        .given([workshopOpened()])
        .when(admitCompany(company(1), '2024-02-06', workshopId))
        .thenThrows(RuleViolation, '"Workshop: tjänstedesign för besöksnäringen" is a workshop, not a lab: only labs admit companies and creatives');
    });

    it('refuses a company for a closed lab', () => {
      spec
        .given([labOpened(), closed(labId, '2023-10-27')])
        .when(admitCompany(company(1)))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" was closed on 2023-10-27: nothing more can be admitted or recorded');
    });

    it('refuses an organisation that is not an enterprise', () => {
      spec
        .given([labOpened()])
        .when(admitCompany(company(1, { name: 'Karlshamns kommun', type: 'municipality', sizeClass: undefined })))
        .thenThrows(RuleViolation, 'Karlshamns kommun is a municipality, not an enterprise: only enterprises are admitted as companies');
    });

    it('refuses a company that is already admitted', () => {
      spec
        .given([labOpened(), companyAdmitted(1)])
        .when(admitCompany(company(1)))
        .thenThrows(RuleViolation, 'Karlshamn Företag 1 AB is already admitted to "Challenge Karlshamn"');
    });

    it('refuses a fifth company when four are admitted', () => {
      spec
        .given([labOpened(), ...range(4).map((n) => companyAdmitted(n))])
        .when(admitCompany(company(5)))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" is full: it admits 4 companies');
    });

    it('respects a capacity the lab sets itself', () => {
      spec
        .given([labOpened({ capacity: { companies: 2, creatives: 8 } }), companyAdmitted(1), companyAdmitted(2)])
        .when(admitCompany(company(3)))
        .thenThrows(RuleViolation, 'is full: it admits 2 companies');
    });

    it('refuses an admission date before the lab starts', () => {
      spec
        .given([labOpened()])
        .when(admitCompany(company(1), '2023-10-08'))
        .thenThrows(RuleViolation, 'The admission date 2023-10-08 lies outside "Challenge Karlshamn" (its dates) (2023-10-09 to 2023-10-27)');
    });

    it('refuses an admission date after the lab ends', () => {
      spec
        .given([labOpened()])
        .when(admitCompany(company(1), '2023-10-28'))
        .thenThrows(RuleViolation, 'The admission date 2023-10-28 lies outside "Challenge Karlshamn"');
    });

    it('refuses an admission date in the future', () => {
      spec
        .given([labOpened()])
        .when(admitCompany(company(1), '2023-10-20', labId, '2023-10-12'))
        .thenThrows(RuleViolation, 'The admission date 2023-10-20 is in the future (today is 2023-10-12)');
    });
  });

  describe('AdmitCreativeToLab', () => {
    it('admits a creative of the project to an open lab', () => {
      spec
        .given([labOpened()])
        .when(admitCreative(creative(1)))
        .then([{ type: 'CreativeAdmittedToLab', data: { activityId: 'lab-karlshamn-2023', participantId: 'p-1', admittedOn: '2023-10-10' } }]);
    });

    it('admits the sixteenth creative, filling the lab', () => {
      spec
        .given([labOpened(), ...range(15).map((n) => creativeAdmitted(n))])
        .when(admitCreative(creative(16)))
        .then([creativeAdmitted(16, '2023-10-10')]);
    });

    it('refuses a participant who takes part in another role than creative', () => {
      spec
        .given([labOpened()])
        .when(admitCreative({ participantId: 'p-rep', projectId: 'cis', role: 'company-representative' }))
        .thenThrows(RuleViolation, 'only creatives fill a lab');
    });

    it('refuses a creative for an activity that does not exist', () => {
      spec.given([]).when(admitCreative(creative(1))).thenThrows(NotFound, 'Activity lab-karlshamn-2023 does not exist');
    });

    it('refuses a creative for an activity that is not a lab', () => {
      spec
        .given([workshopOpened()])
        .when(admitCreative(creative(1), '2024-02-06', workshopId))
        .thenThrows(RuleViolation, 'is a workshop, not a lab');
    });

    it('refuses a creative for a closed lab', () => {
      spec
        .given([labOpened(), closed(labId, '2023-10-27')])
        .when(admitCreative(creative(1)))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" was closed on 2023-10-27');
    });

    it("refuses another project's participant", () => {
      spec
        .given([labOpened()])
        .when(admitCreative(creative(1, 'other-project')))
        .thenThrows(
          RuleViolation,
          'Participant p-1 belongs to another project than "Challenge Karlshamn": a participant takes part only in their own project',
        );
    });

    it('refuses a creative that is already admitted', () => {
      spec
        .given([labOpened(), creativeAdmitted(1)])
        .when(admitCreative(creative(1)))
        .thenThrows(RuleViolation, 'Participant p-1 is already admitted to "Challenge Karlshamn"');
    });

    it('refuses a seventeenth creative when sixteen are admitted', () => {
      spec
        .given([labOpened(), ...range(16).map((n) => creativeAdmitted(n))])
        .when(admitCreative(creative(17)))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" is full: it admits 16 creatives');
    });

    it('counts companies and creatives separately', () => {
      spec
        .given([labOpened(), ...range(4).map((n) => companyAdmitted(n))])
        .when(admitCreative(creative(1)))
        .then([creativeAdmitted(1, '2023-10-10')]);
    });

    it('refuses an admission date outside the lab', () => {
      spec
        .given([labOpened()])
        .when(admitCreative(creative(1), '2023-11-01'))
        .thenThrows(RuleViolation, 'The admission date 2023-11-01 lies outside "Challenge Karlshamn" (its dates)');
    });

    it('refuses an admission date in the future', () => {
      spec
        .given([labOpened()])
        .when(admitCreative(creative(1), '2023-10-13', labId, '2023-10-12'))
        .thenThrows(RuleViolation, 'The admission date 2023-10-13 is in the future (today is 2023-10-12)');
    });
  });

  describe('RecordAttendance', () => {
    it('records attendance at a lab', () => {
      spec
        .given([labOpened(), creativeAdmitted(1)])
        .when(recordAttendance(creative(1), '2023-10-11'))
        .then([{ type: 'AttendanceRecorded', data: { activityId: 'lab-karlshamn-2023', participantId: 'p-1', date: '2023-10-11' } }]);
    });

    it('records attendance at a workshop on each of its days', () => {
      spec
        .given([workshopOpened(), attended(workshopId, 7, '2024-02-06')])
        .when(recordAttendance(creative(7), '2024-02-07', workshopId))
        .then([attended(workshopId, 7, '2024-02-07')]);
    });

    it('records another participant on the same day', () => {
      spec
        .given([workshopOpened(), attended(workshopId, 7, '2024-02-06')])
        .when(recordAttendance(creative(8), '2024-02-06', workshopId))
        .then([attended(workshopId, 8, '2024-02-06')]);
    });

    it('refuses attendance at an activity that does not exist', () => {
      spec.given([]).when(recordAttendance(creative(1), '2024-02-06', workshopId)).thenThrows(NotFound, 'Activity act-workshop-ronneby does not exist');
    });

    it('refuses attendance at a closed activity', () => {
      spec
        .given([workshopOpened(), closed(workshopId, '2024-02-07')])
        .when(recordAttendance(creative(1), '2024-02-07', workshopId))
        .thenThrows(RuleViolation, '"Workshop: tjänstedesign för besöksnäringen" was closed on 2024-02-07: nothing more can be admitted or recorded');
    });

    it("refuses another project's participant", () => {
      spec
        .given([workshopOpened()])
        .when(recordAttendance(creative(1, 'other-project'), '2024-02-06', workshopId))
        .thenThrows(RuleViolation, 'Participant p-1 belongs to another project than "Workshop: tjänstedesign för besöksnäringen"');
    });

    it('refuses a date before the activity', () => {
      spec
        .given([workshopOpened()])
        .when(recordAttendance(creative(1), '2024-02-05', workshopId))
        .thenThrows(RuleViolation, 'The attendance date 2024-02-05 lies outside "Workshop: tjänstedesign för besöksnäringen" (its dates) (2024-02-06 to 2024-02-07)');
    });

    it('refuses a date after the activity', () => {
      spec
        .given([workshopOpened()])
        .when(recordAttendance(creative(1), '2024-02-08', workshopId))
        .thenThrows(RuleViolation, 'The attendance date 2024-02-08 lies outside');
    });

    it('refuses a date in the future', () => {
      spec
        .given([labOpened()])
        .when(recordAttendance(creative(1), '2023-10-16', labId, '2023-10-13'))
        .thenThrows(RuleViolation, 'The attendance date 2023-10-16 is in the future (today is 2023-10-13)');
    });

    it('refuses the same participant twice on the same day', () => {
      spec
        .given([workshopOpened(), attended(workshopId, 7, '2024-02-06')])
        .when(recordAttendance(creative(7), '2024-02-06', workshopId))
        .thenThrows(RuleViolation, 'Attendance of participant p-7 on 2024-02-06 is already recorded');
    });

    it('states the refused participant and date to their sender, and each rule apart without them (what an import may log)', () => {
      const refusal = (given: ActivityEvent[], command: ActivityCommand) => {
        const state = given.reduce(activityDecider.evolve, activityDecider.initialState());
        try {
          activityDecider.decide(command, state);
        } catch (error) {
          return error as RuleViolation & { rule?: string };
        }
        throw new Error('not refused');
      };
      const cases: Array<[ActivityEvent[], ActivityCommand, string[], string]> = [
        [[workshopOpened()], recordAttendance(creative(1, 'other-project'), '2024-02-06', workshopId), ['p-1'], 'The participant belongs to another project than "Workshop: tjänstedesign för besöksnäringen": a participant takes part only in their own project'],
        [[workshopOpened()], recordAttendance(creative(1), '2024-02-05', workshopId), ['2024-02-05'], 'The attendance date lies outside "Workshop: tjänstedesign för besöksnäringen" (its dates) (2024-02-06 to 2024-02-07)'],
        [[labOpened()], recordAttendance(creative(1), '2023-10-16', labId, '2023-10-13'), ['2023-10-16'], 'The attendance date is in the future (today is 2023-10-13)'],
        [[workshopOpened(), attended(workshopId, 7, '2024-02-06')], recordAttendance(creative(7), '2024-02-06', workshopId), ['p-7', '2024-02-06'], "The participant's attendance on that day is already recorded"],
      ];
      for (const [given, command, shown, rule] of cases) {
        const refused = refusal(given, command);
        expect(refused).toBeInstanceOf(RuleViolation);
        for (const value of shown) expect(refused.message).toContain(value);
        expect(refused.rule).toBe(rule);
      }
    });
  });

  describe('RecordAttendance on a series of 20,000 attendance records', () => {
    // A network-meeting series: 200 participants on each of 100 days of the lab.
    const day = (n: number) => new Date(Date.UTC(2023, 0, 2 + n)).toISOString().slice(0, 10);
    const series = [
      labOpened({ startDate: '2023-01-02', endDate: '2023-12-31' }),
      ...Array.from({ length: 20_000 }, (_, i) => attended(labId, i % 200, day(Math.floor(i / 200)))),
    ];

    it('refuses the same participant on the same day, however long ago it was recorded', () => {
      spec.given(series).when(recordAttendance(creative(3), day(0))).thenThrows(RuleViolation, `Attendance of participant p-3 on ${day(0)} is already recorded`);
      spec.given(series).when(recordAttendance(creative(199), day(99))).thenThrows(RuleViolation, 'is already recorded');
    });

    it('records a participant on a day they have not attended yet', () => {
      spec.given(series).when(recordAttendance(creative(3), day(100))).then([attended(labId, 3, day(100))]);
      spec.given(series).when(recordAttendance(creative(200), day(0))).then([attended(labId, 200, day(0))]);
    });

    it('still refuses once the series is closed, and participants of another project', () => {
      spec
        .given([...series, closed(labId, '2023-12-31')])
        .when(recordAttendance(creative(3), day(100)))
        .thenThrows(RuleViolation, 'was closed on 2023-12-31');
      spec.given(series).when(recordAttendance(creative(3, 'other-project'), day(100))).thenThrows(RuleViolation, 'belongs to another project');
    });

    it('still fills a lab no further than its capacity', () => {
      spec
        .given([...series, ...range(16).map((n) => creativeAdmitted(n))])
        .when(admitCreative(creative(17), '2023-02-01'))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" is full: it admits 16 creatives');
    });
  });

  describe('CloseActivity', () => {
    it('closes a lab', () => {
      spec
        .given([labOpened(), companyAdmitted(1), creativeAdmitted(1)])
        .when(close('2023-10-27'))
        .then([{ type: 'ActivityClosed', data: { activityId: 'lab-karlshamn-2023', closedOn: '2023-10-27' } }]);
    });

    it('closes an activity on its start day, and after its end', () => {
      spec.given([workshopOpened()]).when(close('2024-02-06', workshopId)).then([closed(workshopId, '2024-02-06')]);
      spec.given([workshopOpened()]).when(close('2024-03-01', workshopId)).then([closed(workshopId, '2024-03-01')]);
    });

    it('refuses to close an activity that does not exist', () => {
      spec.given([]).when(close('2023-10-27')).thenThrows(NotFound, 'Activity lab-karlshamn-2023 does not exist');
    });

    it('refuses to close an activity twice', () => {
      spec
        .given([labOpened(), closed(labId, '2023-10-27')])
        .when(close('2023-10-30'))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" was closed on 2023-10-27');
    });

    it('refuses to close before the activity started', () => {
      spec
        .given([labOpened()])
        .when(close('2023-10-08'))
        .thenThrows(RuleViolation, '"Challenge Karlshamn" cannot close on 2023-10-08, before it started (2023-10-09)');
    });

    it('refuses a closing date in the future', () => {
      spec
        .given([labOpened()])
        .when(close('2023-10-27', labId, '2023-10-20'))
        .thenThrows(RuleViolation, 'The closing date 2023-10-27 is in the future (today is 2023-10-20)');
    });
  });
});
