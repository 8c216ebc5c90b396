import type {
  ActivityEvent,
  ActivityFormat,
  Fund,
  Gender,
  IndicatorCode,
  OrganisationEvent,
  OrganisationType,
  OutcomeEvent,
  OutcomeKind,
  ParticipantChanges,
  ParticipantEvent,
  ParticipantRole,
  PilotCaseEvent,
  ProjectEvent,
  SizeClass,
  SupportEvent,
  SupportKind,
} from '@app/programme';
import {
  IndicatorCalculator,
  ReadModelReplay,
  type IndicatorFigure,
  type IndicatorScope,
  type Period,
} from '@app/reporting';
import { recordedLog } from '../../../../test/support/recorded-events.js';

/*
 * The counting rules of the indicator catalogue, each told as: given these events (replayed through the real
 * projections into an in-memory read model), then these figures (from the real calculator).
 */

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

type Event = ProjectEvent | OrganisationEvent | ParticipantEvent | ActivityEvent | SupportEvent | PilotCaseEvent | OutcomeEvent;

/** The Cross Innovation project: Interreg, Sweden and Norway, 2024-2026. */
const P = 'cis';

const project = (
  projectId = P,
  details: { fund?: Fund; countries?: string[]; startDate?: string; endDate?: string } = {},
): ProjectEvent => ({
  type: 'ProjectRegistered',
  data: {
    projectId,
    name: `Project ${projectId}`,
    programme: 'Interreg Aurora',
    fund: details.fund ?? 'Interreg',
    startDate: details.startDate ?? '2024-01-01',
    endDate: details.endDate ?? '2026-12-31',
    countries: details.countries ?? ['SE', 'NO'],
  },
});

const target = (code: IndicatorCode, value: number, baseline?: number, projectId = P): ProjectEvent => ({
  type: 'IndicatorTargetSet',
  data: { projectId, code, target: value, ...(baseline === undefined ? {} : { baseline }) },
});

const enterprise = (organisationId: string, sizeClass: SizeClass, country = 'SE', foundedYear?: number): OrganisationEvent => ({
  type: 'OrganisationRegistered',
  data: {
    organisationId,
    name: `${organisationId} AB`,
    country,
    type: 'enterprise',
    sizeClass,
    ...(foundedYear === undefined ? {} : { foundedYear }),
  },
});

/** An organisation that is not an enterprise: a university, a municipality, ... */
const organisation = (organisationId: string, type: Exclude<OrganisationType, 'enterprise'>, country = 'SE'): OrganisationEvent => ({
  type: 'OrganisationRegistered',
  data: { organisationId, name: organisationId, country, type },
});

const reclassified = (organisationId: string, type: OrganisationType, sizeClass?: SizeClass): OrganisationEvent => ({
  type: 'OrganisationReclassified',
  data: { organisationId, type, ...(sizeClass ? { sizeClass } : {}), reason: 'annual accounts' },
});

const sealed = (participantId: string) => ({
  keyId: `key-${participantId}`,
  algorithm: 'AES-256-GCM' as const,
  iv: 'aXY=',
  ciphertext: 'Y2lwaGVy',
  tag: 'dGFn',
});

const participant = (
  participantId: string,
  profile: { gender?: Gender; role?: ParticipantRole; registeredOn?: string; organisationId?: string; projectId?: string } = {},
): ParticipantEvent => ({
  type: 'ParticipantRegistered',
  data: {
    participantId,
    projectId: profile.projectId ?? P,
    person: sealed(participantId),
    gender: profile.gender ?? 'woman',
    role: profile.role ?? 'company-representative',
    registeredOn: profile.registeredOn ?? '2024-05-15',
    ...(profile.organisationId ? { organisationId: profile.organisationId } : {}),
  },
});

const corrected = (participantId: string, changes: ParticipantChanges): ParticipantEvent => ({
  type: 'ParticipantCorrected',
  data: { participantId, changes, reason: 'typo in the registration form' },
});

const erased = (participantId: string): ParticipantEvent => ({
  type: 'ParticipantErased',
  data: { participantId, reason: 'GDPR art. 17 request' },
});

const lab = (activityId: string, startDate = '2024-05-01', projectId = P): ActivityEvent => ({
  type: 'LabOpened',
  data: {
    activityId,
    projectId,
    name: `Lab ${activityId}`,
    theme: 'involuntary loneliness',
    startDate,
    endDate: '2024-12-31',
    capacity: { companies: 4, creatives: 16 },
  },
});

const activity = (
  activityId: string,
  format: ActivityFormat,
  details: { startDate?: string; crossBorder?: boolean; projectId?: string } = {},
): ActivityEvent => ({
  type: 'ActivityOpened',
  data: {
    activityId,
    projectId: details.projectId ?? P,
    format,
    name: `${format} ${activityId}`,
    startDate: details.startDate ?? '2024-05-01',
    endDate: '2024-12-31',
    crossBorder: details.crossBorder ?? false,
  },
});

const admitted = (activityId: string, organisationId: string, admittedOn = '2024-05-15'): ActivityEvent => ({
  type: 'CompanyAdmittedToLab',
  data: { activityId, organisationId, admittedOn },
});

const creativeAdmitted = (activityId: string, participantId: string, admittedOn = '2024-05-15'): ActivityEvent => ({
  type: 'CreativeAdmittedToLab',
  data: { activityId, participantId, admittedOn },
});

const attended = (activityId: string, participantId: string, date = '2024-05-15'): ActivityEvent => ({
  type: 'AttendanceRecorded',
  data: { activityId, participantId, date },
});

const closed = (activityId: string, closedOn = '2024-12-31'): ActivityEvent => ({
  type: 'ActivityClosed',
  data: { activityId, closedOn },
});

let supportSequence = 0;
const support = (organisationId: string, kind: SupportKind, date = '2024-05-15', projectId = P): SupportEvent => ({
  type: 'EnterpriseSupportRecorded',
  data: {
    supportId: `sup-${++supportSequence}`,
    projectId,
    organisationId,
    kind,
    date,
    ...(kind === 'non-financial' ? { hours: 40 } : { amountEur: 5000 }),
  },
});

const pilotCase = (pilotCaseId: string, organisationIds: string[], startDate = '2024-05-15', projectId = P): PilotCaseEvent => ({
  type: 'PilotCaseStarted',
  data: { pilotCaseId, projectId, title: `Pilot ${pilotCaseId}`, organisationIds, startDate },
});

const pilotCompleted = (pilotCaseId: string, date = '2024-06-15'): PilotCaseEvent => ({
  type: 'PilotCaseCompleted',
  data: { pilotCaseId, date, evidence: 'final report' },
});

const outcome = (
  outcomeId: string,
  kind: OutcomeKind,
  links: { date?: string; organisationId?: string; activityId?: string; pilotCaseId?: string; projectId?: string } = {},
): OutcomeEvent => {
  const { date, projectId, ...ids } = links;
  return {
    type: 'OutcomeRecorded',
    data: { outcomeId, projectId: projectId ?? P, kind, date: date ?? '2024-05-15', description: `${kind} ${outcomeId}`, ...ids },
  };
};

const retracted = (outcomeId: string): OutcomeEvent => ({
  type: 'OutcomeRetracted',
  data: { outcomeId, reason: 'recorded by mistake' },
});

// ---------------------------------------------------------------------------------------------------------------
// given(events) / then(figures)
// ---------------------------------------------------------------------------------------------------------------

const cis: IndicatorScope = { kind: 'project', projectId: P };
const programme = (filter: { fund?: string; country?: string } = {}): IndicatorScope => ({ kind: 'programme', ...filter });

/** The second quarter of 2024, and the days just outside it. */
const Q2: Period = { from: '2024-04-01', to: '2024-06-30' };
const IN = '2024-05-15';
const ON_FROM = '2024-04-01';
const ON_TO = '2024-06-30';
const DAY_BEFORE = '2024-03-31';
const DAY_AFTER = '2024-07-01';
const ALL_TIME: Period = {};

type Figures = Record<IndicatorCode, IndicatorFigure>;

const replays: ReadModelReplay[] = [];
afterEach(() => {
  for (const replay of replays.splice(0)) replay.close();
});

function given(...events: Event[]) {
  const replay = new ReadModelReplay().apply(
    recordedLog(events as unknown as Array<{ type: string; data: Record<string, unknown> }>),
  );
  replays.push(replay);
  const calculator = new IndicatorCalculator(replay.db);
  return {
    replay,
    calculator,
    /** Every indicator over the scope and period, by code. */
    count(scope: IndicatorScope = cis, period: Period = ALL_TIME): Figures {
      const { indicators } = calculator.compute(scope, period);
      return Object.fromEntries(indicators.map((figure) => [figure.code, figure])) as Figures;
    },
    /** The distinct keys an indicator's evidence names. */
    evidenceKeys(code: IndicatorCode, scope: IndicatorScope = cis, period: Period = ALL_TIME): string[] {
      return [...new Set(calculator.evidence(code, scope, period).items.map((item) => item.key))].sort();
    },
  };
}

const genders = (counts: Partial<Record<Gender, number>>) => ({
  gender: { woman: 0, man: 0, another: 0, 'not-stated': 0, ...counts },
});
const smeSizes = (counts: Partial<Record<'micro' | 'small' | 'medium', number>>) => ({
  sizeClass: { micro: 0, small: 0, medium: 0, ...counts },
});
const sizes = (counts: Partial<Record<SizeClass, number>>) => ({
  sizeClass: { micro: 0, small: 0, medium: 0, large: 0, ...counts },
});

// ---------------------------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------------------------

describe('participants', () => {
  it('counts people by gender, listing all four categories even when zero', () => {
    const figures = given(
      project(),
      participant('p1', { gender: 'woman' }),
      participant('p2', { gender: 'woman' }),
      participant('p3', { gender: 'man' }),
      participant('p4', { gender: 'not-stated' }),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(4);
    expect(figures.participants.breakdown).toEqual(genders({ woman: 2, man: 1, 'not-stated': 1 }));
  });

  it('counts a person once however many activities they attend', () => {
    const figures = given(
      project(),
      participant('p1', { gender: 'another' }),
      activity('w1', 'workshop'),
      activity('w2', 'training'),
      attended('w1', 'p1', '2024-05-15'),
      attended('w1', 'p1', '2024-05-16'),
      attended('w2', 'p1', '2024-05-20'),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(1);
    expect(figures.participants.breakdown).toEqual(genders({ another: 1 }));
  });

  it('counts registrations on the first and the last day of the period, not a day outside it', () => {
    const figures = given(
      project(),
      participant('before', { registeredOn: DAY_BEFORE }),
      participant('first-day', { registeredOn: ON_FROM }),
      participant('last-day', { registeredOn: ON_TO, gender: 'man' }),
      participant('after', { registeredOn: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(2);
    expect(figures.participants.breakdown).toEqual(genders({ woman: 1, man: 1 }));
  });

  it('counts the gender as corrected', () => {
    const figures = given(
      project(),
      participant('p1', { gender: 'woman' }),
      participant('p2', { gender: 'woman' }),
      corrected('p2', { gender: 'man' }),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(2);
    expect(figures.participants.breakdown).toEqual(genders({ woman: 1, man: 1 }));
  });

  it('places a person by the corrected registration date: a correction moves them into or out of the period', () => {
    const figures = given(
      project(),
      participant('moved-in', { registeredOn: DAY_AFTER }),
      corrected('moved-in', { registeredOn: IN }),
      participant('moved-out', { registeredOn: IN, gender: 'man' }),
      corrected('moved-out', { registeredOn: DAY_BEFORE }),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(1);
    expect(figures.participants.breakdown).toEqual(genders({ woman: 1 }));
  });

  it('still counts erased people: erasure removes who they were, not that they took part', () => {
    const figures = given(
      project(),
      participant('p1', { gender: 'man' }),
      participant('p2', { gender: 'woman' }),
      erased('p1'),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(2);
    expect(figures.participants.breakdown).toEqual(genders({ woman: 1, man: 1 }));
  });

  it('counts only the participants of the project asked about', () => {
    const figures = given(
      project(),
      project('other'),
      participant('p1'),
      participant('p2', { projectId: 'other' }),
    ).count(cis, Q2);

    expect(figures.participants.value).toBe(1);
  });
});

describe('creatives', () => {
  it('counts only participants whose role is creative, by gender', () => {
    const figures = given(
      project(),
      participant('c1', { role: 'creative', gender: 'woman' }),
      participant('c2', { role: 'creative', gender: 'another' }),
      participant('r1', { role: 'researcher', gender: 'man' }),
      participant('s1', { role: 'company-representative', gender: 'man' }),
      participant('c3', { role: 'creative', registeredOn: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.creatives.value).toBe(2);
    expect(figures.creatives.breakdown).toEqual(genders({ woman: 1, another: 1 }));
  });

  it('counts the role as corrected', () => {
    const figures = given(
      project(),
      participant('became-creative', { role: 'student', gender: 'man' }),
      corrected('became-creative', { role: 'creative' }),
      participant('no-longer-creative', { role: 'creative' }),
      corrected('no-longer-creative', { role: 'researcher' }),
    ).count(cis, Q2);

    expect(figures.creatives.value).toBe(1);
    expect(figures.creatives.breakdown).toEqual(genders({ man: 1 }));
  });

  it('counts a creative admitted to a lab once, as a creative', () => {
    const figures = given(
      project(),
      participant('c1', { role: 'creative' }),
      lab('lab1'),
      lab('lab2'),
      creativeAdmitted('lab1', 'c1'),
      creativeAdmitted('lab2', 'c1'),
    ).count(cis, Q2);

    expect(figures.creatives.value).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Enterprises
// ---------------------------------------------------------------------------------------------------------------

describe('smes-reached', () => {
  it('counts SMEs admitted to a lab, supported, or partners in a pilot case, by size class', () => {
    const figures = given(
      project(),
      enterprise('in-lab', 'micro'),
      enterprise('supported', 'small'),
      enterprise('in-pilot', 'medium'),
      enterprise('pilot-partner-too', 'micro', 'NO'),
      lab('lab1'),
      admitted('lab1', 'in-lab'),
      support('supported', 'voucher'),
      pilotCase('pc1', ['in-pilot', 'pilot-partner-too']),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(4);
    expect(figures['smes-reached'].breakdown).toEqual(smeSizes({ micro: 2, small: 1, medium: 1 }));
  });

  it('counts an enterprise once although admitted to two labs and supported', () => {
    const figures = given(
      project(),
      enterprise('havsbruk', 'small'),
      lab('lab1'),
      lab('lab2'),
      admitted('lab1', 'havsbruk'),
      admitted('lab2', 'havsbruk'),
      support('havsbruk', 'grant'),
      support('havsbruk', 'non-financial'),
      pilotCase('pc1', ['havsbruk']),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(1);
    expect(figures['smes-reached'].breakdown).toEqual(smeSizes({ small: 1 }));
  });

  it('leaves out large enterprises and organisations that are not enterprises', () => {
    const figures = given(
      project(),
      enterprise('sme', 'small'),
      enterprise('big', 'large'),
      organisation('uni', 'university'),
      organisation('kommun', 'municipality'),
      lab('lab1'),
      admitted('lab1', 'big'),
      support('big', 'grant'),
      pilotCase('pc1', ['sme', 'big', 'uni', 'kommun']),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(1);
    expect(figures['smes-reached'].breakdown).toEqual(smeSizes({ small: 1 }));
  });

  it('counts enterprises as currently classified: small grown large drops out, medium shrunk to micro moves', () => {
    const figures = given(
      project(),
      enterprise('grew', 'small'),
      enterprise('shrank', 'medium'),
      support('grew', 'grant'),
      support('shrank', 'grant'),
      reclassified('grew', 'enterprise', 'large'),
      reclassified('shrank', 'enterprise', 'micro'),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(1);
    expect(figures['smes-reached'].breakdown).toEqual(smeSizes({ micro: 1 }));
  });

  it('bounds lab admissions by the admission date, inclusive', () => {
    const figures = given(
      project(),
      enterprise('before', 'small'),
      enterprise('first-day', 'small'),
      enterprise('last-day', 'small'),
      enterprise('after', 'small'),
      lab('lab1', '2024-03-01'),
      admitted('lab1', 'before', DAY_BEFORE),
      admitted('lab1', 'first-day', ON_FROM),
      admitted('lab1', 'last-day', ON_TO),
      admitted('lab1', 'after', DAY_AFTER),
    );

    expect(figures.evidenceKeys('smes-reached', cis, Q2)).toEqual(['first-day', 'last-day']);
    expect(figures.count(cis, Q2)['smes-reached'].value).toBe(2);
  });

  it('bounds support by the support date, inclusive', () => {
    const figures = given(
      project(),
      enterprise('before', 'micro'),
      enterprise('first-day', 'micro'),
      enterprise('last-day', 'micro'),
      enterprise('after', 'micro'),
      support('before', 'grant', DAY_BEFORE),
      support('first-day', 'grant', ON_FROM),
      support('last-day', 'non-financial', ON_TO),
      support('after', 'grant', DAY_AFTER),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(2);
    expect(figures['smes-reached'].breakdown).toEqual(smeSizes({ micro: 2 }));
  });

  it('bounds pilot-case partnership by the pilot start date, inclusive', () => {
    const spec = given(
      project(),
      enterprise('a', 'medium'),
      enterprise('b', 'medium'),
      enterprise('c', 'medium'),
      enterprise('d', 'medium'),
      pilotCase('before', ['a'], DAY_BEFORE),
      pilotCase('first-day', ['b'], ON_FROM),
      pilotCase('last-day', ['c'], ON_TO),
      pilotCase('after', ['d'], DAY_AFTER),
    );

    expect(spec.evidenceKeys('smes-reached', cis, Q2)).toEqual(['b', 'c']);
    expect(spec.count(cis, Q2)['smes-reached'].value).toBe(2);
  });

  it('counts an enterprise reached before the period again when it is reached in the period', () => {
    const figures = given(
      project(),
      enterprise('havsbruk', 'small'),
      support('havsbruk', 'grant', '2024-02-01'),
      support('havsbruk', 'non-financial', IN),
    ).count(cis, Q2);

    expect(figures['smes-reached'].value).toBe(1);
  });
});

describe('deduplication across projects', () => {
  const twoProjects = [
    project(P, { fund: 'Interreg', countries: ['SE', 'NO'] }),
    project('regio', { fund: 'ERDF', countries: ['SE'] }),
    enterprise('havsbruk', 'small'),
    enterprise('fiske', 'micro', 'NO'),
    support('havsbruk', 'grant', IN, P),
    support('havsbruk', 'grant', IN, 'regio'),
    support('fiske', 'non-financial', IN, P),
  ];

  it('counts an enterprise supported in two projects once across the programme', () => {
    const figures = given(...twoProjects).count(programme(), Q2);

    expect(figures['smes-reached'].value).toBe(2);
    expect(figures.RCO01.value).toBe(2);
    expect(figures.RCO02.value).toBe(1);
  });

  it('counts it in each project when asked per project', () => {
    const spec = given(...twoProjects);

    expect(spec.count(cis, Q2)['smes-reached'].value).toBe(2);
    expect(spec.count({ kind: 'project', projectId: 'regio' }, Q2)['smes-reached'].value).toBe(1);
    expect(spec.count({ kind: 'project', projectId: 'regio' }, Q2).RCO02.value).toBe(1);
  });

  it('filters the programme by fund', () => {
    const spec = given(...twoProjects);

    expect(spec.evidenceKeys('smes-reached', programme({ fund: 'ERDF' }), Q2)).toEqual(['havsbruk']);
    expect(spec.count(programme({ fund: 'Interreg' }), Q2)['smes-reached'].value).toBe(2);
    expect(spec.count(programme({ fund: 'ESF+' }), Q2)['smes-reached'].value).toBe(0);
  });

  it('filters the programme by country, matching any of a project’s countries', () => {
    const spec = given(...twoProjects);

    expect(spec.evidenceKeys('smes-reached', programme({ country: 'NO' }), Q2)).toEqual(['fiske', 'havsbruk']);
    expect(spec.count(programme({ country: 'SE' }), Q2)['smes-reached'].value).toBe(2);
    expect(spec.count(programme({ country: 'DK' }), Q2)['smes-reached'].value).toBe(0);
    expect(spec.count(programme({ country: 'SE', fund: 'ERDF' }), Q2).RCO04.value).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Activities, pilot cases, outcomes
// ---------------------------------------------------------------------------------------------------------------

describe('activities', () => {
  it('counts activities by format, labs under lab, every format listed', () => {
    const figures = given(
      project(),
      lab('lab1'),
      lab('lab2'),
      activity('ch1', 'challenge'),
      activity('w1', 'workshop', { crossBorder: true }),
      activity('pe1', 'public-event', { crossBorder: true }),
      closed('lab1'),
    ).count(cis, Q2);

    expect(figures.activities.value).toBe(5);
    expect(figures.activities.breakdown).toEqual({
      format: {
        lab: 2,
        challenge: 1,
        'pop-up-office': 0,
        'co-creation': 0,
        lighthouse: 0,
        radical: 0,
        workshop: 1,
        training: 0,
        'study-visit': 0,
        'network-meeting': 0,
        'public-event': 1,
      },
    });
  });

  it('counts an activity in the period it started in, boundaries included', () => {
    const figures = given(
      project(),
      lab('before', DAY_BEFORE),
      lab('first-day', ON_FROM),
      activity('last-day', 'study-visit', { startDate: ON_TO }),
      activity('after', 'study-visit', { startDate: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.activities.value).toBe(2);
    expect(figures.activities.breakdown.format).toMatchObject({ lab: 1, 'study-visit': 1 });
  });
});

describe('pilot-cases', () => {
  it('counts cases started or completed in the period, once each, with both stages in the breakdown', () => {
    const figures = given(
      project(),
      pilotCase('started-before-completed-in', [], '2024-02-01'),
      pilotCompleted('started-before-completed-in', '2024-05-01'),
      pilotCase('started-and-completed-in', [], '2024-04-10'),
      pilotCompleted('started-and-completed-in', '2024-06-10'),
      pilotCase('started-in-still-running', [], '2024-05-10'),
    ).count(cis, Q2);

    expect(figures['pilot-cases'].value).toBe(3);
    expect(figures['pilot-cases'].breakdown).toEqual({ stage: { started: 2, completed: 2 } });
  });

  it('leaves out cases that neither started nor completed in the period, boundaries included', () => {
    const figures = given(
      project(),
      pilotCase('before', [], DAY_BEFORE),
      pilotCase('completed-after', [], DAY_BEFORE),
      pilotCompleted('completed-after', DAY_AFTER),
      pilotCase('first-day', [], ON_FROM),
      pilotCase('completed-last-day', [], '2024-01-15'),
      pilotCompleted('completed-last-day', ON_TO),
      pilotCase('after', [], DAY_AFTER),
    ).count(cis, Q2);

    expect(figures['pilot-cases'].value).toBe(2);
    expect(figures['pilot-cases'].breakdown).toEqual({ stage: { started: 1, completed: 1 } });
  });
});

describe('outcomes', () => {
  it('counts outcomes dated in the period by kind, every kind listed', () => {
    const figures = given(
      project(),
      outcome('o1', 'product-innovation'),
      outcome('o2', 'product-innovation', { date: ON_TO }),
      outcome('o3', 'business-idea', { date: ON_FROM }),
      outcome('o4', 'strategy-developed', { date: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.outcomes.value).toBe(3);
    expect(figures.outcomes.breakdown).toEqual({
      kind: {
        'product-innovation': 2,
        'process-innovation': 0,
        'marketing-innovation': 0,
        'organisational-innovation': 0,
        'solution-developed': 0,
        'solution-taken-up': 0,
        'strategy-developed': 0,
        'strategy-adopted': 0,
        'business-idea': 1,
        'cooperation-continued': 0,
        other: 0,
      },
    });
  });

  it('leaves out retracted outcomes', () => {
    const figures = given(
      project(),
      outcome('kept', 'other'),
      outcome('withdrawn', 'other'),
      outcome('withdrawn-idea', 'business-idea'),
      retracted('withdrawn'),
      retracted('withdrawn-idea'),
    ).count(cis, Q2);

    expect(figures.outcomes.value).toBe(1);
    expect(figures.outcomes.breakdown.kind).toMatchObject({ other: 1, 'business-idea': 0 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Common indicators: enterprises supported
// ---------------------------------------------------------------------------------------------------------------

describe('RCO01 enterprises supported', () => {
  it('counts each supported enterprise once, by size class including large', () => {
    const figures = given(
      project(),
      enterprise('micro1', 'micro'),
      enterprise('small1', 'small'),
      enterprise('medium1', 'medium'),
      enterprise('large1', 'large'),
      enterprise('large2', 'large'),
      lab('lab1'),
      support('micro1', 'grant'),
      support('micro1', 'voucher'),
      support('micro1', 'non-financial'),
      admitted('lab1', 'small1'),
      support('medium1', 'non-financial'),
      support('large1', 'grant'),
      admitted('lab1', 'large2'),
    ).count(cis, Q2);

    expect(figures.RCO01.value).toBe(5);
    expect(figures.RCO01.breakdown).toEqual(sizes({ micro: 1, small: 1, medium: 1, large: 2 }));
  });

  it('leaves out support outside the period and an organisation no longer classified as an enterprise', () => {
    const figures = given(
      project(),
      enterprise('early', 'small'),
      enterprise('late', 'small'),
      enterprise('became-ngo', 'micro'),
      enterprise('on-time', 'medium'),
      support('early', 'grant', DAY_BEFORE),
      support('late', 'grant', DAY_AFTER),
      support('became-ngo', 'grant', IN),
      reclassified('became-ngo', 'ngo'),
      support('on-time', 'grant', ON_TO),
    ).count(cis, Q2);

    expect(figures.RCO01.value).toBe(1);
    expect(figures.RCO01.breakdown).toEqual(sizes({ medium: 1 }));
  });
});

describe('RCO02 enterprises supported by grants', () => {
  it('counts enterprises with a grant or voucher once each, not those with only non-financial support or a lab place', () => {
    const figures = given(
      project(),
      enterprise('grant-twice', 'small'),
      enterprise('voucher', 'micro'),
      enterprise('big-grant', 'large'),
      enterprise('coached', 'small'),
      enterprise('in-lab', 'medium'),
      lab('lab1'),
      support('grant-twice', 'grant'),
      support('grant-twice', 'grant', '2024-06-01'),
      support('voucher', 'voucher'),
      support('big-grant', 'grant'),
      support('coached', 'non-financial'),
      admitted('lab1', 'in-lab'),
    ).count(cis, Q2);

    expect(figures.RCO02.value).toBe(3);
    expect(figures.RCO02.breakdown).toEqual(sizes({ micro: 1, small: 1, large: 1 }));
  });
});

describe('RCO04 enterprises with non-financial support', () => {
  it('counts enterprises with non-financial support or a lab place once each, not those with only a grant', () => {
    const figures = given(
      project(),
      enterprise('coached', 'small'),
      enterprise('in-two-labs', 'medium'),
      enterprise('granted', 'micro'),
      lab('lab1'),
      lab('lab2'),
      support('coached', 'non-financial'),
      support('coached', 'non-financial', '2024-06-01'),
      admitted('lab1', 'in-two-labs'),
      admitted('lab2', 'in-two-labs'),
      support('granted', 'grant'),
    ).count(cis, Q2);

    expect(figures.RCO04.value).toBe(2);
    expect(figures.RCO04.breakdown).toEqual(sizes({ small: 1, medium: 1 }));
  });

  it('RCO02 + RCO04 may exceed RCO01 for an enterprise that got both kinds', () => {
    const figures = given(
      project(),
      enterprise('both', 'small'),
      enterprise('grant-only', 'micro'),
      lab('lab1'),
      support('both', 'grant'),
      admitted('lab1', 'both'),
      support('grant-only', 'voucher'),
    ).count(cis, Q2);

    expect(figures.RCO01.value).toBe(2);
    expect(figures.RCO02.value).toBe(2);
    expect(figures.RCO04.value).toBe(1);
    expect(figures.RCO02.value + figures.RCO04.value).toBeGreaterThan(figures.RCO01.value);
  });
});

describe('RCO05 new enterprises supported', () => {
  it('counts enterprises younger than three years when first supported', () => {
    const figures = given(
      project(),
      enterprise('founded-2022', 'micro', 'SE', 2022),
      enterprise('founded-2024', 'small', 'SE', 2024),
      enterprise('founded-2021', 'micro', 'SE', 2021),
      support('founded-2022', 'grant'),
      support('founded-2024', 'non-financial'),
      support('founded-2021', 'grant'),
    ).count(cis, Q2);

    expect(figures.RCO05.value).toBe(2);
    expect(figures.RCO05.breakdown).toEqual(sizes({ micro: 1, small: 1 }));
  });

  it('leaves out enterprises without a founding year', () => {
    const figures = given(
      project(),
      enterprise('unknown-age', 'micro'),
      enterprise('young', 'micro', 'NO', 2023),
      lab('lab1'),
      admitted('lab1', 'unknown-age'),
      admitted('lab1', 'young'),
    ).count(cis, Q2);

    expect(figures.RCO01.value).toBe(2);
    expect(figures.RCO05.value).toBe(1);
  });

  it('judges the age at the first support, even when that was before the period', () => {
    const period: Period = { from: '2025-01-01', to: '2025-12-31' };
    const spec = given(
      project(),
      enterprise('new-when-first-supported', 'small', 'SE', 2022),
      enterprise('first-supported-at-three', 'small', 'SE', 2022),
      support('new-when-first-supported', 'non-financial', '2024-05-15'),
      support('new-when-first-supported', 'grant', '2025-03-01'),
      support('first-supported-at-three', 'grant', '2025-03-01'),
    );

    expect(spec.evidenceKeys('RCO05', cis, period)).toEqual(['new-when-first-supported']);
    expect(spec.count(cis, period).RCO05.value).toBe(1);
    expect(spec.count(cis, period).RCO01.value).toBe(2);
  });

  it('needs support in the period: an enterprise supported only before it does not count', () => {
    const figures = given(
      project(),
      enterprise('young', 'micro', 'SE', 2023),
      support('young', 'grant', DAY_BEFORE),
    ).count(cis, Q2);

    expect(figures.RCO05.value).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Common indicators: research and cooperation
// ---------------------------------------------------------------------------------------------------------------

describe('RCO07 research organisations in joint research projects', () => {
  it('counts distinct universities and research organisations partnering in pilot cases started in the period, by type', () => {
    const figures = given(
      project(),
      organisation('bth', 'university'),
      organisation('ri-se', 'research-organisation'),
      organisation('uit', 'university', 'NO'),
      organisation('kommun', 'municipality'),
      enterprise('sme', 'small'),
      pilotCase('pc1', ['bth', 'sme', 'kommun']),
      pilotCase('pc2', ['bth', 'ri-se']),
      pilotCase('pc-later', ['uit', 'sme'], DAY_AFTER),
    ).count(cis, Q2);

    expect(figures.RCO07.value).toBe(2);
    expect(figures.RCO07.breakdown).toEqual({ type: { university: 1, 'research-organisation': 1 } });
  });
});

describe('RCO10 enterprises cooperating with research organisations', () => {
  it('counts enterprises that share a pilot case with a university or research organisation', () => {
    const figures = given(
      project(),
      organisation('bth', 'university'),
      organisation('kommun', 'municipality'),
      enterprise('with-uni', 'small'),
      enterprise('big-with-uni', 'large'),
      enterprise('without-uni', 'micro'),
      pilotCase('research', ['bth', 'with-uni', 'big-with-uni']),
      pilotCase('plain', ['kommun', 'without-uni', 'with-uni']),
    ).count(cis, Q2);

    expect(figures.RCO10.value).toBe(2);
    expect(figures.RCO10.breakdown).toEqual(sizes({ small: 1, large: 1 }));
  });

  it('leaves out pilot cases started outside the period', () => {
    const figures = given(
      project(),
      organisation('bth', 'university'),
      enterprise('sme', 'small'),
      pilotCase('research', ['bth', 'sme'], DAY_BEFORE),
    ).count(cis, Q2);

    expect(figures.RCO10.value).toBe(0);
    expect(figures.RCO07.value).toBe(0);
  });
});

describe('RCO81 participations in joint actions across borders', () => {
  it('counts participations, not people: one person at a cross-border workshop on two days counts twice', () => {
    const figures = given(
      project(),
      participant('anna', { gender: 'woman' }),
      participant('ola', { gender: 'man' }),
      activity('w1', 'workshop', { crossBorder: true }),
      attended('w1', 'anna', '2024-05-15'),
      attended('w1', 'anna', '2024-05-16'),
      attended('w1', 'ola', '2024-05-16'),
    ).count(cis, Q2);

    expect(figures.RCO81.value).toBe(3);
    expect(figures.RCO81.breakdown).toEqual(genders({ woman: 2, man: 1 }));
  });

  it('leaves out public events and activities that are not cross-border', () => {
    const figures = given(
      project(),
      participant('anna'),
      activity('cross', 'study-visit', { crossBorder: true }),
      activity('public', 'public-event', { crossBorder: true }),
      activity('local', 'workshop', { crossBorder: false }),
      lab('lab1'),
      attended('cross', 'anna'),
      attended('public', 'anna'),
      attended('local', 'anna'),
      attended('lab1', 'anna'),
    ).count(cis, Q2);

    expect(figures.RCO81.value).toBe(1);
  });

  it('counts attendance dated in the period, boundaries included', () => {
    const figures = given(
      project(),
      participant('anna', { gender: 'another' }),
      activity('w1', 'network-meeting', { crossBorder: true, startDate: '2024-03-01' }),
      attended('w1', 'anna', DAY_BEFORE),
      attended('w1', 'anna', ON_FROM),
      attended('w1', 'anna', ON_TO),
      attended('w1', 'anna', DAY_AFTER),
    ).count(cis, Q2);

    expect(figures.RCO81.value).toBe(2);
    expect(figures.RCO81.breakdown).toEqual(genders({ another: 2 }));
  });

  it('counts earlier attendance by the gender as corrected later', () => {
    const figures = given(
      project(),
      participant('anna', { gender: 'man' }),
      activity('w1', 'workshop', { crossBorder: true }),
      attended('w1', 'anna'),
      attended('w1', 'anna', ON_TO),
      corrected('anna', { gender: 'woman' }),
    ).count(cis, Q2);

    expect(figures.RCO81.breakdown).toEqual(genders({ woman: 2 }));
  });
});

describe('RCO83 strategies and action plans jointly developed', () => {
  it('counts a strategy tied to a cross-border activity', () => {
    const figures = given(
      project(),
      activity('w1', 'workshop', { crossBorder: true }),
      activity('local', 'workshop', { crossBorder: false }),
      outcome('joint', 'strategy-developed', { activityId: 'w1' }),
      outcome('local', 'strategy-developed', { activityId: 'local' }),
      outcome('untied', 'strategy-developed'),
    ).count(cis, Q2);

    expect(figures.RCO83.value).toBe(1);
  });

  it('counts a strategy from a pilot case with partners from two countries, not from a single-country one', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('se2', 'small', 'SE'),
      enterprise('no1', 'small', 'NO'),
      pilotCase('two-countries', ['se1', 'no1']),
      pilotCase('one-country', ['se1', 'se2']),
      outcome('joint', 'strategy-developed', { pilotCaseId: 'two-countries' }),
      outcome('national', 'strategy-developed', { pilotCaseId: 'one-country' }),
      outcome('other-kind', 'strategy-adopted', { pilotCaseId: 'two-countries' }),
    ).count(cis, Q2);

    expect(figures.RCO83.value).toBe(1);
  });

  it('leaves out retracted strategies and those dated outside the period', () => {
    const figures = given(
      project(),
      activity('w1', 'workshop', { crossBorder: true, startDate: '2024-03-01' }),
      outcome('kept', 'strategy-developed', { activityId: 'w1', date: ON_TO }),
      outcome('withdrawn', 'strategy-developed', { activityId: 'w1' }),
      outcome('early', 'strategy-developed', { activityId: 'w1', date: DAY_BEFORE }),
      retracted('withdrawn'),
    ).count(cis, Q2);

    expect(figures.RCO83.value).toBe(1);
  });
});

describe('RCO84 pilot actions developed jointly and implemented', () => {
  it('in a project spanning several countries, counts completed cases with partners from at least two countries', () => {
    const figures = given(
      project(P, { countries: ['SE', 'NO'] }),
      enterprise('se1', 'small', 'SE'),
      enterprise('se2', 'medium', 'SE'),
      organisation('uit', 'university', 'NO'),
      pilotCase('two-countries', ['se1', 'uit']),
      pilotCompleted('two-countries'),
      pilotCase('one-country', ['se1', 'se2']),
      pilotCompleted('one-country'),
    ).count(cis, Q2);

    expect(figures.RCO84.value).toBe(1);
  });

  it('in a single-country project, counts completed cases with at least two partners', () => {
    const figures = given(
      project(P, { countries: ['SE'], fund: 'ERDF' }),
      enterprise('se1', 'small', 'SE'),
      enterprise('se2', 'medium', 'SE'),
      pilotCase('two-partners', ['se1', 'se2']),
      pilotCompleted('two-partners'),
      pilotCase('one-partner', ['se1']),
      pilotCompleted('one-partner'),
    ).count(cis, Q2);

    expect(figures.RCO84.value).toBe(1);
  });

  it('counts only cases completed in the period: a joint case still running does not count', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('no1', 'small', 'NO'),
      pilotCase('running', ['se1', 'no1']),
      pilotCase('completed-later', ['se1', 'no1']),
      pilotCompleted('completed-later', DAY_AFTER),
    ).count(cis, Q2);

    expect(figures.RCO84.value).toBe(0);
    expect(figures['pilot-cases'].value).toBe(2);
  });

  it('counts a case completed in the period though it started before', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('no1', 'small', 'NO'),
      pilotCase('long', ['se1', 'no1'], '2024-02-01'),
      pilotCompleted('long', ON_FROM),
    ).count(cis, Q2);

    expect(figures.RCO84.value).toBe(1);
  });
});

describe('RCO87 organisations cooperating across borders', () => {
  it('counts distinct partners of pilot cases with partners from two countries, by country', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('se2', 'small', 'SE'),
      organisation('uit', 'university', 'NO'),
      organisation('kommun', 'municipality', 'SE'),
      pilotCase('joint-1', ['se1', 'uit']),
      pilotCase('joint-2', ['se1', 'se2', 'uit']),
      pilotCase('national', ['kommun', 'se1']),
    ).count(cis, Q2);

    expect(figures.RCO87.value).toBe(3);
    expect(figures.RCO87.breakdown).toEqual({ country: { SE: 2, NO: 1 } });
  });

  it('counts the organisations whose staff attended a cross-border activity in the period', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('no1', 'micro', 'NO'),
      enterprise('local', 'micro', 'SE'),
      participant('anna', { organisationId: 'se1' }),
      participant('kari', { organisationId: 'no1' }),
      participant('kari2', { organisationId: 'no1' }),
      participant('freelancer', { role: 'creative' }),
      participant('lena', { organisationId: 'local' }),
      activity('w1', 'workshop', { crossBorder: true }),
      activity('home', 'workshop', { crossBorder: false }),
      attended('w1', 'anna'),
      attended('w1', 'kari'),
      attended('w1', 'kari2'),
      attended('w1', 'freelancer'),
      attended('home', 'lena'),
      attended('w1', 'lena', DAY_AFTER),
    ).count(cis, Q2);

    expect(figures.RCO87.value).toBe(2);
    expect(figures.RCO87.breakdown).toEqual({ country: { SE: 1, NO: 1 } });
  });

  it('counts an attendee under the organisation as corrected after the attendance', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      enterprise('no1', 'micro', 'NO'),
      participant('anna', { organisationId: 'se1' }),
      participant('kari'),
      activity('w1', 'workshop', { crossBorder: true }),
      attended('w1', 'anna'),
      attended('w1', 'kari'),
      corrected('anna', { organisationId: 'no1' }),
      corrected('kari', { organisationId: 'se1' }),
    ).count(cis, Q2);

    expect(figures.RCO87.breakdown).toEqual({ country: { SE: 1, NO: 1 } });
  });
});

describe('RCO115 public events across borders', () => {
  it('counts cross-border public events started in the period', () => {
    const figures = given(
      project(),
      activity('fair', 'public-event', { crossBorder: true }),
      activity('fair-last-day', 'public-event', { crossBorder: true, startDate: ON_TO }),
      activity('local-fair', 'public-event', { crossBorder: false }),
      activity('cross-workshop', 'workshop', { crossBorder: true }),
      activity('fair-later', 'public-event', { crossBorder: true, startDate: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.RCO115.value).toBe(2);
  });
});

describe('RCO116 jointly developed solutions', () => {
  it('counts solutions developed in a pilot case with at least two partners', () => {
    const figures = given(
      project(P, { countries: ['SE'] }),
      enterprise('se1', 'small'),
      enterprise('se2', 'small'),
      pilotCase('two-partners', ['se1', 'se2']),
      pilotCase('one-partner', ['se1']),
      outcome('joint', 'solution-developed', { pilotCaseId: 'two-partners' }),
      outcome('alone', 'solution-developed', { pilotCaseId: 'one-partner' }),
      outcome('no-pilot', 'solution-developed', { organisationId: 'se1' }),
      outcome('other-kind', 'solution-taken-up', { pilotCaseId: 'two-partners' }),
    ).count(cis, Q2);

    expect(figures.RCO116.value).toBe(1);
  });

  it('leaves out retracted solutions and those dated outside the period', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small'),
      enterprise('no1', 'small', 'NO'),
      pilotCase('pc1', ['se1', 'no1'], '2024-02-01'),
      outcome('kept', 'solution-developed', { pilotCaseId: 'pc1', date: ON_FROM }),
      outcome('withdrawn', 'solution-developed', { pilotCaseId: 'pc1' }),
      outcome('later', 'solution-developed', { pilotCaseId: 'pc1', date: DAY_AFTER }),
      retracted('withdrawn'),
    ).count(cis, Q2);

    expect(figures.RCO116.value).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Result indicators
// ---------------------------------------------------------------------------------------------------------------

describe('RCR03 SMEs introducing product or process innovation', () => {
  it('counts distinct SMEs with a product or process innovation, by size class', () => {
    const figures = given(
      project(),
      enterprise('twice', 'micro'),
      enterprise('process', 'medium'),
      enterprise('big', 'large'),
      organisation('kommun', 'municipality'),
      enterprise('marketing', 'small'),
      outcome('o1', 'product-innovation', { organisationId: 'twice' }),
      outcome('o2', 'process-innovation', { organisationId: 'twice' }),
      outcome('o3', 'process-innovation', { organisationId: 'process' }),
      outcome('o4', 'product-innovation', { organisationId: 'big' }),
      outcome('o5', 'process-innovation', { organisationId: 'kommun' }),
      outcome('o6', 'marketing-innovation', { organisationId: 'marketing' }),
      outcome('o7', 'product-innovation'),
    ).count(cis, Q2);

    expect(figures.RCR03.value).toBe(2);
    expect(figures.RCR03.breakdown).toEqual(smeSizes({ micro: 1, medium: 1 }));
  });

  it('leaves out retracted innovations and those dated outside the period', () => {
    const figures = given(
      project(),
      enterprise('withdrawn', 'small'),
      enterprise('kept', 'small'),
      enterprise('later', 'small'),
      outcome('o1', 'product-innovation', { organisationId: 'withdrawn' }),
      retracted('o1'),
      outcome('o2', 'product-innovation', { organisationId: 'kept', date: ON_TO }),
      outcome('o3', 'product-innovation', { organisationId: 'later', date: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.RCR03.value).toBe(1);
    expect(figures.RCR03.breakdown).toEqual(smeSizes({ small: 1 }));
  });
});

describe('RCR04 SMEs introducing marketing or organisational innovation', () => {
  it('counts each SME once across several outcomes, leaving out retracted ones and large enterprises', () => {
    const figures = given(
      project(),
      enterprise('busy', 'small'),
      enterprise('reorganised', 'medium'),
      enterprise('retracted-only', 'micro'),
      enterprise('big', 'large'),
      enterprise('product-only', 'medium'),
      outcome('o1', 'marketing-innovation', { organisationId: 'busy' }),
      outcome('o2', 'organisational-innovation', { organisationId: 'busy' }),
      outcome('o3', 'marketing-innovation', { organisationId: 'busy', date: ON_FROM }),
      outcome('o3b', 'organisational-innovation', { organisationId: 'reorganised' }),
      outcome('o4', 'organisational-innovation', { organisationId: 'retracted-only' }),
      retracted('o4'),
      outcome('o5', 'marketing-innovation', { organisationId: 'big' }),
      outcome('o6', 'product-innovation', { organisationId: 'product-only' }),
    ).count(cis, Q2);

    expect(figures.RCR04.value).toBe(2);
    expect(figures.RCR04.breakdown).toEqual(smeSizes({ small: 1, medium: 1 }));
  });
});

describe('RCR79 joint strategies taken up', () => {
  const jointlyDeveloped = (outcomeId: string, date: string) =>
    outcome(outcomeId, 'strategy-developed', { activityId: 'w1', date });

  it('counts adopted strategies in the period, not retracted ones', () => {
    const figures = given(
      project(),
      activity('w1', 'workshop', { crossBorder: true, startDate: '2024-02-01' }),
      jointlyDeveloped('d1', '2024-02-15'),
      jointlyDeveloped('d2', '2024-02-16'),
      jointlyDeveloped('d3', '2024-02-17'),
      outcome('a1', 'strategy-adopted'),
      outcome('a2', 'strategy-adopted', { date: ON_TO }),
      outcome('a3', 'strategy-adopted'),
      retracted('a3'),
      outcome('a4', 'strategy-adopted', { date: DAY_AFTER }),
    ).count(cis, Q2);

    expect(figures.RCR79.value).toBe(2);
  });

  it('never exceeds the strategies jointly developed up to the end of the period, including before it', () => {
    const figures = given(
      project(),
      activity('w1', 'workshop', { crossBorder: true, startDate: '2024-02-01' }),
      jointlyDeveloped('before-period', '2024-02-15'),
      jointlyDeveloped('after-period', DAY_AFTER),
      outcome('a1', 'strategy-adopted'),
      outcome('a2', 'strategy-adopted'),
      outcome('a3', 'strategy-adopted'),
    ).count(cis, Q2);

    expect(figures.RCO83.value).toBe(0);
    expect(figures.RCR79.value).toBe(1);
  });

  it('is zero when no strategy was jointly developed, and retracted developments do not raise the ceiling', () => {
    const figures = given(
      project(),
      activity('w1', 'workshop', { crossBorder: true, startDate: '2024-02-01' }),
      jointlyDeveloped('withdrawn', '2024-02-15'),
      retracted('withdrawn'),
      outcome('a1', 'strategy-adopted'),
    ).count(cis, Q2);

    expect(figures.RCR79.value).toBe(0);
  });
});

describe('RCR84 organisations cooperating across borders after the project', () => {
  it('counts distinct organisations with a continued-cooperation outcome, by country', () => {
    const figures = given(
      project(),
      enterprise('se1', 'small', 'SE'),
      organisation('uit', 'university', 'NO'),
      organisation('kommun', 'municipality', 'SE'),
      organisation('region', 'region', 'NO'),
      outcome('o1', 'cooperation-continued', { organisationId: 'se1' }),
      outcome('o2', 'cooperation-continued', { organisationId: 'se1', date: ON_TO }),
      outcome('o3', 'cooperation-continued', { organisationId: 'uit' }),
      outcome('o4', 'cooperation-continued', { organisationId: 'kommun' }),
      retracted('o4'),
      outcome('o5', 'cooperation-continued', { organisationId: 'region', date: DAY_AFTER }),
      outcome('o6', 'other', { organisationId: 'kommun' }),
    ).count(cis, Q2);

    expect(figures.RCR84.value).toBe(2);
    expect(figures.RCR84.breakdown).toEqual({ country: { SE: 1, NO: 1 } });
  });
});

describe('RCR104 solutions taken up or up-scaled', () => {
  it('counts solutions taken up in the period, not retracted ones', () => {
    const figures = given(
      project(),
      outcome('t1', 'solution-taken-up'),
      outcome('t2', 'solution-taken-up', { date: ON_FROM }),
      outcome('t3', 'solution-taken-up'),
      retracted('t3'),
      outcome('t4', 'solution-taken-up', { date: DAY_BEFORE }),
      outcome('d1', 'solution-developed'),
    ).count(cis, Q2);

    expect(figures.RCR104.value).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Targets, evidence, position
// ---------------------------------------------------------------------------------------------------------------

describe('targets and baselines', () => {
  it('reports the target and baseline a project set, and null where it set none', () => {
    const figures = given(project(), target('RCO01', 20, 2), target('participants', 100)).count(cis, Q2);

    expect(figures.RCO01).toMatchObject({ target: 20, baseline: 2 });
    expect(figures.participants).toMatchObject({ target: 100, baseline: null });
    expect(figures.RCO02).toMatchObject({ target: null, baseline: null });
  });

  it('takes the latest target set for a code', () => {
    const figures = given(project(), target('RCO01', 20, 2), target('RCO01', 25, 3), target('RCO87', 8, 1), target('RCO87', 10)).count(
      cis,
      Q2,
    );

    expect(figures.RCO01).toMatchObject({ target: 25, baseline: 3 });
    expect(figures.RCO87).toMatchObject({ target: 10, baseline: null });
  });

  it('adds up the targets and baselines of the projects in a programme scope', () => {
    const spec = given(
      project(P, { fund: 'Interreg' }),
      project('regio', { fund: 'ERDF', countries: ['SE'] }),
      project('idle', { fund: 'ERDF', countries: ['SE'] }),
      target('RCO01', 20, 2, P),
      target('RCO01', 15, 1, 'regio'),
      target('RCO02', 5, undefined, 'regio'),
    );

    expect(spec.count(programme(), Q2).RCO01).toMatchObject({ target: 35, baseline: 3 });
    expect(spec.count(programme(), Q2).RCO02).toMatchObject({ target: 5, baseline: null });
    expect(spec.count(programme({ fund: 'ERDF' }), Q2).RCO01).toMatchObject({ target: 15, baseline: 1 });
    expect(spec.count({ kind: 'project', projectId: 'regio' }, Q2).RCO01).toMatchObject({ target: 15, baseline: 1 });
  });
});

describe('evidence', () => {
  it('lists for smes-reached exactly the enterprises the value counts', () => {
    const spec = given(
      project(),
      enterprise('in-lab-twice', 'micro'),
      enterprise('supported', 'small'),
      enterprise('pilot', 'medium'),
      enterprise('big', 'large'),
      organisation('uni', 'university'),
      enterprise('outside', 'small'),
      lab('lab1'),
      lab('lab2'),
      admitted('lab1', 'in-lab-twice'),
      admitted('lab2', 'in-lab-twice'),
      support('supported', 'grant'),
      support('in-lab-twice', 'non-financial'),
      support('big', 'grant'),
      support('outside', 'grant', DAY_AFTER),
      pilotCase('pc1', ['pilot', 'uni', 'big']),
    );

    const keys = spec.evidenceKeys('smes-reached', cis, Q2);
    expect(keys).toEqual(['in-lab-twice', 'pilot', 'supported']);
    expect(spec.count(cis, Q2)['smes-reached'].value).toBe(keys.length);
  });

  it('names the events that made each item count', () => {
    const spec = given(
      project(), // 1
      enterprise('havsbruk', 'small'), // 2
      lab('lab1'), // 3
      admitted('lab1', 'havsbruk'), // 4
      support('havsbruk', 'voucher'), // 5
    );

    const { items } = spec.calculator.evidence('smes-reached', cis, Q2);
    expect(items.map((item) => [item.key, item.position])).toEqual([
      ['havsbruk', 4],
      ['havsbruk', 5],
    ]);
  });

  it('lists one row per participation for RCO81, as many as the value', () => {
    const spec = given(
      project(),
      participant('anna'),
      activity('w1', 'workshop', { crossBorder: true }),
      attended('w1', 'anna', '2024-05-15'),
      attended('w1', 'anna', '2024-05-16'),
    );

    const { items } = spec.calculator.evidence('RCO81', cis, Q2);
    expect(items.map((item) => item.key)).toEqual(['w1/anna/2024-05-15', 'w1/anna/2024-05-16']);
    expect(spec.count(cis, Q2).RCO81.value).toBe(items.length);
  });

  it('rejects an unknown indicator code', () => {
    expect(() => given(project()).calculator.evidence('RCO99', cis, Q2)).toThrow('Unknown indicator RCO99');
  });
});

describe('position', () => {
  it('is the position of the last event applied', () => {
    const spec = given(project(), enterprise('havsbruk', 'small'), support('havsbruk', 'grant'));

    expect(spec.calculator.compute(cis, Q2).position).toBe(3);
    expect(spec.calculator.evidence('RCO01', cis, Q2).position).toBe(3);
  });

  it('moves on as more events are applied, and the figures with it', () => {
    const spec = given(project(), enterprise('havsbruk', 'small'));
    expect(spec.calculator.compute(cis, Q2)).toMatchObject({ position: 2 });

    spec.replay.apply(
      recordedLog(
        [support('havsbruk', 'grant'), outcome('o1', 'other')] as unknown as Array<{ type: string; data: Record<string, unknown> }>,
        41,
      ),
    );

    const after = spec.calculator.compute(cis, Q2);
    expect(after.position).toBe(42);
    expect(after.indicators.find((figure) => figure.code === 'RCO01')?.value).toBe(1);
  });
});
