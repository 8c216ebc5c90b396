import { startApi, type ApiFixture } from '../support/api-fixture.js';
import { recordCrossInnovationChallenge, type Scenario } from '../support/cross-innovation.scenario.js';

/**
 * `GET /api/indicators/by-project`: a table of projects with their main figures and progress in one call,
 * instead of one indicators call per project. Every figure in it must be the project's own answer for the same
 * period, and staff and viewers must see only their projects in it.
 */
type Value = { code: string; name: string; unit: string; value: number; target: number | null; baseline: number | null };
type Row = { id: string; name: string; fund: string; countries: string[]; indicators: Value[] };

const MAIN = ['participants', 'smes-reached', 'activities', 'outcomes'];
const H2 = 'from=2023-07-01&to=2023-12-31';

describe('GET /api/indicators/by-project', () => {
  let api: ApiFixture;
  let scenario: Scenario;
  const tokens: Record<'staff' | 'viewer' | 'auditor', string> = {} as never;

  beforeAll(async () => {
    api = await startApi();
    scenario = await recordCrossInnovationChallenge(api);
    for (const [key, body] of [
      ['staff', { name: 'Projektledare', role: 'staff', projectIds: [scenario.projectId] }],
      ['viewer', { name: 'Styrgrupp', role: 'viewer', projectIds: [scenario.otherProjectId] }],
      ['auditor', { name: 'Revisor', role: 'auditor' }],
    ] as const) {
      tokens[key] = (await api.post('/api/access/tokens', body).expect(201)).body.token;
    }
  });
  afterAll(() => api?.close());

  const as = (token: string, url: string) => api.raw().get(url).set('Authorization', `Bearer ${token}`);
  const ownFigures = async (projectId: string, query: string) =>
    (await api.get(`/api/projects/${projectId}/indicators?${query}`).expect(200)).body.indicators as Array<Value & { breakdown: unknown }>;

  it("answers every project with its main figures and every targeted figure, each equal to the project's own answer", async () => {
    for (const query of ['', H2, `${H2}&lang=sv`]) {
      const response = await api.get(`/api/indicators/by-project?minPosition=${scenario.lastPosition}&${query}`).expect(200);
      expect(response.body).toMatchObject({ main: MAIN, total: 2, limit: 50, offset: 0, fund: null, country: null });
      expect(response.body.items.map((row: Row) => row.id).sort()).toEqual([scenario.projectId, scenario.otherProjectId].sort());
      for (const row of response.body.items as Row[]) {
        const own = await ownFigures(row.id, query);
        // Main figures always; a targeted figure too (the scenario's project set participants and smes-reached).
        const expected = own
          .filter((figure) => MAIN.includes(figure.code) || figure.target !== null)
          .map(({ breakdown: _, ...value }) => value);
        expect(row.indicators).toEqual(expected);
      }
    }
    const whole = (await api.get('/api/indicators/by-project').expect(200)).body.items.find((row: Row) => row.id === scenario.projectId);
    expect(whole.indicators.find((f: Value) => f.code === 'participants')).toMatchObject({ value: 14, target: 40, baseline: 0 });
    const half = (await api.get(`/api/indicators/by-project?${H2}`).expect(200)).body;
    expect(half.period).toEqual({ from: '2023-07-01', to: '2023-12-31' });
    expect(half.items.find((row: Row) => row.id === scenario.projectId).indicators.find((f: Value) => f.code === 'participants').value).toBe(13);
  });

  it('answers staff and viewers only their own projects, and auditors every project', async () => {
    const staff = (await as(tokens.staff, '/api/indicators/by-project').expect(200)).body;
    expect(staff.items.map((row: Row) => row.id)).toEqual([scenario.projectId]);
    expect(staff.total).toBe(1);
    const viewer = (await as(tokens.viewer, '/api/indicators/by-project').expect(200)).body;
    expect(viewer.items.map((row: Row) => row.id)).toEqual([scenario.otherProjectId]);
    expect(viewer.total).toBe(1);
    // A filter never widens what the caller sees.
    expect((await as(tokens.viewer, '/api/indicators/by-project?fund=ERDF').expect(200)).body.items).toEqual([]);
    const auditor = (await as(tokens.auditor, '/api/indicators/by-project').expect(200)).body;
    expect(auditor.total).toBe(2);
  });

  it('filters by fund, country and name, and pages', async () => {
    const interreg = (await api.get('/api/indicators/by-project?fund=Interreg').expect(200)).body;
    expect(interreg.items.map((row: Row) => row.id)).toEqual([scenario.otherProjectId]);
    expect((await api.get('/api/indicators/by-project?country=NO').expect(200)).body.items.map((row: Row) => row.id)).toEqual([scenario.otherProjectId]);
    expect((await api.get('/api/indicators/by-project?name=kickstart').expect(200)).body.items.map((row: Row) => row.id)).toEqual([scenario.otherProjectId]);
    const page = (await api.get('/api/indicators/by-project?limit=1&offset=1').expect(200)).body;
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.items).toHaveLength(1);
  });

  it('refuses bad input naming each field and rule', async () => {
    const response = await api.get('/api/indicators/by-project?fund=Moon&country=Sverige&limit=0&from=2024-13-01&lang=fi').expect(400);
    const fields = (response.body.problems as Array<{ field: string }>).map((problem) => problem.field).sort();
    expect(fields).toEqual(['country', 'from', 'fund', 'lang', 'limit']);
    const backwards = await api.get('/api/indicators/by-project?from=2024-06-30&to=2024-01-01').expect(400);
    expect(backwards.body.problems).toEqual([expect.objectContaining({ field: 'to', rule: 'notBeforeFrom' })]);
    expect(JSON.stringify(backwards.body)).not.toMatch(/at .*\.ts|stack/i);
  });

  it('is documented in OpenAPI with its response shape', async () => {
    const openapi = (await api.raw().get('/api/docs/openapi.json').expect(200)).body;
    const route = openapi.paths['/api/indicators/by-project'].get;
    expect(route.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['fund', 'country', 'name', 'from', 'to', 'lang', 'limit', 'offset', 'minPosition']),
    );
    expect(route.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/IndicatorsByProjectDto');
    const row = openapi.components.schemas.ProjectFiguresDto;
    expect(Object.keys(row.properties)).toEqual(expect.arrayContaining(['id', 'name', 'fund', 'countries', 'indicators']));
  });
});
