import { crossInnovation, type ApiFixture } from '../support/api-fixture.js';

/**
 * The first Cross Innovation Challenge (Karlshamn, October 2023), recorded through the API as in
 * test/api/cross-innovation-challenge.e2e.spec.ts, plus targets so progress bars have something to show.
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

export interface Scenario {
  projectId: string;
  otherProjectId: string;
  organisationIds: string[];
  participantIds: string[];
  reportId: string;
  lastPosition: number;
}

export async function recordCrossInnovationChallenge(api: ApiFixture): Promise<Scenario> {
  let lastPosition = 0;
  const write = async (url: string, body: unknown, status = 201) => {
    const response = await api.post(url, body);
    // Says which write of the scenario was refused, and why, rather than only the status.
    if (response.status !== status) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
    lastPosition = response.body.position;
    return response.body.id as string;
  };
  const projectId = await write('/api/projects', crossInnovation);
  const otherProjectId = await write('/api/projects', { ...crossInnovation, name: 'Kickstart Digitalisering', fund: 'Interreg', countries: ['SE', 'NO'] });
  await write(`/api/projects/${projectId}/targets`, { code: 'participants', target: 40, baseline: 0 }, 200);
  await write(`/api/projects/${projectId}/targets`, { code: 'smes-reached', target: 10, baseline: 2 }, 200);

  const organisationIds: string[] = [];
  for (const company of companies) organisationIds.push(await write('/api/organisations', company));
  const challengeId = await write(`/api/projects/${projectId}/activities`, {
    format: 'challenge',
    name: 'Cross Innovation Challenge Karlshamn: hav och vatten',
    startDate: '2023-10-10',
    endDate: '2023-10-12',
    crossBorder: false,
  });
  const participantIds: string[] = [];
  for (const [name, gender] of creatives) {
    participantIds.push(
      await write(`/api/projects/${projectId}/participants`, { person: { name, email: emailOf(name), phone: '+46 70 123 45 67' }, gender, role: 'creative', registeredOn: '2023-10-02' }),
    );
  }
  for (const [index, organisationId] of organisationIds.entries()) {
    participantIds.push(
      await write(`/api/projects/${projectId}/participants`, {
        person: { name: `Representative ${index + 1}` },
        gender: index % 2 === 0 ? 'woman' : 'man',
        role: 'company-representative',
        organisationId,
        registeredOn: '2023-10-02',
      }),
    );
  }
  for (const participantId of participantIds) {
    for (const date of ['2023-10-10', '2023-10-11', '2023-10-12']) await write(`/api/activities/${challengeId}/attendance`, { participantId, date }, 200);
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
  await write(`/api/activities/${challengeId}/close`, { closedOn: '2023-10-12' }, 200);
  // A later participant, so the half-years differ from the whole project.
  participantIds.push(
    await write(`/api/projects/${projectId}/participants`, { person: { name: 'Greta Sundin', email: 'greta@example.se' }, gender: 'woman', role: 'creative', registeredOn: '2024-03-04' }),
  );
  const report = await api
    .post(`/api/projects/${projectId}/reports`, { label: 'Lägesrapport 2023 H2', from: '2023-07-01', to: '2023-12-31', minPosition: lastPosition })
    .expect(201);
  lastPosition = report.body.position;
  return { projectId, otherProjectId, organisationIds, participantIds, reportId: report.body.id, lastPosition };
}
