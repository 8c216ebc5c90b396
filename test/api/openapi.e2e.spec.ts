import { startApi, type ApiFixture } from '../support/api-fixture.js';

const writes: Array<[path: string, errors: number[]]> = [
  ['/api/projects', [400, 401, 409, 413, 422]],
  ['/api/projects/{id}/targets', [400, 401, 404, 412, 413]],
  ['/api/organisations', [400, 401, 409, 413, 422]],
  ['/api/organisations/{id}/reclassification', [400, 401, 404, 412, 413, 422]],
  ['/api/projects/{id}/participants', [400, 401, 404, 409, 413, 422]],
  ['/api/participants/{id}/corrections', [400, 401, 404, 412, 413, 422]],
  ['/api/participants/{id}/erasure', [400, 401, 404, 412, 413, 422]],
  ['/api/projects/{id}/labs', [400, 401, 404, 409, 413, 422]],
  ['/api/projects/{id}/activities', [400, 401, 404, 409, 413, 422]],
  ['/api/labs/{id}/companies', [400, 401, 404, 412, 413, 422]],
  ['/api/labs/{id}/creatives', [400, 401, 404, 412, 413, 422]],
  ['/api/activities/{id}/attendance', [400, 401, 404, 412, 413, 422]],
  ['/api/activities/{id}/close', [400, 401, 404, 412, 413, 422]],
  ['/api/projects/{id}/support', [400, 401, 404, 409, 413, 422]],
  ['/api/projects/{id}/pilot-cases', [400, 401, 404, 409, 413, 422]],
  ['/api/pilot-cases/{id}/completion', [400, 401, 404, 412, 413, 422]],
  ['/api/projects/{id}/outcomes', [400, 401, 404, 409, 413, 422]],
  ['/api/outcomes/{id}/retraction', [400, 401, 404, 412, 413, 422]],
];
const reads = [
  '/api/projects/{id}',
  '/api/organisations/{id}',
  '/api/participants/{id}',
  '/api/labs/{id}',
  '/api/activities/{id}',
  '/api/support/{id}',
  '/api/pilot-cases/{id}',
  '/api/outcomes/{id}',
];

describe('the OpenAPI document at /api/docs', () => {
  let api: ApiFixture;
  let document: {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> };
  };

  beforeAll(async () => {
    api = await startApi();
    document = (await api.raw().get('/api/docs/openapi.json').expect(200)).body;
  });
  afterAll(() => api.close());

  it.each(writes)('documents POST %s with its request schema and every answer', (path, errors) => {
    const operation = document.paths[path]?.post;
    expect(operation).toBeDefined();
    const ref = operation.requestBody!.content['application/json'].schema.$ref;
    const schema = document.components.schemas[ref.split('/').pop()!];
    expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
    const statuses = Object.keys(operation.responses).map(Number);
    const creates = /^\/api\/(projects|organisations)$|^\/api\/projects\/\{id\}\/(participants|labs|activities|support|pilot-cases|outcomes)$/;
    expect(statuses).toEqual(expect.arrayContaining([...errors, creates.test(path) ? 201 : 200]));
  });

  it.each(reads)('documents GET %s', (path) => {
    const operation = document.paths[path]?.get;
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses).map(Number)).toEqual(expect.arrayContaining([400, 401, 404]));
  });

  it('documents the rules of a request body (enums, formats, required fields)', () => {
    const participant = document.components.schemas.RegisterParticipantDto;
    expect(participant.required).toEqual(expect.arrayContaining(['person', 'gender', 'role']));
    expect(participant.properties.gender).toMatchObject({ enum: ['woman', 'man', 'another', 'not-stated'] });
  });

  it('serves the UI', async () => {
    const ui = await api.raw().get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
