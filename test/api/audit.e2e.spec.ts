import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * What a controller from the managing authority asks: how did this figure come about, what did the project
 * know when it reported, and has anything changed since.
 */
describe('audit and replay over HTTP', () => {
  let api: ApiFixture;
  let projectId: string;
  let otherProjectId: string;
  const organisations: Record<string, string> = {};
  const people: Record<string, string> = {};
  let outcomeId: string;
  let last = 0;
  let reportId: string;
  let reportPosition: number;
  let beforeCorrections: string;
  let correctionPosition: number;

  const write = async (url: string, body: unknown, status = 201) => {
    const response = await api.post(url, body).expect(status);
    last = response.body.position;
    return response.body.id as string;
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 15));
  type Figure = { code: string; value: number; breakdown: Record<string, Record<string, number>> };
  const figure = (body: { indicators: Figure[] }, code: string) => body.indicators.find((i) => i.code === code)!;
  const H1 = 'from=2024-01-01&to=2024-06-30';

  beforeAll(async () => {
    api = await startApi();
    projectId = await write('/api/projects', crossInnovation);
    otherProjectId = await write('/api/projects', { ...crossInnovation, name: 'Kickstart S3' });
    for (const [name, sizeClass] of [
      ['Åkesson Design AB', 'micro'],
      ['Öresund Verkstad AB', 'small'],
      ['Ystad Stål AB', 'large'],
      ['Karlshamn Havsbruk AB', 'medium'],
    ] as const) {
      organisations[name] = await write('/api/organisations', { name, country: 'SE', type: 'enterprise', sizeClass });
    }
    for (const [who, gender, registeredOn] of [
      ['Anna', 'woman', '2024-01-15'],
      ['Bodil', 'woman', '2024-02-10'],
      ['Carl', 'man', '2024-03-01'],
    ] as const) {
      people[who] = await write(`/api/projects/${projectId}/participants`, {
        person: { name: who, email: `${who.toLowerCase()}@example.se` },
        gender,
        role: 'creative',
        registeredOn,
      });
    }
    await write(`/api/projects/${otherProjectId}/participants`, { person: { name: 'Dag' }, gender: 'man', role: 'creative', registeredOn: '2024-03-01' });
    const labId = await write(`/api/projects/${projectId}/labs`, { name: 'Lab: cirkulära material', theme: 'Cirkulär ekonomi', startDate: '2024-02-01', endDate: '2024-06-30' });
    await write(`/api/labs/${labId}/companies`, { organisationId: organisations['Åkesson Design AB'], admittedOn: '2024-02-01' }, 200);
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['Öresund Verkstad AB'], kind: 'grant', date: '2024-03-15', amountEur: 5000 });
    await write(`/api/projects/${projectId}/support`, { organisationId: organisations['Ystad Stål AB'], kind: 'non-financial', date: '2024-04-01' });
    await write(`/api/projects/${otherProjectId}/support`, { organisationId: organisations['Karlshamn Havsbruk AB'], kind: 'non-financial', date: '2024-04-01' });
    outcomeId = await write(`/api/projects/${projectId}/outcomes`, {
      kind: 'product-innovation',
      organisationId: organisations['Öresund Verkstad AB'],
      date: '2024-05-20',
      description: 'Ny produkt av restmaterial',
    });

    const report = await api
      .post(`/api/projects/${projectId}/reports`, { label: 'Lägesrapport 2024 H1', from: '2024-01-01', to: '2024-06-30', minPosition: last })
      .expect(201);
    reportId = report.body.id;
    reportPosition = report.body.figuresPosition;
    last = report.body.position;

    await tick();
    beforeCorrections = new Date().toISOString();
    await tick();
    await write(`/api/participants/${people.Carl}/corrections`, { gender: 'woman', reason: 'Fel kön registrerat' }, 200);
    correctionPosition = last;
    await write(`/api/outcomes/${outcomeId}/retraction`, { reason: 'Produkten lanserades aldrig' }, 200);
    people.Eva = await write(`/api/projects/${projectId}/participants`, { person: { name: 'Eva' }, gender: 'woman', role: 'creative', registeredOn: '2024-06-30' });
    // A change outside the reported period is not a change to the report.
    await write(`/api/projects/${projectId}/participants`, { person: { name: 'Fia' }, gender: 'woman', role: 'creative', registeredOn: '2024-07-01' });
    await api.get(`/api/projects/${projectId}/indicators?minPosition=${last}`).expect(200);
  });
  afterAll(() => api.close());

  describe('figures as they stood', () => {
    it('shows the old value as of before the correction and the new value after it', async () => {
      const before = await api.get(`/api/projects/${projectId}/indicators?${H1}&asOf=${correctionPosition - 1}`).expect(200);
      expect(figure(before.body, 'participants').breakdown.gender).toMatchObject({ woman: 2, man: 1 });
      expect(before.body.position).toBe(correctionPosition - 1);

      const after = await api.get(`/api/projects/${projectId}/indicators?${H1}&asOf=${correctionPosition}`).expect(200);
      expect(figure(after.body, 'participants').breakdown.gender).toMatchObject({ woman: 3, man: 0 });
      expect(figure(after.body, 'RCR03').value).toBe(1);

      const now = await api.get(`/api/projects/${projectId}/indicators?${H1}`).expect(200);
      expect(figure(now.body, 'participants')).toMatchObject({ value: 4, breakdown: { gender: { woman: 4, man: 0 } } });
      expect(figure(now.body, 'RCR03').value).toBe(0);
    });

    it('takes a timestamp: what had been recorded by then', async () => {
      const response = await api.get(`/api/projects/${projectId}/indicators?${H1}&asOf=${encodeURIComponent(beforeCorrections)}`).expect(200);
      expect(response.body.asOf).toBe(beforeCorrections);
      expect(figure(response.body, 'participants')).toMatchObject({ value: 3, breakdown: { gender: { woman: 2, man: 1 } } });
      expect(figure(response.body, 'RCR03').value).toBe(1);
    });

    it('as of now equals the live answer', async () => {
      const live = await api.get(`/api/projects/${projectId}/indicators?${H1}`).expect(200);
      const replayed = await api.get(`/api/projects/${projectId}/indicators?${H1}&asOf=${live.body.position}`).expect(200);
      expect(replayed.body.indicators).toEqual(live.body.indicators);
    });

    it('refuses an asOf that is neither a position nor a timestamp, naming the field and the rule', async () => {
      const response = await api.get(`/api/projects/${projectId}/indicators?asOf=last-tuesday`).expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ field: 'asOf', rule: 'isPositionOrTimestamp' })]);
    });
  });

  describe('evidence', () => {
    it('lists exactly the enterprises smes-reached counts, with the events that made them count', async () => {
      const response = await api.get(`/api/projects/${projectId}/indicators/smes-reached/evidence?${H1}`).expect(200);
      const keys = [...new Set(response.body.items.map((item: { key: string }) => item.key))].sort();
      expect(keys).toEqual([organisations['Åkesson Design AB'], organisations['Öresund Verkstad AB']].sort());
      expect(response.body.value).toBe(keys.length);
      const log = await api.allEvents();
      for (const item of response.body.items as Array<{ key: string; position: number }>) {
        const event = log.find((e) => e.position === item.position)!;
        expect(['CompanyAdmittedToLab', 'EnterpriseSupportRecorded']).toContain(event.type);
        expect((event.data as { organisationId: string }).organisationId).toBe(item.key);
      }
    });

    it('answers evidence as it stood, too', async () => {
      const then = await api.get(`/api/projects/${projectId}/indicators/RCR03/evidence?${H1}&asOf=${reportPosition}`).expect(200);
      expect(then.body).toMatchObject({ value: 1, items: [expect.objectContaining({ key: organisations['Öresund Verkstad AB'] })] });
      const now = await api.get(`/api/projects/${projectId}/indicators/RCR03/evidence?${H1}`).expect(200);
      expect(now.body).toMatchObject({ value: 0, items: [] });
    });

    it('says which indicators exist when asked for another', async () => {
      const response = await api.get(`/api/projects/${projectId}/indicators/RCO999/evidence`).expect(404);
      expect(response.body.message).toContain('/api/indicators/catalogue');
    });
  });

  describe('reports', () => {
    it('keeps the report with its figures, position and digest', async () => {
      const response = await api.get(`/api/reports/${reportId}`).expect(200);
      expect(response.body).toMatchObject({
        id: reportId,
        projectId,
        label: 'Lägesrapport 2024 H1',
        period: { from: '2024-01-01', to: '2024-06-30' },
        figuresPosition: reportPosition,
        submittedBy: expect.any(String),
      });
      expect(response.body.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(figure(response.body.figures, 'participants')).toMatchObject({ value: 3, breakdown: { gender: { woman: 2, man: 1 } } });

      const list = await api.get(`/api/projects/${projectId}/reports`).expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ id: reportId, figuresPosition: reportPosition, digest: response.body.digest })]);
      const other = await api.get(`/api/projects/${otherProjectId}/reports`).expect(200);
      expect(other.body.items).toEqual([]);
    });

    it('verifies: the figures recompute at the stored position, and the later changes for the period are counted by type', async () => {
      const response = await api.get(`/api/reports/${reportId}/verification`).expect(200);
      expect(response.body).toMatchObject({ result: 'match', digestMatches: true, differences: [] });
      const report = await api.get(`/api/reports/${reportId}`).expect(200);
      expect(response.body.digest).toBe(report.body.digest);
      const { differences, events } = response.body.changesSince;
      expect(differences).toEqual(
        expect.arrayContaining([
          { code: 'participants', field: 'value', reported: 3, recomputed: 4 },
          { code: 'participants', field: 'breakdown.gender.man', reported: 1, recomputed: 0 },
          { code: 'RCR03', field: 'value', reported: 1, recomputed: 0 },
        ]),
      );
      // Fia registered in July, outside the period: not a change to this report.
      expect(events).toEqual({ total: 3, byType: { ParticipantCorrected: 1, OutcomeRetracted: 1, ParticipantRegistered: 1 } });
    });

    it("gives a viewer figures, never events: the events behind the changes need log:read, and are paged", async () => {
      const token = async (role: string, projectIds?: string[]) =>
        (await api.post('/api/access/tokens', { name: `${role} i revisionen`, role, ...(projectIds ? { projectIds } : {}) }).expect(201)).body.token as string;
      const viewer = await token('viewer', [projectId]);
      const auditor = await token('auditor');
      const as = (who: string, url: string) => api.raw().get(url).set('Authorization', `Bearer ${who}`);

      const figures = await as(viewer, `/api/reports/${reportId}/verification`).expect(200);
      const text = JSON.stringify(figures.body);
      for (const leak of ['streamName', 'metadata', '"type":', '"revision"', 'Fel kön registrerat', 'Eva', people.Carl, people.Eva]) {
        expect(text).not.toContain(leak);
      }
      await as(viewer, `/api/reports/${reportId}/verification/changes`).expect(403);

      const all = await as(auditor, `/api/reports/${reportId}/verification/changes`).expect(200);
      expect(all.body.next).toBeNull();
      const types = all.body.events.map((event: { type: string; streamName: string }) => `${event.type} ${event.streamName}`);
      expect(types).toEqual([
        `ParticipantCorrected participant-${people.Carl}`,
        `OutcomeRetracted outcome-${outcomeId}`,
        `ParticipantRegistered participant-${people.Eva}`,
      ]);
      const pages: Array<{ position: number }> = [];
      let after: number | undefined;
      do {
        const page = await as(auditor, `/api/reports/${reportId}/verification/changes?limit=1${after === undefined ? '' : `&after=${after}`}`).expect(200);
        expect(page.body.events).toHaveLength(1);
        pages.push(...page.body.events);
        after = page.body.next?.after;
      } while (after !== undefined);
      expect(pages.map((event) => event.position)).toEqual(all.body.events.map((event: { position: number }) => event.position));
      // Envelopes, no personal plaintext: the correction says why by category, not in the corrector's words.
      expect(JSON.stringify(all.body)).not.toContain('Fel kön registrerat');
      expect(JSON.stringify(all.body)).not.toContain('carl@example.se');
      await as(auditor, `/api/reports/${reportId}/verification/changes?limit=0`).expect(400);
    });

    it('records a verification with its outcome and who checked, beside the report', async () => {
      const recorded = await api.post(`/api/reports/${reportId}/verifications`).expect(201);
      expect(recorded.body).toMatchObject({ reportId, result: 'match', streamName: `report-${reportId}`, revision: 1 });
      const report = await api.get(`/api/reports/${reportId}`).expect(200);
      expect(report.body.verifications).toEqual([
        expect.objectContaining({ result: 'match', digestMatches: true, differences: 0, verifiedBy: expect.stringMatching(/^token:/) }),
      ]);
      expect(report.body.verifications[0].changedSince).toBeGreaterThan(0);
    });

    it('refuses a period that ends before it starts, and writes nothing', async () => {
      const before = (await api.allEvents()).length;
      const response = await api.post(`/api/projects/${projectId}/reports`, { label: 'Fel', from: '2024-06-30', to: '2024-01-01' }).expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ field: 'to', rule: 'notBeforeFrom' })]);
      await api.post(`/api/projects/${projectId}/reports`, { from: '2024-01-01' }).expect(400);
      expect((await api.allEvents()).length).toBe(before);
    });

    it('answers 404 for an unknown report or project', async () => {
      await api.get('/api/reports/00000000-0000-4000-8000-000000000000').expect(404);
      await api.get('/api/reports/00000000-0000-4000-8000-000000000000/verification').expect(404);
      await api.post('/api/projects/00000000-0000-4000-8000-000000000000/reports', { label: 'x' }).expect(404);
    });
  });

  describe('history', () => {
    it("shows one entity's history with who, when, why and under which request", async () => {
      const response = await api.get(`/api/streams/participant-${people.Carl}/events`).expect(200);
      expect(response.body.events.map((e: { type: string }) => e.type)).toEqual(['ParticipantRegistered', 'ParticipantCorrected']);
      expect(response.body.events[1].metadata).toMatchObject({
        actor: expect.any(String),
        recordedAt: expect.any(String),
        correlationId: expect.any(String),
        causationId: expect.any(String),
        command: 'CorrectParticipant',
        reasonCategory: 'other',
      });
      // Why, in the corrector's words: sealed with Carl's key in the log, opened for a caller who may read it.
      expect(response.body.events[1].data).toMatchObject({ reason: 'Fel kön registrerat', reasonCategory: 'other' });
      expect(response.body.events[1].data).not.toHaveProperty('sealedReason');
      expect(JSON.stringify(response.body)).not.toContain('carl@example.se');
      const paged = await api.get(`/api/streams/participant-${people.Carl}/events?limit=1`).expect(200);
      expect(paged.body.next).toEqual({ fromRevision: 1 });
      await api.get(`/api/streams/participant-${'0'.repeat(8)}-0000-4000-8000-000000000000/events`).expect(404);
      await api.get(`/api/streams/${encodeURIComponent('$all')}/events?limit=0`).expect(400);
    });

    it('pages through the global log, by type and by stream category', async () => {
      const all = await api.allEvents();
      const first = await api.get('/api/events?limit=5').expect(200);
      expect(first.body.events.map((e: { position: number }) => e.position)).toEqual(all.slice(0, 5).map((e) => e.position));
      const second = await api.get(`/api/events?limit=5&after=${first.body.next.after}`).expect(200);
      expect(second.body.events[0].position).toBe(all[5].position);
      const corrections = await api.get('/api/events?type=ParticipantCorrected').expect(200);
      expect(corrections.body.events.map((e: { streamName: string }) => e.streamName)).toEqual([`participant-${people.Carl}`]);
      const organisationsOnly = await api.get('/api/events?stream=organisation').expect(200);
      expect(organisationsOnly.body.events).toHaveLength(4);
      await api.get('/api/events?limit=100000').expect(400);
      await api.get('/api/events?type=%24all').expect(400);
    });

    it("lists every event of a project and none of another's", async () => {
      const response = await api.get(`/api/projects/${projectId}/history?limit=1000`).expect(200);
      const streams = new Set(response.body.events.map((e: { streamName: string }) => e.streamName));
      expect(streams).toContain(`project-${projectId}`);
      expect(streams).toContain(`participant-${people.Carl}`);
      expect(streams).toContain(`report-${reportId}`);
      expect(streams).not.toContain(`project-${otherProjectId}`);
      const positions = response.body.events.map((e: { position: number }) => e.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      const page = await api.get(`/api/projects/${projectId}/history?limit=2&after=${positions[1]}`).expect(200);
      expect(page.body.events.map((e: { position: number }) => e.position)).toEqual(positions.slice(2, 4));
    });

    it('pages a project history in log order, every event once, and filters by type and by stream or category', async () => {
      const log = await api.allEvents();
      const ours = new Set(
        log.filter((e) => (e.data as { projectId?: string }).projectId === projectId).map((e) => e.streamName),
      );
      const expected = log.filter((e) => ours.has(e.streamName));
      const pageThrough = async (query: string) => {
        const seen: Array<{ position: number; type: string; streamName: string; revision: number; id: string }> = [];
        let after: number | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await api.get(`/api/projects/${projectId}/history?limit=3${query}${after === undefined ? '' : `&after=${after}`}`).expect(200);
          seen.push(...page.body.events);
          if (!page.body.next) return seen;
          expect(page.body.events).toHaveLength(3);
          after = page.body.next.after;
        }
        throw new Error('history did not end');
      };
      const all = await pageThrough('');
      expect(all.map((e) => [e.position, e.streamName, e.revision, e.id, e.type])).toEqual(
        expected.map((e) => [e.position, e.streamName, e.revision, e.id, e.type]),
      );
      const corrections = await pageThrough('&type=ParticipantCorrected');
      expect(corrections.map((e) => e.streamName)).toEqual([`participant-${people.Carl}`]);
      const participants = await pageThrough('&stream=participant');
      expect(participants.map((e) => e.position)).toEqual(expected.filter((e) => e.streamName.startsWith('participant-')).map((e) => e.position));
      const carl = await pageThrough(`&stream=participant-${people.Carl}`);
      expect(carl.map((e) => e.type)).toEqual(['ParticipantRegistered', 'ParticipantCorrected']);
      const last = all[all.length - 1].position;
      expect((await api.get(`/api/projects/${projectId}/history?after=${last}`).expect(200)).body).toMatchObject({ events: [], next: null });
      await api.get(`/api/projects/${projectId}/history?type=%24all`).expect(400);
    });
  });
});
