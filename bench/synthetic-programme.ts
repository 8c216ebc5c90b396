/**
 * A synthetic programme written through the event store port, shaped like the real ones: projects with
 * labs and other activities, enterprises of every size class supported in several projects, people
 * attending several days, corrections, reclassifications, retractions and erasures. Deterministic: the
 * same scale and seed give the same log.
 */
import type { EventStore, NewEvent } from '@app/event-store';

export interface ProgrammeScale {
  projects: number;
  organisations: number;
  participants: number;
  /** Attendance records per participant, on average. */
  attendancePerParticipant: number;
}

export const FULL_SCALE: ProgrammeScale = { projects: 50, organisations: 20_000, participants: 100_000, attendancePerParticipant: 7.6 };

const GENDERS = ['woman', 'woman', 'man', 'man', 'another', 'not-stated'];
const ROLES = ['creative', 'company-representative', 'public-sector', 'researcher', 'student', 'other'];
const SIZES = ['micro', 'micro', 'micro', 'small', 'small', 'medium', 'large'];
const OTHER_TYPES = ['municipality', 'region', 'university', 'research-organisation', 'ngo', 'creative-practitioner'];
const FORMATS = ['challenge', 'pop-up-office', 'co-creation', 'lighthouse', 'workshop', 'training', 'study-visit', 'public-event'];
const OUTCOMES = ['product-innovation', 'process-innovation', 'marketing-innovation', 'organisational-innovation', 'solution-developed', 'solution-taken-up', 'strategy-developed', 'strategy-adopted', 'business-idea', 'cooperation-continued'];

function random(seed: number): () => number {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (kind: number, n: number) =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function day(start: number, offset: number): string {
  return new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
}

export async function writeSyntheticProgramme(
  store: EventStore,
  scale: ProgrammeScale,
  onProgress?: (events: number) => void,
  seed = 42,
): Promise<{ events: number; projectIds: string[] }> {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)];
  let events = 0;
  const pending: Array<Promise<unknown>> = [];
  const metadata = () => ({ correlationId: 'bench', causationId: 'bench', actor: 'bench', recordedAt: '2026-11-22T10:00:00.000Z' });
  const append = async (stream: string, list: Array<{ type: string; data: unknown }>) => {
    const batch: NewEvent[] = list.map((e) => ({ ...e, metadata: metadata() }));
    pending.push(store.appendToStream(stream, batch, { expectedRevision: 'any' }));
    events += batch.length;
    if (pending.length >= 2_000) await drain();
  };
  const drain = async () => {
    await Promise.all(pending.splice(0));
    onProgress?.(events);
  };

  const projectStart = Date.UTC(2023, 0, 1);
  const projectIds: string[] = [];
  const projectCountries: string[][] = [];
  for (let p = 0; p < scale.projects; p++) {
    const projectId = uuid(1, p);
    projectIds.push(projectId);
    const interreg = p % 3 === 0;
    const countries = interreg ? ['SE', 'NO'] : ['SE'];
    projectCountries.push(countries);
    await append(`project-${projectId}`, [
      {
        type: 'ProjectRegistered',
        data: { projectId, name: `Projekt ${p} Småland och Öarna`, programme: interreg ? 'Interreg Aurora' : 'Regionalfonden', fund: interreg ? 'Interreg' : 'ERDF', startDate: '2023-01-01', endDate: '2026-12-31', countries },
      },
      ...['participants', 'smes-reached', 'RCO01', 'RCO02', 'RCO04', 'RCR03', 'pilot-cases', 'activities', 'creatives', 'outcomes'].map((code) => ({
        type: 'IndicatorTargetSet',
        data: { projectId, code, target: Math.round(rnd() * 500), baseline: 0 },
      })),
    ]);
  }

  const organisationIds: string[] = [];
  const enterpriseIds: string[] = [];
  const researchIds: string[] = [];
  for (let o = 0; o < scale.organisations; o++) {
    const organisationId = uuid(2, o);
    organisationIds.push(organisationId);
    const enterprise = rnd() < 0.85;
    const type = enterprise ? 'enterprise' : pick(OTHER_TYPES);
    if (enterprise) enterpriseIds.push(organisationId);
    if (type === 'university' || type === 'research-organisation') researchIds.push(organisationId);
    await append(`organisation-${organisationId}`, [
      {
        type: 'OrganisationRegistered',
        data: {
          organisationId,
          name: `Organisation ${o} Åäö AB`,
          country: rnd() < 0.8 ? 'SE' : 'NO',
          type,
          ...(enterprise ? { sizeClass: pick(SIZES), foundedYear: 1990 + Math.floor(rnd() * 35) } : {}),
        },
      },
    ]);
  }

  const activitiesPerProject = 40;
  const activities: Array<{ activityId: string; projectIndex: number; start: number; lab: boolean }> = [];
  for (let p = 0; p < scale.projects; p++) {
    for (let a = 0; a < activitiesPerProject; a++) {
      const activityId = uuid(3, p * activitiesPerProject + a);
      const start = Math.floor(rnd() * 1300);
      const lab = a % 10 === 0;
      activities.push({ activityId, projectIndex: p, start, lab });
      const common = { activityId, projectId: projectIds[p], name: `Aktivitet ${a}`, startDate: day(projectStart, start), endDate: day(projectStart, start + (lab ? 120 : 2)) };
      await append(`activity-${activityId}`, [
        lab
          ? { type: 'LabOpened', data: { ...common, theme: 'Hav och vatten', capacity: { companies: 4, creatives: 16 } } }
          : { type: 'ActivityOpened', data: { ...common, format: pick(FORMATS), crossBorder: projectCountries[p].length > 1 && rnd() < 0.5 } },
      ]);
    }
  }

  const participantsByProject: string[][] = projectIds.map(() => []);
  for (let n = 0; n < scale.participants; n++) {
    const participantId = uuid(4, n);
    const p = n % scale.projects;
    participantsByProject[p].push(participantId);
    await append(`participant-${participantId}`, [
      {
        type: 'ParticipantRegistered',
        data: {
          participantId,
          projectId: projectIds[p],
          person: { keyId: uuid(5, n), algorithm: 'AES-256-GCM', iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'c3ludGhldGljIHBlcnNvbmFsIGRhdGE=', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' },
          gender: pick(GENDERS),
          birthYear: 1950 + Math.floor(rnd() * 55),
          role: pick(ROLES),
          ...(rnd() < 0.5 ? { organisationId: pick(organisationIds) } : {}),
          registeredOn: day(projectStart, Math.floor(rnd() * 1400)),
        },
      },
    ]);
  }

  for (const activity of activities) {
    const people = participantsByProject[activity.projectIndex];
    const list: Array<{ type: string; data: unknown }> = [];
    if (activity.lab) {
      for (let c = 0; c < 4; c++) list.push({ type: 'CompanyAdmittedToLab', data: { activityId: activity.activityId, organisationId: enterpriseIds[(activity.projectIndex * 97 + c * 13 + activity.start) % enterpriseIds.length], admittedOn: day(projectStart, activity.start) } });
      for (let c = 0; c < 16; c++) list.push({ type: 'CreativeAdmittedToLab', data: { activityId: activity.activityId, participantId: people[(activity.start + c) % people.length], admittedOn: day(projectStart, activity.start) } });
    }
    const attendances = Math.round((scale.participants * scale.attendancePerParticipant) / activities.length);
    for (let i = 0; i < attendances; i++) {
      list.push({ type: 'AttendanceRecorded', data: { activityId: activity.activityId, participantId: people[Math.floor(rnd() * people.length)], date: day(projectStart, activity.start + (i % 3)) } });
    }
    for (let i = 0; i < list.length; i += 1_000) await append(`activity-${activity.activityId}`, list.slice(i, i + 1_000));
  }

  const supports = Math.round(scale.organisations * 3);
  for (let s = 0; s < supports; s++) {
    const supportId = uuid(6, s);
    const kind = rnd() < 0.3 ? 'grant' : rnd() < 0.3 ? 'voucher' : 'non-financial';
    await append(`support-${supportId}`, [
      { type: 'EnterpriseSupportRecorded', data: { supportId, projectId: projectIds[s % scale.projects], organisationId: pick(enterpriseIds), kind, date: day(projectStart, Math.floor(rnd() * 1400)), ...(kind !== 'non-financial' ? { amountEur: 1000 + Math.floor(rnd() * 50_000) } : {}) } },
    ]);
  }

  const pilotCases = scale.projects * 20;
  const pilotIds: string[] = [];
  for (let c = 0; c < pilotCases; c++) {
    const pilotCaseId = uuid(7, c);
    pilotIds.push(pilotCaseId);
    const start = Math.floor(rnd() * 1000);
    const partners = [pick(enterpriseIds), pick(enterpriseIds), ...(rnd() < 0.4 && researchIds.length > 0 ? [pick(researchIds)] : [])];
    await append(`pilotCase-${pilotCaseId}`, [
      { type: 'PilotCaseStarted', data: { pilotCaseId, projectId: projectIds[c % scale.projects], title: `Pilotfall ${c}`, organisationIds: [...new Set(partners)], startDate: day(projectStart, start) } },
      ...(rnd() < 0.6 ? [{ type: 'PilotCaseCompleted', data: { pilotCaseId, date: day(projectStart, start + 200), evidence: 'Slutrapport' } }] : []),
    ]);
  }

  const outcomes = Math.round(scale.participants * 0.4);
  for (let o = 0; o < outcomes; o++) {
    const outcomeId = uuid(8, o);
    const c = Math.floor(rnd() * pilotCases);
    await append(`outcome-${outcomeId}`, [
      { type: 'OutcomeRecorded', data: { outcomeId, projectId: projectIds[c % scale.projects], kind: pick(OUTCOMES), organisationId: pick(enterpriseIds), ...(rnd() < 0.3 ? { pilotCaseId: pilotIds[c] } : {}), date: day(projectStart, Math.floor(rnd() * 1400)), description: 'Resultat' } },
      ...(rnd() < 0.05 ? [{ type: 'OutcomeRetracted', data: { outcomeId, reason: 'Fel företag' } }] : []),
    ]);
  }

  for (let n = 0; n < scale.participants / 10; n++) {
    const participantId = uuid(4, Math.floor(rnd() * scale.participants));
    await append(`participant-${participantId}`, [{ type: 'ParticipantCorrected', data: { participantId, changes: { gender: pick(GENDERS) }, reason: 'Felregistrerat kön' } }]);
  }
  for (let n = 0; n < scale.participants / 200; n++) {
    const participantId = uuid(4, Math.floor(rnd() * scale.participants));
    await append(`participant-${participantId}`, [{ type: 'ParticipantErased', data: { participantId, reason: 'GDPR art. 17' } }]);
  }
  for (let n = 0; n < scale.organisations / 10; n++) {
    const organisationId = pick(enterpriseIds);
    await append(`organisation-${organisationId}`, [{ type: 'OrganisationReclassified', data: { organisationId, type: 'enterprise', sizeClass: pick(SIZES), reason: 'Ny årsredovisning' } }]);
  }
  await drain();
  return { events, projectIds };
}
