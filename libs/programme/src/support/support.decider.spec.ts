import { deciderSpec } from '../../../../test/support/decider-spec.js';
import { AlreadyExists, RuleViolation } from '../shared/domain-errors.js';
import type { ActivityFacts } from '../activity/activity.decider.js';
import type { OrganisationFacts } from '../organisation/organisation.decider.js';
import type { ProjectFacts } from '../project/project.decider.js';
import { supportDecider, valuedAid, type SupportCommand, type SupportDetails, type SupportEvent } from './support.decider.js';

const spec = deciderSpec(supportDecider);

const project: ProjectFacts = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const today = '2024-03-15';
const havsbruk: OrganisationFacts = {
  organisationId: 'org-havsbruk',
  name: 'Blekinge Havsbruk AB',
  type: 'enterprise',
  sizeClass: 'small',
  country: 'SE',
};
const challenge: ActivityFacts = { activityId: 'lab-karlshamn-2023', projectId: 'cis', kind: 'lab', status: 'closed' };

const supportId = 'sup-0001';
/** Forty hours of coaching for a company in need at the Karlshamn Challenge. */
const coaching: SupportDetails = {
  projectId: 'cis',
  organisationId: 'org-havsbruk',
  kind: 'non-financial',
  date: '2023-10-27',
  hours: 40,
  activityId: 'lab-karlshamn-2023',
};

const recorded = (details: Partial<SupportDetails> = {}): SupportEvent => ({
  type: 'EnterpriseSupportRecorded',
  data: { supportId, ...coaching, ...details },
});
const record = (
  details: Partial<SupportDetails> = {},
  facts: { organisation?: OrganisationFacts; activity?: ActivityFacts; today?: string } = {},
): SupportCommand => ({
  type: 'RecordEnterpriseSupport',
  data: { supportId, ...coaching, ...details },
  project,
  organisation: facts.organisation ?? havsbruk,
  activity: facts.activity ?? challenge,
  today: facts.today ?? today,
});

describe('support decider', () => {
  describe('RecordEnterpriseSupport', () => {
    it('records non-financial support linked to the Challenge', () => {
      spec
        .given([])
        .when(record())
        .then([
          {
            type: 'EnterpriseSupportRecorded',
            data: {
              supportId: 'sup-0001',
              projectId: 'cis',
              organisationId: 'org-havsbruk',
              kind: 'non-financial',
              date: '2023-10-27',
              hours: 40,
              activityId: 'lab-karlshamn-2023',
            },
          },
        ]);
    });

    it('records a voucher with its amount, without an activity', () => {
      const voucher: SupportDetails = { projectId: 'cis', organisationId: 'org-havsbruk', kind: 'voucher', date: '2024-01-15', amountEur: 4500 };
      spec
        .given([])
        .when({ type: 'RecordEnterpriseSupport', data: { supportId, ...voucher }, project, organisation: havsbruk, today })
        .then([
          {
            type: 'EnterpriseSupportRecorded',
            data: { supportId: 'sup-0001', projectId: 'cis', organisationId: 'org-havsbruk', kind: 'voucher', date: '2024-01-15', amountEur: 4500 },
          },
        ]);
    });

    it('records a grant with its amount on the last day of the project', () => {
      spec
        .given([])
        .when(record({ kind: 'grant', amountEur: 20000, date: '2026-12-31' }, { today: '2027-01-10' }))
        .then([recorded({ kind: 'grant', amountEur: 20000, date: '2026-12-31' })]);
    });

    it('records support only once', () => {
      spec.given([recorded()]).when(record()).thenThrows(AlreadyExists, 'Support sup-0001 already exists');
    });

    it('refuses support to an organisation that is not an enterprise', () => {
      spec
        .given([])
        .when(record({}, { organisation: { ...havsbruk, name: 'Blekinge Tekniska Högskola', type: 'university', sizeClass: undefined } }))
        .thenThrows(RuleViolation, 'Blekinge Tekniska Högskola is a university, not an enterprise: enterprise support goes to enterprises');
    });

    it('refuses a grant without an amount', () => {
      spec.given([]).when(record({ kind: 'grant' })).thenThrows(RuleViolation, 'A grant needs amountEur, the amount in euro');
    });

    it('refuses a voucher without an amount', () => {
      spec.given([]).when(record({ kind: 'voucher' })).thenThrows(RuleViolation, 'A voucher needs amountEur, the amount in euro');
    });

    it('refuses a voucher of zero euro', () => {
      spec.given([]).when(record({ kind: 'voucher', amountEur: 0 })).thenThrows(RuleViolation, 'A voucher needs amountEur');
    });

    it('refuses an activity of another project', () => {
      spec
        .given([])
        .when(record({}, { activity: { ...challenge, activityId: 'lab-bodo-2023', projectId: 'other-project' } }))
        .thenThrows(RuleViolation, 'Activity lab-bodo-2023 belongs to another project');
    });

    it('refuses a date before the project', () => {
      spec
        .given([])
        .when(record({ date: '2022-12-31' }))
        .thenThrows(RuleViolation, "The support date 2022-12-31 lies outside the project's period (2023-01-01 to 2026-12-31)");
    });

    it('refuses a date after the project', () => {
      spec
        .given([])
        .when(record({ date: '2027-01-01' }, { today: '2027-01-10' }))
        .thenThrows(RuleViolation, "The support date 2027-01-01 lies outside the project's period");
    });

    it('refuses a date in the future', () => {
      spec
        .given([])
        .when(record({ date: '2024-03-16' }))
        .thenThrows(RuleViolation, 'The support date 2024-03-16 is in the future (today is 2024-03-15)');
    });
  });
});

describe('support decider: aid', () => {
  const aided = (aid: NonNullable<Parameters<typeof valuedAid>[0]>, today = '2024-03-15') =>
    ({ type: 'RecordEnterpriseSupport', data: { supportId, ...coaching, aid }, project, organisation: havsbruk, activity: challenge, today }) as SupportCommand;

  it('values a lab place by hours x rate and records its value in euro', () => {
    spec
      .given([])
      .when(aided({ basis: 'de-minimis', grantedOn: '2023-10-27', amount: 11_500, currency: 'SEK', eurRate: 11.5, valuation: { method: 'hours', hours: 10, hourlyRate: 1_150 } }))
      .then([recorded({ aid: { basis: 'de-minimis', grantedOn: '2023-10-27', amount: 11_500, currency: 'SEK', eurRate: 11.5, valuation: { method: 'hours', hours: 10, hourlyRate: 1_150 }, amountEur: 1_000 } })]);
  });
  it('refuses hours x rate that is not the amount', () => {
    spec.given([]).when(aided({ basis: 'de-minimis', grantedOn: '2023-10-27', amount: 1_200, currency: 'EUR', valuation: { method: 'hours', hours: 10, hourlyRate: 100 } })).thenThrows(RuleViolation, 'is not hours x hourlyRate (10 x 100 = 1000)');
  });
  it('needs a note for a cost share', () => {
    spec.given([]).when(aided({ basis: 'de-minimis', grantedOn: '2023-10-27', amount: 800, currency: 'EUR', valuation: { method: 'cost-share' } })).thenThrows(RuleViolation, 'cost share needs a note');
  });
  it('needs the article for GBER, and takes it only there', () => {
    spec.given([]).when(aided({ basis: 'gber', grantedOn: '2023-10-27', amount: 800, currency: 'EUR' })).thenThrows(RuleViolation, 'aid.article is required with basis gber');
    spec.given([]).when(aided({ basis: 'no-aid', grantedOn: '2023-10-27', amount: 0, currency: 'EUR', article: 'Article 28' })).thenThrows(RuleViolation, 'aid.article applies to basis gber only');
  });
  it('records no-aid support worth nothing, explicitly', () => {
    spec.given([]).when(aided({ basis: 'no-aid', grantedOn: '2023-10-27', amount: 0, currency: 'EUR' })).then([recorded({ aid: { basis: 'no-aid', grantedOn: '2023-10-27', amount: 0, currency: 'EUR', amountEur: 0 } })]);
  });
  it('refuses de minimis aid worth nothing, and a grant date outside the project or in the future', () => {
    spec.given([]).when(aided({ basis: 'de-minimis', grantedOn: '2023-10-27', amount: 0, currency: 'EUR' })).thenThrows(RuleViolation, 'worth more than zero');
    spec.given([]).when(aided({ basis: 'de-minimis', grantedOn: '2022-12-31', amount: 5, currency: 'EUR' })).thenThrows(RuleViolation, "lies outside the project's period");
    spec.given([]).when(aided({ basis: 'de-minimis', grantedOn: '2024-03-16', amount: 5, currency: 'EUR' })).thenThrows(RuleViolation, 'is in the future');
  });
});
