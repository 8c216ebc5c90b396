import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * The first Cross Innovation Challenge from the seed text: Karlshamn, October 2023, theme "hav och vatten",
 * nine creatives and four companies from Skåne and Blekinge, recorded the way project staff would.
 */
describe('scenario: the first Cross Innovation Challenge (Karlshamn, October 2023)', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const companies = [
    { name: 'Havsbruket i Karlshamn AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '559123-0007' },
    { name: 'Blekinge Marinteknik AB', country: 'SE', type: 'enterprise', sizeClass: 'small', organisationNumber: '559123-0015' },
    { name: 'Östersjö Fiskeförädling AB', country: 'SE', type: 'enterprise', sizeClass: 'small', organisationNumber: '559123-0023' },
    { name: 'Skånes Vattenrening AB', country: 'SE', type: 'enterprise', sizeClass: 'medium', organisationNumber: '559123-0031' },
  ];
  const creatives = [
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
  const days = ['2023-10-10', '2023-10-11', '2023-10-12'];

  it('records the challenge, its people and companies, and what came out of it', async () => {
    const project = await api.post('/api/projects', crossInnovation).expect(201);
    const projectId = project.body.id as string;

    const organisationIds: string[] = [];
    for (const company of companies) {
      organisationIds.push((await api.post('/api/organisations', company).expect(201)).body.id);
    }

    const challenge = await api
      .post(`/api/projects/${projectId}/activities`, {
        format: 'challenge',
        name: 'Cross Innovation Challenge Karlshamn: hav och vatten',
        startDate: '2023-10-10',
        endDate: '2023-10-12',
        crossBorder: false,
      })
      .expect(201);
    const challengeId = challenge.body.id as string;

    const participantIds: string[] = [];
    for (const [name, gender] of creatives) {
      const registered = await api
        .post(`/api/projects/${projectId}/participants`, {
          person: { name, email: `${name.split(' ')[0].toLowerCase()}@example.se` },
          gender,
          role: 'creative',
          registeredOn: '2023-10-02',
        })
        .expect(201);
      participantIds.push(registered.body.id);
    }
    for (const [index, organisationId] of organisationIds.entries()) {
      const representative = await api
        .post(`/api/projects/${projectId}/participants`, {
          person: { name: `Representative ${index + 1}` },
          gender: index % 2 === 0 ? 'woman' : 'man',
          role: 'company-representative',
          organisationId,
          registeredOn: '2023-10-02',
        })
        .expect(201);
      participantIds.push(representative.body.id);
    }

    for (const participantId of participantIds) {
      for (const date of days) {
        await api.post(`/api/activities/${challengeId}/attendance`, { participantId, date }).expect(200);
      }
    }
    for (const organisationId of organisationIds) {
      await api
        .post(`/api/projects/${projectId}/support`, {
          organisationId,
          kind: 'non-financial',
          date: '2023-10-12',
          hours: 24,
          activityId: challengeId,
        })
        .expect(201);
    }
    await api
      .post(`/api/projects/${projectId}/outcomes`, {
        kind: 'business-idea',
        organisationId: organisationIds[1],
        activityId: challengeId,
        date: '2023-10-12',
        description: 'Underwater sound art as a way to monitor fish farms',
      })
      .expect(201);
    const closed = await api.post(`/api/activities/${challengeId}/close`, { closedOn: '2023-10-12' }).expect(200);

    const activity = await api.get(`/api/activities/${challengeId}`).expect(200);
    expect(activity.headers.etag).toBe(`"${closed.body.revision}"`);
    expect(activity.body).toMatchObject({
      id: challengeId,
      projectId,
      kind: 'challenge',
      closed: true,
      closedOn: '2023-10-12',
      startDate: '2023-10-10',
      endDate: '2023-10-12',
    });
    expect(activity.body.attendance.total).toBe(13 * 3);
    expect(activity.body.attendance.items).toHaveLength(13 * 3);
    expect(new Set(activity.body.attendance.items.map((a: { participantId: string }) => a.participantId)).size).toBe(13);

    const events = await api.allEvents();
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('ProjectRegistered')).toBe(1);
    expect(count('OrganisationRegistered')).toBe(4);
    expect(count('ActivityOpened')).toBe(1);
    expect(count('ParticipantRegistered')).toBe(13);
    expect(count('AttendanceRecorded')).toBe(39);
    expect(count('EnterpriseSupportRecorded')).toBe(4);
    expect(count('OutcomeRecorded')).toBe(1);
    expect(count('ActivityClosed')).toBe(1);
    const registrations = events.filter((e) => e.type === 'ParticipantRegistered').map((e) => e.data as { role: string; gender: string });
    expect(registrations.filter((r) => r.role === 'creative')).toHaveLength(9);
    expect(registrations.filter((r) => r.role === 'creative' && r.gender === 'woman')).toHaveLength(5);

    // The challenge is over: nothing more is recorded on it, and nothing is written by trying.
    const late = await api.post(`/api/activities/${challengeId}/attendance`, { participantId: participantIds[0], date: '2023-10-12' });
    expect(late.status).toBe(422);
    expect(late.body.message).toMatch(/closed/);
    expect((await api.allEvents()).length).toBe(events.length);
  });
});
