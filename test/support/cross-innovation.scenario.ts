import { crossInnovation, type ApiFixture } from './api-fixture.js';

/**
 * The first Cross Innovation Challenge from the seed text (Karlshamn, October 2023, theme "hav och vatten"):
 * four companies from Skåne and Blekinge and nine creatives, recorded through the API the way project staff
 * would. One copy of the scenario for every test that records it.
 */
export const companies = [
  { name: 'Havsbruket i Karlshamn AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '559123-0015' },
  { name: 'Blekinge Marinteknik AB', country: 'SE', type: 'enterprise', sizeClass: 'small', organisationNumber: '559123-0023' },
  { name: 'Östersjö Fiskeförädling AB', country: 'SE', type: 'enterprise', sizeClass: 'small', organisationNumber: '559123-0031' },
  { name: 'Skånes Vattenrening AB', country: 'SE', type: 'enterprise', sizeClass: 'medium', organisationNumber: '559123-0049' },
];
export const creatives = [
  ['Elin Åkesson', 'woman'],
  ['Sara Lindqvist', 'woman'],
  ['Maja Öhman', 'woman'],
  ['Nora Berg', 'woman'],
  ['Ida Holm', 'woman'],
  ['Jonas Ek', 'man'],
  ['Ali Hassan', 'man'],
  ['Kim Strand', 'another'],
  ['Alex Nyberg', 'not-stated'],
] as const;
export const emailOf = (name: string) => `${name.split(' ')[0].toLowerCase()}@example.se`;
export const challengeDays = ['2023-10-10', '2023-10-11', '2023-10-12'];

/** The answer to a write: what a test reads back from it. */
export interface Written {
  id: string;
  position: number;
  revision: number;
}

/** POSTs and answers the write; a refusal says which write of the scenario it was and why, not only its status. */
export function writerFor(api: ApiFixture) {
  return async (url: string, body: unknown, status = 201): Promise<Written> => {
    const response = await api.post(url, body);
    if (response.status !== status) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
    return response.body as Written;
  };
}

export interface Challenge {
  challengeId: string;
  organisationIds: string[];
  /** The nine creatives, then the four companies' representatives. */
  participantIds: string[];
  /** The last write: closing the challenge. */
  closed: Written;
}

/**
 * The challenge in a registered project: the companies, the challenge, its creatives and the companies'
 * representatives at all three days, the support to each company, one outcome, and the challenge closed.
 */
export async function recordChallenge(write: ReturnType<typeof writerFor>, projectId: string): Promise<Challenge> {
  const organisationIds: string[] = [];
  for (const company of companies) organisationIds.push((await write('/api/organisations', company)).id);
  const { id: challengeId } = await write(`/api/projects/${projectId}/activities`, {
    format: 'challenge',
    name: 'Cross Innovation Challenge Karlshamn: hav och vatten',
    startDate: '2023-10-10',
    endDate: '2023-10-12',
    crossBorder: false,
  });
  const participantIds: string[] = [];
  for (const [name, gender] of creatives) {
    const person = { name, email: emailOf(name), phone: '+46 70 123 45 67' };
    participantIds.push((await write(`/api/projects/${projectId}/participants`, { person, gender, role: 'creative', registeredOn: '2023-10-02' })).id);
  }
  for (const [index, organisationId] of organisationIds.entries()) {
    const representative = {
      person: { name: `Representative ${index + 1}` },
      gender: index % 2 === 0 ? 'woman' : 'man',
      role: 'company-representative',
      organisationId,
      registeredOn: '2023-10-02',
    };
    participantIds.push((await write(`/api/projects/${projectId}/participants`, representative)).id);
  }
  for (const participantId of participantIds) {
    for (const date of challengeDays) await write(`/api/activities/${challengeId}/attendance`, { participantId, date }, 200);
  }
  for (const organisationId of organisationIds) {
    await write(`/api/projects/${projectId}/support`, { organisationId, kind: 'non-financial', date: '2023-10-12', hours: 24, activityId: challengeId });
  }
  await write(`/api/projects/${projectId}/outcomes`, {
    kind: 'business-idea',
    organisationId: organisationIds[1],
    activityId: challengeId,
    date: '2023-10-12',
    description: 'Underwater sound art as a way to monitor fish farms',
  });
  const closed = await write(`/api/activities/${challengeId}/close`, { closedOn: '2023-10-12' }, 200);
  return { challengeId, organisationIds, participantIds, closed };
}

export interface Scenario {
  projectId: string;
  otherProjectId: string;
  organisationIds: string[];
  participantIds: string[];
  reportId: string;
  lastPosition: number;
}

/**
 * The challenge as the dashboard and the reporting tests read it: with targets (so progress bars have something
 * to show), a second project, a participant registered later (so the half-years differ from the whole project)
 * and a report submitted for 2023 H2.
 */
export async function recordCrossInnovationChallenge(api: ApiFixture): Promise<Scenario> {
  const write = writerFor(api);
  const { id: projectId } = await write('/api/projects', crossInnovation);
  const { id: otherProjectId } = await write('/api/projects', { ...crossInnovation, name: 'Kickstart Digitalisering', fund: 'Interreg', countries: ['SE', 'NO'] });
  await write(`/api/projects/${projectId}/targets`, { code: 'participants', target: 40, baseline: 0 }, 200);
  await write(`/api/projects/${projectId}/targets`, { code: 'smes-reached', target: 10, baseline: 2 }, 200);
  const { organisationIds, participantIds } = await recordChallenge(write, projectId);
  const later = await write(`/api/projects/${projectId}/participants`, {
    person: { name: 'Greta Sundin', email: 'greta@example.se' },
    gender: 'woman',
    role: 'creative',
    registeredOn: '2024-03-04',
  });
  participantIds.push(later.id);
  const report = await api
    .post(`/api/projects/${projectId}/reports`, { label: 'Lägesrapport 2023 H2', from: '2023-07-01', to: '2023-12-31', minPosition: later.position })
    .expect(201);
  return { projectId, otherProjectId, organisationIds, participantIds, reportId: report.body.id, lastPosition: report.body.position };
}
