import type { RecordedEvent } from '@app/event-store';
import { EvidenceTrail, entityStream, IndicatorCalculator, INDICATOR_CATALOGUE, ReadModelReplay } from '@app/reporting';

/*
 * Every indicator's evidence, traced: each item names the stream of the entity it counts (an organisation, a
 * person, an activity, a pilot case, an outcome; a participation counts its person) and the event at its
 * position. Given a project in which every indicator counts something, through the real projections.
 */

const P = 'cis';

/** Events in log order, each in the stream its command handler writes it to. */
function log(events: ReadonlyArray<readonly [stream: string, type: string, data: Record<string, unknown>]>): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map(([streamName, type, data], index) => {
    const revision = (revisions.get(streamName) ?? -1) + 1;
    revisions.set(streamName, revision);
    return {
      id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      streamName,
      revision,
      position: (index + 1) * 10,
      type,
      data,
      metadata: { actor: 'test', correlationId: 'c', causationId: 'c', recordedAt: '2025-01-01T00:00:00.000Z' },
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
  });
}

const organisation = (id: string, country: string, type: string, sizeClass?: string, foundedYear?: number) =>
  [`organisation-${id}`, 'OrganisationRegistered', { organisationId: id, name: id, country, type, ...(sizeClass ? { sizeClass, foundedYear } : {}) }] as const;
const participant = (id: string, role: string, organisationId: string) =>
  [`participant-${id}`, 'ParticipantRegistered', {
    participantId: id,
    projectId: P,
    person: { keyId: `k-${id}`, algorithm: 'AES-256-GCM', iv: 'aXY=', ciphertext: 'Yw==', tag: 'dGFn' },
    gender: 'woman',
    role,
    organisationId,
    registeredOn: '2024-05-02',
  }] as const;
const outcome = (id: string, kind: string, links: Record<string, string> = {}) =>
  [`outcome-${id}`, 'OutcomeRecorded', { outcomeId: id, projectId: P, kind, date: '2024-06-20', description: kind, ...links }] as const;

const events = log([
  [`project-${P}`, 'ProjectRegistered', { projectId: P, name: 'CIS', programme: 'Interreg Aurora', fund: 'Interreg', startDate: '2024-01-01', endDate: '2026-12-31', countries: ['SE', 'NO'] }],
  organisation('young', 'SE', 'enterprise', 'micro', 2023),
  organisation('fiske', 'NO', 'enterprise', 'small', 1990),
  organisation('verket', 'SE', 'enterprise', 'medium', 1970),
  organisation('lu', 'SE', 'university'),
  participant('elin', 'creative', 'young'),
  participant('ola', 'company-representative', 'fiske'),
  ['activity-lab', 'LabOpened', { activityId: 'lab', projectId: P, name: 'Lab', theme: 'hav', startDate: '2024-05-01', endDate: '2024-12-31', capacity: { companies: 4, creatives: 16 } }],
  ['activity-lab', 'CompanyAdmittedToLab', { activityId: 'lab', organisationId: 'young', admittedOn: '2024-05-03' }],
  ['activity-lab', 'CreativeAdmittedToLab', { activityId: 'lab', participantId: 'elin', admittedOn: '2024-05-03' }],
  ['activity-meet', 'ActivityOpened', { activityId: 'meet', projectId: P, format: 'workshop', name: 'Möte', startDate: '2024-05-10', endDate: '2024-05-10', crossBorder: true }],
  ['activity-meet', 'AttendanceRecorded', { activityId: 'meet', participantId: 'elin', date: '2024-05-10' }],
  ['activity-meet', 'AttendanceRecorded', { activityId: 'meet', participantId: 'ola', date: '2024-05-10' }],
  ['activity-fair', 'ActivityOpened', { activityId: 'fair', projectId: P, format: 'public-event', name: 'Mässa', startDate: '2024-05-20', endDate: '2024-05-20', crossBorder: true }],
  ['support-s1', 'EnterpriseSupportRecorded', { supportId: 's1', projectId: P, organisationId: 'verket', kind: 'grant', date: '2024-05-15', amountEur: 5000 }],
  ['support-s2', 'EnterpriseSupportRecorded', { supportId: 's2', projectId: P, organisationId: 'fiske', kind: 'non-financial', date: '2024-05-15', hours: 10 }],
  ['pilotCase-pc', 'PilotCaseStarted', { pilotCaseId: 'pc', projectId: P, title: 'Pilot', organisationIds: ['young', 'fiske', 'lu'], startDate: '2024-05-15' }],
  ['pilotCase-pc', 'PilotCaseCompleted', { pilotCaseId: 'pc', date: '2024-06-15', evidence: 'slutrapport' }],
  outcome('strategy', 'strategy-developed', { activityId: 'meet' }),
  outcome('adopted', 'strategy-adopted'),
  outcome('solution', 'solution-developed', { pilotCaseId: 'pc' }),
  outcome('product', 'product-innovation', { organisationId: 'young' }),
  outcome('marketing', 'marketing-innovation', { organisationId: 'fiske' }),
  outcome('continued', 'cooperation-continued', { organisationId: 'fiske' }),
  outcome('taken-up', 'solution-taken-up'),
]);

describe('evidence trail', () => {
  const replay = new ReadModelReplay().apply(events);
  const calculator = new IndicatorCalculator(replay.db);
  const trail = new EvidenceTrail(replay.db);
  afterAll(() => replay.close());

  it.each(INDICATOR_CATALOGUE.map((definition) => [definition.code, definition] as const))(
    '%s: every item names its entity stream and the event at its position',
    (code, definition) => {
      const { items } = calculator.evidence(code, { kind: 'project', projectId: P }, {});
      expect(items.length).toBeGreaterThan(0);
      for (const item of trail.trace(P, definition, items)) {
        // The entity's own stream: it exists, and its first event is about the entity.
        const first = events.find((event) => event.streamName === item.streamName);
        expect(first).toBeDefined();
        const id = item.streamName.slice(item.streamName.indexOf('-') + 1);
        expect(String(item.key).split('/')).toContain(id);
        expect(Object.values(first!.data as Record<string, unknown>)).toContain(id);
        const event = events.find((e) => e.position === item.position)!;
        expect(item.event).toEqual({ streamName: event.streamName, revision: event.revision, type: event.type });
      }
    },
  );

  it("names a participation's person, and refuses no key shape the catalogue gives", () => {
    expect(entityStream('attendance', 'meet/elin/2024-05-10')).toBe('participant-elin');
    expect(entityStream('pilotCase', 'pc')).toBe('pilotCase-pc');
  });

  it('leaves the event out, never guesses it, while the history index has not reached a position', () => {
    const [item] = calculator.evidence('participants', { kind: 'project', projectId: P }, {}).items;
    const [traced] = trail.trace(P, INDICATOR_CATALOGUE[0], [{ ...item, position: 999_999 }]);
    expect(traced).toMatchObject({ streamName: `participant-${item.key}`, event: null });
  });
});
