/**
 * Every programme route end to end: the real application on a loopback port, the real SQLite event store,
 * the clock pinned to 2026-11-22. Each write is checked for its answer, its ETag and what a following GET
 * shows; each refusal for its status, a message that names the field or the reason, and an event log that
 * did not grow. No answer may be a 5xx or carry a stack trace (every request goes through `clean`).
 */
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@app/event-store';
import type { Response, Test } from 'supertest';
import { API_KEY, crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

let api: ApiFixture;

/** One application per describe block; tests use fresh entities, so they never depend on each other. */
function useApi(): void {
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });
}

const TODAY = '2026-11-22';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MORE_THAN_1_MB = 'x'.repeat(1024 * 1024 + 1);
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
};

type Body = Record<string, unknown>;
interface Problem {
  field: string;
  rule: string;
  message: string;
}

/** No answer is a 5xx, and none shows a stack trace. */
async function clean(test: Test | Promise<Response>): Promise<Response> {
  const res = await test;
  if (res.status >= 500) throw new Error(`Unexpected ${res.status}: ${res.text}`);
  expect(res.text ?? '').not.toContain('    at ');
  return res;
}

const post = (url: string, body?: unknown, headers?: Record<string, string>) => clean(api.post(url, body, headers));
const get = (url: string, headers?: Record<string, string>) => clean(api.get(url, headers));
const postWithoutKey = (url: string, body: unknown, authorization?: string) => {
  const test = api.raw().post(url);
  return clean((authorization ? test.set('Authorization', authorization) : test).send(body as object));
};
const getWithoutKey = (url: string, authorization?: string) => {
  const test = api.raw().get(url);
  return clean(authorization ? test.set('Authorization', authorization) : test);
};

const events = (): Promise<RecordedEvent[]> => api.allEvents();
const eventsOf = async (streamName: string) => (await events()).filter((event) => event.streamName === streamName);

/** Runs the action and checks the event log did not grow. */
async function nothingWritten<T>(action: () => Promise<T>): Promise<T> {
  const before = (await events()).length;
  const result = await action();
  expect((await events()).length).toBe(before);
  return result;
}

/** The status, with the body in the failure message when it is not the expected one. */
function expectStatus(res: Response, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
}

/** A write's answer: `{ id, streamName, revision, position }` and the revision as ETag. */
function expectWrite(res: Response, status: 200 | 201, category: string, id?: string): void {
  expectStatus(res, status);
  expect(res.body).toEqual({
    id: id ?? expect.stringMatching(UUID),
    streamName: `${category}-${id ?? res.body.id}`,
    revision: expect.any(Number),
    position: expect.any(Number),
  });
  expect(res.headers.etag).toBe(`"${res.body.revision}"`);
}

/** A refusal: its status, the standard error shape and a message saying why. */
function expectError(res: Response, status: number, message: RegExp | string): void {
  expectStatus(res, status);
  expect(res.body).toMatchObject({ statusCode: status, error: REASONS[status], message: expect.any(String) });
  expect(res.body.message).toMatch(message);
  expect(res.headers.etag).toBeUndefined();
}

/** A 400 listing exactly these fields, each with (at least) the given rule, and naming each in the message. */
function expectInvalid(res: Response, expected: Record<string, string>): void {
  expectError(res, 400, /^Invalid input: /);
  const problems = res.body.problems as Problem[];
  expect(new Set(problems.map((problem) => problem.field))).toEqual(new Set(Object.keys(expected)));
  for (const [field, rule] of Object.entries(expected)) {
    expect(problems).toContainEqual({ field, rule, message: expect.stringContaining(field) });
  }
  for (const problem of problems) expect(res.body.message).toContain(problem.message);
}

/** A GET answer: 200, the entity's revision as ETag, and the given fields. */
async function read(url: string, expected: Body = {}): Promise<Body> {
  const res = await get(url);
  expectStatus(res, 200);
  expect(res.headers.etag).toBe(`"${res.body.revision}"`);
  expect(res.body).toMatchObject(expected);
  return res.body;
}

async function expectMissing(url: string): Promise<void> {
  expectError(await get(url), 404, /does not exist/);
}

// --- Bodies and builders (each builder checks its 201 and answers the new id) ----------------------------

const enterprise = { name: 'Havsfabriken AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' };
const municipality = { name: 'Karlshamns kommun', country: 'SE', type: 'municipality' };
const anna = { name: 'Anna Söderberg', email: 'anna@example.se', phone: '+46 70 123 45 67' };
const participantBody = { person: anna, gender: 'woman', role: 'creative', registeredOn: '2023-10-10' };
const labBody = { name: 'Cross Innovation Lab Karlshamn', theme: 'hav och vatten', startDate: '2023-10-10', endDate: '2024-02-10' };
const activityBody = {
  name: 'Co-creation workshop Ronneby',
  format: 'workshop',
  crossBorder: false,
  startDate: '2023-10-10',
  endDate: '2023-10-12',
};
const supportBody = (organisationId: string) => ({ organisationId, kind: 'grant', date: '2023-11-15', amountEur: 5000, hours: 12 });
const pilotCaseBody = (organisationIds: string[]) => ({
  title: 'Streamed concerts with an immersive sound image',
  organisationIds,
  startDate: '2024-03-01',
});
const outcomeBody = { kind: 'product-innovation', date: '2023-10-12', description: 'A new service concept for wave-powered buoys' };

async function created(url: string, body: Body): Promise<string> {
  const res = await post(url, body);
  expectStatus(res, 201);
  return res.body.id as string;
}

async function done(url: string, body: Body = {}): Promise<Response> {
  const res = await post(url, body);
  expectStatus(res, 200);
  return res;
}

const createProject = (overrides: Body = {}) => created('/api/projects', { ...crossInnovation, ...overrides });
const createOrganisation = (overrides: Body = {}) => created('/api/organisations', { ...enterprise, ...overrides });
const createMunicipality = () => created('/api/organisations', municipality);
const createParticipant = (projectId: string, overrides: Body = {}) =>
  created(`/api/projects/${projectId}/participants`, { ...participantBody, ...overrides });
const createLab = (projectId: string, overrides: Body = {}) => created(`/api/projects/${projectId}/labs`, { ...labBody, ...overrides });
const createActivity = (projectId: string, overrides: Body = {}) =>
  created(`/api/projects/${projectId}/activities`, { ...activityBody, ...overrides });
const createPilotCase = async (projectId: string, overrides: Body = {}) =>
  created(`/api/projects/${projectId}/pilot-cases`, { ...pilotCaseBody([await createOrganisation()]), ...overrides });
const createOutcome = (projectId: string, overrides: Body = {}) =>
  created(`/api/projects/${projectId}/outcomes`, { ...outcomeBody, ...overrides });
const createSupport = async (projectId: string) => created(`/api/projects/${projectId}/support`, supportBody(await createOrganisation()));

/** A lab whose dates include today, so dates up to the end of 2026 are inside it. */
const currentLab = (projectId: string, overrides: Body = {}) =>
  createLab(projectId, { startDate: '2026-11-01', endDate: '2026-12-31', ...overrides });

// ---------------------------------------------------------------------------------------------------------
// Every write route, for the checks that apply to all of them
// ---------------------------------------------------------------------------------------------------------

interface Arranged {
  url: string;
  body: Body;
  /** For actions: the GET of the entity the action changes. */
  read?: string;
  /** For actions: another change to the same entity, so an earlier ETag becomes stale. */
  bump?: () => Promise<unknown>;
}

interface WriteRoute {
  route: string;
  kind: 'create' | 'action';
  category: string;
  /** Fresh entities and a request that would succeed. */
  arrange(): Promise<Arranged>;
  /** The route with another `{id}` in the path; absent when the path has none. */
  withId?: (id: string) => string;
  /** What the 404 for an unknown `{id}` names. */
  missing?: string;
  /** A calendar-date field of the body. */
  dateField?: string;
}

const writeRoutes: WriteRoute[] = [
  {
    route: 'POST /api/projects',
    dateField: 'startDate',
    kind: 'create',
    category: 'project',
    arrange: async () => ({ url: '/api/projects', body: { ...crossInnovation } }),
  },
  {
    route: 'POST /api/projects/{id}/targets',
    kind: 'action',
    category: 'project',
    arrange: async () => {
      const projectId = await createProject();
      return {
        url: `/api/projects/${projectId}/targets`,
        body: { code: 'participants', target: 40, baseline: 0 },
        read: `/api/projects/${projectId}`,
        bump: () => done(`/api/projects/${projectId}/targets`, { code: 'creatives', target: 16 }),
      };
    },
    withId: (id) => `/api/projects/${id}/targets`,
    missing: 'Project',
  },
  {
    route: 'POST /api/organisations',
    kind: 'create',
    category: 'organisation',
    arrange: async () => ({ url: '/api/organisations', body: { ...enterprise } }),
  },
  {
    route: 'POST /api/organisations/{id}/reclassification',
    kind: 'action',
    category: 'organisation',
    arrange: async () => {
      const organisationId = await createOrganisation();
      const url = `/api/organisations/${organisationId}/reclassification`;
      return {
        url,
        body: { reason: 'Grew past ten employees', sizeClass: 'small' },
        read: `/api/organisations/${organisationId}`,
        bump: () => done(url, { reason: 'Annual report', sizeClass: 'medium' }),
      };
    },
    withId: (id) => `/api/organisations/${id}/reclassification`,
    missing: 'Organisation',
  },
  {
    route: 'POST /api/projects/{id}/participants',
    dateField: 'registeredOn',
    kind: 'create',
    category: 'participant',
    arrange: async () => ({ url: `/api/projects/${await createProject()}/participants`, body: { ...participantBody } }),
    withId: (id) => `/api/projects/${id}/participants`,
    missing: 'Project',
  },
  {
    route: 'POST /api/participants/{id}/corrections',
    dateField: 'registeredOn',
    kind: 'action',
    category: 'participant',
    arrange: async () => {
      const participantId = await createParticipant(await createProject());
      return {
        url: `/api/participants/${participantId}/corrections`,
        body: { reason: 'Registered with the wrong gender', gender: 'man' },
        read: `/api/participants/${participantId}`,
        bump: () => done(`/api/participants/${participantId}/corrections`, { reason: 'Typo', birthYear: 1990 }),
      };
    },
    withId: (id) => `/api/participants/${id}/corrections`,
    missing: 'Participant',
  },
  {
    route: 'POST /api/participants/{id}/erasure',
    kind: 'action',
    category: 'participant',
    arrange: async () => {
      const participantId = await createParticipant(await createProject());
      return {
        url: `/api/participants/${participantId}/erasure`,
        body: { reason: 'Asked to be forgotten (GDPR art. 17)' },
        read: `/api/participants/${participantId}`,
        bump: () => done(`/api/participants/${participantId}/corrections`, { reason: 'Typo', birthYear: 1990 }),
      };
    },
    withId: (id) => `/api/participants/${id}/erasure`,
    missing: 'Participant',
  },
  {
    route: 'POST /api/projects/{id}/labs',
    dateField: 'startDate',
    kind: 'create',
    category: 'activity',
    arrange: async () => ({ url: `/api/projects/${await createProject()}/labs`, body: { ...labBody } }),
    withId: (id) => `/api/projects/${id}/labs`,
    missing: 'Project',
  },
  {
    route: 'POST /api/projects/{id}/activities',
    dateField: 'endDate',
    kind: 'create',
    category: 'activity',
    arrange: async () => ({ url: `/api/projects/${await createProject()}/activities`, body: { ...activityBody } }),
    withId: (id) => `/api/projects/${id}/activities`,
    missing: 'Project',
  },
  {
    route: 'POST /api/labs/{id}/companies',
    dateField: 'admittedOn',
    kind: 'action',
    category: 'activity',
    arrange: async () => {
      const labId = await createLab(await createProject());
      return {
        url: `/api/labs/${labId}/companies`,
        body: { organisationId: await createOrganisation(), admittedOn: '2023-10-11' },
        read: `/api/labs/${labId}`,
        bump: async () => done(`/api/labs/${labId}/companies`, { organisationId: await createOrganisation(), admittedOn: '2023-10-11' }),
      };
    },
    withId: (id) => `/api/labs/${id}/companies`,
    missing: 'Activity',
  },
  {
    route: 'POST /api/labs/{id}/creatives',
    dateField: 'admittedOn',
    kind: 'action',
    category: 'activity',
    arrange: async () => {
      const projectId = await createProject();
      const labId = await createLab(projectId);
      return {
        url: `/api/labs/${labId}/creatives`,
        body: { participantId: await createParticipant(projectId), admittedOn: '2023-10-11' },
        read: `/api/labs/${labId}`,
        bump: async () => done(`/api/labs/${labId}/companies`, { organisationId: await createOrganisation(), admittedOn: '2023-10-11' }),
      };
    },
    withId: (id) => `/api/labs/${id}/creatives`,
    missing: 'Activity',
  },
  {
    route: 'POST /api/activities/{id}/attendance',
    dateField: 'date',
    kind: 'action',
    category: 'activity',
    arrange: async () => {
      const projectId = await createProject();
      const activityId = await createActivity(projectId);
      const url = `/api/activities/${activityId}/attendance`;
      return {
        url,
        body: { participantId: await createParticipant(projectId), date: '2023-10-11' },
        read: `/api/activities/${activityId}`,
        bump: async () => done(url, { participantId: await createParticipant(projectId), date: '2023-10-10' }),
      };
    },
    withId: (id) => `/api/activities/${id}/attendance`,
    missing: 'Activity',
  },
  {
    route: 'POST /api/activities/{id}/close',
    dateField: 'closedOn',
    kind: 'action',
    category: 'activity',
    arrange: async () => {
      const projectId = await createProject();
      const activityId = await createActivity(projectId);
      return {
        url: `/api/activities/${activityId}/close`,
        body: { closedOn: '2023-10-12' },
        read: `/api/activities/${activityId}`,
        bump: async () =>
          done(`/api/activities/${activityId}/attendance`, { participantId: await createParticipant(projectId), date: '2023-10-10' }),
      };
    },
    withId: (id) => `/api/activities/${id}/close`,
    missing: 'Activity',
  },
  {
    route: 'POST /api/projects/{id}/support',
    dateField: 'date',
    kind: 'create',
    category: 'support',
    arrange: async () => ({ url: `/api/projects/${await createProject()}/support`, body: supportBody(await createOrganisation()) }),
    withId: (id) => `/api/projects/${id}/support`,
    missing: 'Project',
  },
  {
    route: 'POST /api/projects/{id}/pilot-cases',
    dateField: 'startDate',
    kind: 'create',
    category: 'pilotCase',
    arrange: async () => ({
      url: `/api/projects/${await createProject()}/pilot-cases`,
      body: pilotCaseBody([await createOrganisation()]),
    }),
    withId: (id) => `/api/projects/${id}/pilot-cases`,
    missing: 'Project',
  },
  {
    route: 'POST /api/pilot-cases/{id}/completion',
    dateField: 'date',
    kind: 'action',
    category: 'pilotCase',
    arrange: async () => {
      const pilotCaseId = await createPilotCase(await createProject());
      return {
        url: `/api/pilot-cases/${pilotCaseId}/completion`,
        body: { date: '2024-09-30', evidence: 'Final report, diarienummer 2024-123' },
        read: `/api/pilot-cases/${pilotCaseId}`,
      };
    },
    withId: (id) => `/api/pilot-cases/${id}/completion`,
    missing: 'Pilot case',
  },
  {
    route: 'POST /api/projects/{id}/outcomes',
    dateField: 'date',
    kind: 'create',
    category: 'outcome',
    arrange: async () => ({ url: `/api/projects/${await createProject()}/outcomes`, body: { ...outcomeBody } }),
    withId: (id) => `/api/projects/${id}/outcomes`,
    missing: 'Project',
  },
  {
    route: 'POST /api/outcomes/{id}/retraction',
    kind: 'action',
    category: 'outcome',
    arrange: async () => {
      const outcomeId = await createOutcome(await createProject());
      return {
        url: `/api/outcomes/${outcomeId}/retraction`,
        body: { reason: 'Registered twice by mistake' },
        read: `/api/outcomes/${outcomeId}`,
      };
    },
    withId: (id) => `/api/outcomes/${id}/retraction`,
    missing: 'Outcome',
  },
];

interface ReadRoute {
  route: string;
  url: (id: string) => string;
  existing: () => Promise<string>;
  missing: string;
}

const readRoutes: ReadRoute[] = [
  { route: 'GET /api/projects/{id}', url: (id) => `/api/projects/${id}`, existing: () => createProject(), missing: 'Project' },
  {
    route: 'GET /api/organisations/{id}',
    url: (id) => `/api/organisations/${id}`,
    existing: () => createOrganisation(),
    missing: 'Organisation',
  },
  {
    route: 'GET /api/participants/{id}',
    url: (id) => `/api/participants/${id}`,
    existing: async () => createParticipant(await createProject()),
    missing: 'Participant',
  },
  { route: 'GET /api/labs/{id}', url: (id) => `/api/labs/${id}`, existing: async () => createLab(await createProject()), missing: 'Activity' },
  {
    route: 'GET /api/activities/{id}',
    url: (id) => `/api/activities/${id}`,
    existing: async () => createActivity(await createProject()),
    missing: 'Activity',
  },
  { route: 'GET /api/support/{id}', url: (id) => `/api/support/${id}`, existing: async () => createSupport(await createProject()), missing: 'Support' },
  {
    route: 'GET /api/pilot-cases/{id}',
    url: (id) => `/api/pilot-cases/${id}`,
    existing: async () => createPilotCase(await createProject()),
    missing: 'Pilot case',
  },
  {
    route: 'GET /api/outcomes/{id}',
    url: (id) => `/api/outcomes/${id}`,
    existing: async () => createOutcome(await createProject()),
    missing: 'Outcome',
  },
];

const named = <T extends { route: string }>(routes: T[]) => routes.map((route) => [route.route, route] as const);
const creates = writeRoutes.filter((route) => route.kind === 'create');
const actions = writeRoutes.filter((route) => route.kind === 'action');
const withPathId = writeRoutes.filter((route) => route.withId);
const withDate = writeRoutes.filter((route) => route.dateField);

// ---------------------------------------------------------------------------------------------------------
// What applies to every route
// ---------------------------------------------------------------------------------------------------------

describe('every write route', () => {
  useApi();

  it.each(named(writeRoutes))('%s: 401 without an Authorization header, nothing written', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await nothingWritten(() => postWithoutKey(url, body));
    expectError(res, 401, 'A token is required: send Authorization: Bearer <token>');
  });

  it.each(named(writeRoutes))('%s: 401 with a wrong key or scheme, nothing written', async (_, route) => {
    const { url, body } = await route.arrange();
    await nothingWritten(async () => {
      expectError(await postWithoutKey(url, body, 'Bearer not-the-key'), 401, /token is (required|not valid)/);
      expectError(await postWithoutKey(url, body, `Basic ${API_KEY}`), 401, /token is (required|not valid)/);
      expectError(await postWithoutKey(url, body, `Bearer ${API_KEY}x`), 401, /token is (required|not valid)/);
    });
  });

  it.each(named(writeRoutes))('%s: 413 for a body over 1 MB, nothing written', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await nothingWritten(() => post(url, { ...body, padding: MORE_THAN_1_MB }));
    expectError(res, 413, /too large/i);
  });

  it.each(named(withPathId))('%s: 400 when the {id} in the path is not a uuid, nothing written', async (_, route) => {
    const { body } = await route.arrange();
    const res = await nothingWritten(() => post(route.withId!('not-a-uuid'), body));
    expectInvalid(res, { id: 'isUuid' });
    expect(res.body.message).toBe('Invalid input: id (in the path) must be a UUID');
  });

  it.each(named(withDate))('%s: 400 for a date that does not exist (2023-02-29), nothing written', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await nothingWritten(() => post(url, { ...body, [route.dateField!]: '2023-02-29' }));
    expectInvalid(res, { [route.dateField!]: 'isIsoDate' });
    expect(res.body.message).toBe(`Invalid input: ${route.dateField} must be a date written YYYY-MM-DD`);
  });

  it.each(named(withDate))('%s: 400 for month 13, never a 500', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await nothingWritten(() => post(url, { ...body, [route.dateField!]: '2023-13-01' }));
    expectInvalid(res, { [route.dateField!]: 'isIsoDate' });
  });

  it.each(named(withPathId))('%s: 404 naming the unknown {id} in the path, nothing written', async (_, route) => {
    const { body } = await route.arrange();
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(route.withId!(unknown), body));
    expectError(res, 404, `${route.missing} ${unknown} does not exist`);
  });

  it.each(named(writeRoutes))('%s: the same Idempotency-Key and body twice give the first answer, written once', async (_, route) => {
    const { url, body } = await route.arrange();
    const key = randomUUID();
    const before = (await events()).length;
    const first = await post(url, body, { 'Idempotency-Key': key });
    expectWrite(first, route.kind === 'create' ? 201 : 200, route.category);
    const written = (await events()).length;
    expect(written).toBeGreaterThan(before);
    const again = await post(url, body, { 'Idempotency-Key': key });
    expectStatus(again, first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect((await events()).length).toBe(written);
  });
});

describe('every create route', () => {
  useApi();

  it.each(named(creates))('%s: 409 for an id that already exists; the first entity stays as it was', async (_, route) => {
    const { url, body } = await route.arrange();
    const id = randomUUID();
    expectWrite(await post(url, { ...body, id }), 201, route.category, id);
    const res = await nothingWritten(() => post(url, { ...body, id }));
    expectError(res, 409, new RegExp(`${id} already exists`));
    expect(await eventsOf(`${route.category}-${id}`)).toHaveLength(1);
  });

  it.each(named(creates))('%s: 201 with a generated id when none is sent', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await post(url, body);
    expectWrite(res, 201, route.category);
    expect(res.body.revision).toBe(0);
    expect(res.headers.etag).toBe('"0"');
  });
});

describe('every action route', () => {
  useApi();

  it.each(named(actions))('%s: 412 for a stale If-Match, nothing written; the current one succeeds', async (_, route) => {
    const { url, body, read: readUrl, bump } = await route.arrange();
    const seen = Number((await read(readUrl!)).revision);
    let stale: number;
    if (bump) {
      await bump();
      stale = seen;
    } else {
      stale = seen + 1; // the entity has no other change to make: a revision it never had is as stale
    }
    const current = Number((await read(readUrl!)).revision);
    expect(stale).not.toBe(current);

    const refused = await nothingWritten(() => post(url, body, { 'If-Match': `"${stale}"` }));
    expectError(refused, 412, `The entity is at revision ${current}, not ${stale}: reload it and try again`);
    expect(refused.body.currentRevision).toBe(current);

    const accepted = await post(url, body, { 'If-Match': `"${current}"` });
    expectWrite(accepted, 200, route.category);
    expect(accepted.body.revision).toBe(current + 1);
  });

  it.each(named(actions))('%s: 400 for an If-Match that is not a revision, nothing written', async (_, route) => {
    const { url, body } = await route.arrange();
    const res = await nothingWritten(() => post(url, body, { 'If-Match': 'yesterday' }));
    expectError(res, 400, 'If-Match must be the revision from an ETag, e.g. "3"');
  });
});

describe('every read route', () => {
  useApi();

  it.each(named(readRoutes))('%s: 200 with the revision as ETag', async (_, route) => {
    const id = await route.existing();
    const body = await read(route.url(id), { id, revision: 0 });
    expect(body).not.toHaveProperty('status');
  });

  it.each(named(readRoutes))('%s: 401 without a key or with a wrong one', async (_, route) => {
    const url = route.url(await route.existing());
    expectError(await getWithoutKey(url), 401, /token is (required|not valid)/);
    expectError(await getWithoutKey(url, 'Bearer wrong-key'), 401, /token is (required|not valid)/);
  });

  it.each(named(readRoutes))('%s: 400 for an id that is not a uuid', async (_, route) => {
    expectInvalid(await get(route.url('12345')), { id: 'isUuid' });
  });

  it.each(named(readRoutes))('%s: 404 naming an unknown id', async (_, route) => {
    const unknown = randomUUID();
    expectError(await get(route.url(unknown)), 404, `${route.missing} ${unknown} does not exist`);
  });

  it('an id of another kind of entity is a 404, not that entity', async () => {
    const projectId = await createProject();
    const outcomeId = await createOutcome(projectId);
    const activityId = await createActivity(projectId);
    expectError(await get(`/api/support/${outcomeId}`), 404, `Support ${outcomeId} does not exist`);
    expectError(await get(`/api/projects/${outcomeId}`), 404, `Project ${outcomeId} does not exist`);
    expectError(await get(`/api/labs/${activityId}`), 404, `Lab ${activityId} does not exist`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------------------

describe('projects', () => {
  useApi();

  it('POST /projects registers a project with the given id; GET shows it', async () => {
    const id = randomUUID();
    const res = await post('/api/projects', { ...crossInnovation, id, countries: ['SE', 'DK', 'SE'] });
    expectWrite(res, 201, 'project', id);
    expect(res.body.revision).toBe(0);
    await read(`/api/projects/${id}`, {
      id,
      revision: 0,
      name: crossInnovation.name,
      programme: crossInnovation.programme,
      fund: 'ERDF',
      startDate: '2023-01-01',
      endDate: '2026-12-31',
      countries: ['SE', 'DK'],
      targets: {},
    });
    expect(await eventsOf(`project-${id}`)).toMatchObject([{ type: 'ProjectRegistered', revision: 0, position: res.body.position }]);
  });

  it('POST /projects: 400 lists every offending field (wrong type, bad enum, bad date, unknown field)', async () => {
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post('/api/projects', { ...crossInnovation, id, name: 42, fund: 'EFRE', startDate: '2023-02-30', budget: 1e6 }),
    );
    expectInvalid(res, { name: 'isString', fund: 'isIn', startDate: 'isIsoDate', budget: 'unknownField' });
    expect(res.body.message).toContain('startDate must be a date written YYYY-MM-DD');
    expect(res.body.message).toContain('budget is not a known field');
    await expectMissing(`/api/projects/${id}`);
  });

  it('POST /projects: 400 lists every missing required field and a non-uuid id', async () => {
    const res = await nothingWritten(() => post('/api/projects', { id: 'project-1', name: 'Only a name', countries: ['SE', 'XX'] }));
    expectInvalid(res, {
      id: 'isUuid',
      programme: 'isString',
      fund: 'isIn',
      startDate: 'isIsoDate',
      endDate: 'isIsoDate',
      countries: 'isISO31661Alpha2',
    });
  });

  it('POST /projects: 422 when the project ends before it starts', async () => {
    const id = randomUUID();
    const res = await nothingWritten(() => post('/api/projects', { ...crossInnovation, id, startDate: '2024-01-01', endDate: '2023-12-31' }));
    expectError(res, 422, 'The project: the end date 2023-12-31 is before the start date 2024-01-01');
    await expectMissing(`/api/projects/${id}`);
  });

  it('POST /projects/{id}/targets sets an indicator target; GET shows it', async () => {
    const projectId = await createProject();
    const res = await post(`/api/projects/${projectId}/targets`, { code: 'RCO01', target: 40, baseline: 2 });
    expectWrite(res, 200, 'project', projectId);
    expect(res.body.revision).toBe(1);
    await read(`/api/projects/${projectId}`, { revision: 1, targets: { RCO01: { code: 'RCO01', target: 40, baseline: 2 } } });
  });

  it('POST /projects/{id}/targets: 400 lists every offending field', async () => {
    const projectId = await createProject();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/targets`, { code: 'RCO999', target: -1, baseline: 'none', note: 'x' }),
    );
    expectInvalid(res, { code: 'isIn', target: 'min', baseline: 'isNumber', note: 'unknownField' });
    await read(`/api/projects/${projectId}`, { revision: 0, targets: {} });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------------------------------------

describe('organisations', () => {
  useApi();

  it('POST /organisations registers an organisation; GET shows it', async () => {
    const id = randomUUID();
    const body = { ...enterprise, id, organisationNumber: '556677-8899', foundedYear: 2019 };
    expectWrite(await post('/api/organisations', body), 201, 'organisation', id);
    await read(`/api/organisations/${id}`, { ...body, revision: 0 });
  });

  it('POST /organisations: a non-enterprise needs no size class', async () => {
    const id = await createMunicipality();
    const body = await read(`/api/organisations/${id}`, municipality);
    expect(body).not.toHaveProperty('sizeClass');
  });

  it('POST /organisations: 400 lists every offending field (empty name, bad country, enterprise without size class, wrong type)', async () => {
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post('/api/organisations', { id, name: '', country: 'XX', type: 'enterprise', foundedYear: 'long ago' }),
    );
    expectInvalid(res, { name: 'isNotEmpty', country: 'isISO31661Alpha2', sizeClass: 'isIn', foundedYear: 'isInt' });
    expect(res.body.message).toContain('sizeClass must be one of micro, small, medium, large (required for an enterprise)');
    await expectMissing(`/api/organisations/${id}`);
  });

  it('POST /organisations: 400 for a bad enum and an unknown field', async () => {
    const res = await nothingWritten(() => post('/api/organisations', { ...enterprise, type: 'startup', vatNumber: 'SE1' }));
    expectInvalid(res, { type: 'isIn', vatNumber: 'unknownField' });
  });

  it('POST /organisations: 422 for a founding year in the future', async () => {
    const id = randomUUID();
    const res = await nothingWritten(() => post('/api/organisations', { ...enterprise, id, foundedYear: 2027 }));
    expectError(res, 422, 'foundedYear 2027 is in the future');
    await expectMissing(`/api/organisations/${id}`);
  });

  it('POST /organisations/{id}/reclassification changes the size class; GET shows it', async () => {
    const id = await createOrganisation();
    const res = await post(`/api/organisations/${id}/reclassification`, { reason: 'Grew past ten employees', sizeClass: 'small' });
    expectWrite(res, 200, 'organisation', id);
    expect(res.body.revision).toBe(1);
    await read(`/api/organisations/${id}`, { revision: 1, type: 'enterprise', sizeClass: 'small' });
  });

  it('POST /organisations/{id}/reclassification from enterprise to university drops the size class', async () => {
    const id = await createOrganisation();
    await done(`/api/organisations/${id}/reclassification`, { reason: 'Is a university foundation', type: 'university' });
    const body = await read(`/api/organisations/${id}`, { revision: 1, type: 'university' });
    expect(body.sizeClass).toBeUndefined();
    const [, reclassified] = await eventsOf(`organisation-${id}`);
    // An organisation's reason stays in the event's data; metadata carries only its category (never free text).
    expect(reclassified).toMatchObject({
      type: 'OrganisationReclassified',
      data: { reason: 'Is a university foundation' },
      metadata: { reasonCategory: 'other' },
    });
    expect(reclassified.metadata).not.toHaveProperty('reason');
  });

  it('POST /organisations/{id}/reclassification: a size class sent for a non-enterprise is dropped', async () => {
    const id = await createOrganisation();
    await done(`/api/organisations/${id}/reclassification`, { reason: 'It is the municipal company', type: 'municipality', sizeClass: 'large' });
    const body = await read(`/api/organisations/${id}`, { revision: 1, type: 'municipality' });
    expect(body.sizeClass).toBeUndefined();
  });

  it('POST /organisations/{id}/reclassification: 400 lists every offending field', async () => {
    const id = await createOrganisation();
    const res = await nothingWritten(() => post(`/api/organisations/${id}/reclassification`, { type: 'startup', sizeClass: 'huge' }));
    expectInvalid(res, { reason: 'isNotEmpty', type: 'isIn', sizeClass: 'isIn' });
    await read(`/api/organisations/${id}`, { revision: 0, sizeClass: 'micro' });
  });

  it('POST /organisations/{id}/reclassification: 422 when nothing would change', async () => {
    const id = await createOrganisation();
    const res = await nothingWritten(() =>
      post(`/api/organisations/${id}/reclassification`, { reason: 'Check', type: 'enterprise', sizeClass: 'micro' }),
    );
    expectError(res, 422, 'The organisation is already classified as enterprise (micro)');
  });

  it('POST /organisations/{id}/reclassification: 422 for an enterprise without a size class', async () => {
    const id = await createMunicipality();
    const res = await nothingWritten(() => post(`/api/organisations/${id}/reclassification`, { reason: 'Privatised', type: 'enterprise' }));
    expectError(res, 422, 'An enterprise needs a size class (micro, small, medium or large)');
    await read(`/api/organisations/${id}`, { revision: 0, type: 'municipality' });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Participants
// ---------------------------------------------------------------------------------------------------------

describe('participants', () => {
  useApi();

  it('POST /projects/{id}/participants registers a participant; GET shows the decrypted person', async () => {
    const projectId = await createProject();
    const organisationId = await createOrganisation();
    const id = randomUUID();
    const res = await post(`/api/projects/${projectId}/participants`, { ...participantBody, id, organisationId, birthYear: 1987 });
    expectWrite(res, 201, 'participant', id);
    await read(`/api/participants/${id}`, {
      id,
      revision: 0,
      projectId,
      person: anna,
      gender: 'woman',
      birthYear: 1987,
      organisationId,
      role: 'creative',
      registeredOn: '2023-10-10',
      erased: false,
    });
    // Personal data reaches the log only encrypted.
    const log = JSON.stringify(await eventsOf(`participant-${id}`));
    expect(log).not.toContain(anna.name);
    expect(log).not.toContain(anna.email);
  });

  it('POST /projects/{id}/participants: registeredOn defaults to today', async () => {
    const projectId = await createProject();
    const { registeredOn: _, ...withoutDate } = participantBody;
    const id = await created(`/api/projects/${projectId}/participants`, withoutDate);
    await read(`/api/participants/${id}`, { registeredOn: TODAY });
  });

  it('POST /projects/{id}/participants: 400 lists every offending field, nested ones by path', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/participants`, {
        id,
        person: { name: '', email: 'not-an-email', phone: 'call me', nickname: 'Ann' },
        gender: 'female',
        birthYear: '1987',
        role: 'creative',
      }),
    );
    expectInvalid(res, {
      'person.name': 'isNotEmpty',
      'person.email': 'isEmail',
      'person.phone': 'matches',
      'person.nickname': 'unknownField',
      gender: 'isIn',
      birthYear: 'isInt',
    });
    await expectMissing(`/api/participants/${id}`);
  });

  it('POST /projects/{id}/participants: 400 when person is not an object and role is missing', async () => {
    const projectId = await createProject();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/participants`, { person: 'Anna', gender: 'woman' }));
    expectInvalid(res, { person: 'nestedValidation', role: 'isIn' });
  });

  it('POST /projects/{id}/participants: 400 when person is missing, nothing written', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const { person: _, ...withoutPerson } = participantBody;
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/participants`, { ...withoutPerson, id }));
    expectInvalid(res, { person: 'isDefined' });
  });

  it('POST /projects/{id}/participants: 404 for an unknown organisationId; the id stays free', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/participants`, { ...participantBody, id, organisationId: unknown }));
    expectError(res, 404, `Organisation ${unknown} does not exist`);
    await expectMissing(`/api/participants/${id}`);
    // Nothing was left behind: the same id registers, and its person reads back.
    await created(`/api/projects/${projectId}/participants`, { ...participantBody, id });
    await read(`/api/participants/${id}`, { person: anna });
  });

  it('POST /projects/{id}/participants: 422 for a registration date outside the project', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/participants`, { ...participantBody, id, registeredOn: '2022-12-31' }));
    expectError(res, 422, "The registration date 2022-12-31 lies outside the project's period (2023-01-01 to 2026-12-31)");
    await expectMissing(`/api/participants/${id}`);
  });

  it('POST /projects/{id}/participants: 422 for a registration date in the future', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/participants`, { ...participantBody, id, registeredOn: '2026-12-01' }));
    expectError(res, 422, `The registration date 2026-12-01 is in the future (today is ${TODAY})`);
    await expectMissing(`/api/participants/${id}`);
    await created(`/api/projects/${projectId}/participants`, { ...participantBody, id });
    await read(`/api/participants/${id}`, { person: anna });
  });

  it('POST /projects/{id}/participants: a refused duplicate leaves the first person readable', async () => {
    const projectId = await createProject();
    const id = await createParticipant(projectId);
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/participants`, { ...participantBody, id, person: { name: 'Someone Else' } }),
    );
    expectError(res, 409, `Participant ${id} already exists`);
    await read(`/api/participants/${id}`, { revision: 0, person: anna });
  });

  it('POST /participants/{id}/corrections corrects a statistical field; GET shows it; the reason is sealed, its category in the metadata', async () => {
    const id = await createParticipant(await createProject());
    const res = await post(`/api/participants/${id}/corrections`, { reason: 'Registered with the wrong gender', gender: 'man', birthYear: 1990 });
    expectWrite(res, 200, 'participant', id);
    expect(res.body.revision).toBe(1);
    await read(`/api/participants/${id}`, { revision: 1, gender: 'man', birthYear: 1990, person: anna });
    const [, corrected] = await eventsOf(`participant-${id}`);
    expect(corrected).toMatchObject({
      type: 'ParticipantCorrected',
      data: { changes: { gender: 'man', birthYear: 1990 }, reasonCategory: 'other', sealedReason: { algorithm: 'AES-256-GCM' } },
      metadata: { command: 'CorrectParticipant', reasonCategory: 'other' },
    });
    // A reason about a person is personal data: sealed with that person's key, nowhere in plaintext.
    expect(JSON.stringify(corrected)).not.toContain('Registered with the wrong gender');
  });

  it('POST /participants/{id}/corrections corrects the person; GET shows the new personal data', async () => {
    const id = await createParticipant(await createProject());
    const person = { name: 'Anna Söderberg-Lind', email: 'anna.lind@example.se' };
    await done(`/api/participants/${id}/corrections`, { reason: 'Married', person });
    await read(`/api/participants/${id}`, { revision: 1, person });
    expect(JSON.stringify(await eventsOf(`participant-${id}`))).not.toContain('Söderberg-Lind');
  });

  it('POST /participants/{id}/corrections: 400 lists every offending field', async () => {
    const id = await createParticipant(await createProject());
    const res = await nothingWritten(() =>
      post(`/api/participants/${id}/corrections`, { gender: 'x', person: { name: '' }, registeredOn: '2023-02-29', projectId: randomUUID() }),
    );
    expectInvalid(res, { reason: 'isNotEmpty', gender: 'isIn', 'person.name': 'isNotEmpty', registeredOn: 'isIsoDate', projectId: 'unknownField' });
    await read(`/api/participants/${id}`, { revision: 0, gender: 'woman' });
  });

  it('POST /participants/{id}/corrections: 404 for an unknown organisationId', async () => {
    const id = await createParticipant(await createProject());
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/participants/${id}/corrections`, { reason: 'Employer', organisationId: unknown }));
    expectError(res, 404, `Organisation ${unknown} does not exist`);
  });

  it('POST /participants/{id}/corrections: 422 for a registration date in the future', async () => {
    const id = await createParticipant(await createProject());
    const res = await nothingWritten(() => post(`/api/participants/${id}/corrections`, { reason: 'Date', registeredOn: '2026-12-24' }));
    expectError(res, 422, `The registration date 2026-12-24 is in the future (today is ${TODAY})`);
  });

  it('POST /participants/{id}/corrections: 422 for a correction that changes nothing', async () => {
    const id = await createParticipant(await createProject());
    await nothingWritten(async () => {
      const same = await post(`/api/participants/${id}/corrections`, { reason: 'Check', gender: 'woman', role: 'creative' });
      expectError(same, 422, 'The correction changes nothing: every field already has that value');
      const empty = await post(`/api/participants/${id}/corrections`, { reason: 'Nothing to correct' });
      expectError(empty, 422, 'The correction changes nothing: every field already has that value');
    });
  });

  it('POST /participants/{id}/corrections: 422 for the personal data of an erased participant', async () => {
    const id = await createParticipant(await createProject());
    await done(`/api/participants/${id}/erasure`, { reason: 'GDPR' });
    const res = await nothingWritten(() => post(`/api/participants/${id}/corrections`, { reason: 'New name', person: { name: 'Anna Lind' } }));
    expectError(res, 422, 'The participant has been erased: their personal data can no longer be corrected');
    await read(`/api/participants/${id}`, { erased: true, person: null });
  });

  it('POST /participants/{id}/erasure erases the person and keeps the statistics; only the reason category is in the log', async () => {
    const projectId = await createProject();
    const id = await createParticipant(projectId, { birthYear: 1987 });
    const res = await post(`/api/participants/${id}/erasure`, { reason: 'Asked to be forgotten' });
    expectWrite(res, 200, 'participant', id);
    expect(res.body.revision).toBe(1);
    await read(`/api/participants/${id}`, {
      revision: 1,
      erased: true,
      person: null,
      gender: 'woman',
      birthYear: 1987,
      role: 'creative',
      projectId,
    });
    const [, erased] = await eventsOf(`participant-${id}`);
    expect(erased).toMatchObject({ type: 'ParticipantErased', metadata: { command: 'EraseParticipant', reasonCategory: 'other' } });
    expect(JSON.stringify(erased)).not.toContain('Asked to be forgotten');
  });

  it('POST /participants/{id}/erasure: 400 for a missing, empty or mistyped reason and an unknown field', async () => {
    const id = await createParticipant(await createProject());
    await nothingWritten(async () => {
      expectInvalid(await post(`/api/participants/${id}/erasure`, {}), { reason: 'isNotEmpty' });
      expectInvalid(await post(`/api/participants/${id}/erasure`, { reason: '' }), { reason: 'isNotEmpty' });
      expectInvalid(await post(`/api/participants/${id}/erasure`, { reason: 17, hard: true }), { reason: 'isString', hard: 'unknownField' });
    });
    await read(`/api/participants/${id}`, { erased: false, person: anna });
  });

  it('POST /participants/{id}/erasure: 422 the second time', async () => {
    const id = await createParticipant(await createProject());
    await done(`/api/participants/${id}/erasure`, { reason: 'GDPR' });
    const res = await nothingWritten(() => post(`/api/participants/${id}/erasure`, { reason: 'GDPR again' }));
    expectError(res, 422, 'The participant has already been erased');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Labs and activities
// ---------------------------------------------------------------------------------------------------------

describe('labs and activities', () => {
  useApi();

  it('POST /projects/{id}/labs opens a lab with the default capacity; GET /labs and /activities show it', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await post(`/api/projects/${projectId}/labs`, { ...labBody, id });
    expectWrite(res, 201, 'activity', id);
    const expected = {
      id,
      revision: 0,
      projectId,
      kind: 'lab',
      ...labBody,
      capacity: { companies: 4, creatives: 16 },
      closed: false,
      companies: [],
      creatives: [],
      attendance: { items: [], total: 0, limit: 50, offset: 0 },
    };
    await read(`/api/labs/${id}`, expected);
    await read(`/api/activities/${id}`, expected);
  });

  it('POST /projects/{id}/labs with its own capacity', async () => {
    const id = await createLab(await createProject(), { capacity: { companies: 2, creatives: 3 } });
    await read(`/api/labs/${id}`, { capacity: { companies: 2, creatives: 3 } });
  });

  it('POST /projects/{id}/labs with only a creatives capacity keeps the default 4 companies', async () => {
    const id = await createLab(await createProject(), { capacity: { creatives: 2 } });
    await read(`/api/labs/${id}`, { capacity: { companies: 4, creatives: 2 } });
  });

  it('POST /projects/{id}/labs: 400 lists every offending field, nested capacity by path', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/labs`, {
        id,
        name: '',
        theme: 5,
        startDate: '2023-02-30',
        capacity: { companies: 0, seats: 10 },
        venue: 'Karlshamn',
      }),
    );
    expectInvalid(res, {
      name: 'isNotEmpty',
      theme: 'isString',
      startDate: 'isIsoDate',
      endDate: 'isIsoDate',
      'capacity.companies': 'min',
      'capacity.seats': 'unknownField',
      venue: 'unknownField',
    });
    await expectMissing(`/api/labs/${id}`);
  });

  it.each([
    ['starts before the project', { startDate: '2022-12-01' }, "The lab's start date 2022-12-01 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['ends after the project', { endDate: '2027-01-31' }, "The lab's end date 2027-01-31 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['starts in the future', { startDate: '2026-12-01', endDate: '2026-12-20' }, `The lab's start date 2026-12-01 is in the future (today is ${TODAY})`],
    ['ends before it starts', { startDate: '2024-02-10', endDate: '2023-10-10' }, 'The lab: the end date 2023-10-10 is before the start date 2024-02-10'],
  ])('POST /projects/{id}/labs: 422 when the lab %s', async (_, dates, message) => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/labs`, { ...labBody, ...dates, id }));
    expectError(res, 422, message);
    await expectMissing(`/api/labs/${id}`);
  });

  it('POST /projects/{id}/activities opens an activity; GET /activities shows it, GET /labs does not', async () => {
    const projectId = await createProject({ countries: ['SE', 'DK'] });
    const id = randomUUID();
    expectWrite(await post(`/api/projects/${projectId}/activities`, { ...activityBody, id, crossBorder: true }), 201, 'activity', id);
    await read(`/api/activities/${id}`, {
      id,
      revision: 0,
      projectId,
      kind: 'workshop',
      name: activityBody.name,
      startDate: '2023-10-10',
      endDate: '2023-10-12',
      crossBorder: true,
      closed: false,
      attendance: { items: [], total: 0, limit: 50, offset: 0 },
    });
    expectError(await get(`/api/labs/${id}`), 404, `Lab ${id} does not exist`);
  });

  it('POST /projects/{id}/activities: 400 lists every offending field', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/activities`, { id, format: 'party', crossBorder: 'yes', startDate: '2023-10-10', endDate: '10/12/2023' }),
    );
    expectInvalid(res, { name: 'isString', format: 'isIn', crossBorder: 'isBoolean', endDate: 'isIsoDate' });
    await expectMissing(`/api/activities/${id}`);
  });

  it('POST /projects/{id}/activities: 422 for a cross-border activity in a one-country project', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/activities`, { ...activityBody, id, crossBorder: true }));
    expectError(res, 422, 'A cross-border activity needs a project with partners in at least two countries');
    await expectMissing(`/api/activities/${id}`);
  });

  it.each([
    ['outside the project', { startDate: '2022-12-30', endDate: '2023-01-02' }, "The activity's start date 2022-12-30 lies outside the project's period"],
    ['in the future', { startDate: '2026-11-23', endDate: '2026-11-24' }, `The activity's start date 2026-11-23 is in the future (today is ${TODAY})`],
  ])('POST /projects/{id}/activities: 422 for dates %s', async (_, dates, message) => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/activities`, { ...activityBody, ...dates, id }));
    expectError(res, 422, message);
    await expectMissing(`/api/activities/${id}`);
  });

  // --- companies ---

  it('POST /labs/{id}/companies admits an enterprise; GET lists it', async () => {
    const labId = await createLab(await createProject());
    const organisationId = await createOrganisation();
    const res = await post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' });
    expectWrite(res, 200, 'activity', labId);
    expect(res.body.revision).toBe(1);
    await read(`/api/labs/${labId}`, { revision: 1, companies: [organisationId] });
  });

  it('POST /labs/{id}/companies: admittedOn defaults to today', async () => {
    const labId = await currentLab(await createProject());
    await done(`/api/labs/${labId}/companies`, { organisationId: await createOrganisation() });
    const [, admitted] = await eventsOf(`activity-${labId}`);
    expect(admitted).toMatchObject({ type: 'CompanyAdmittedToLab', data: { admittedOn: TODAY } });
  });

  it('POST /labs/{id}/companies: 400 lists every offending field', async () => {
    const labId = await createLab(await createProject());
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId: 'havsfabriken', admittedOn: '2023-04-31', role: 'lead' }));
    expectInvalid(res, { organisationId: 'isUuid', admittedOn: 'isIsoDate', role: 'unknownField' });
  });

  it('POST /labs/{id}/companies: 404 for an unknown organisationId', async () => {
    const labId = await createLab(await createProject());
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId: unknown, admittedOn: '2023-10-11' }));
    expectError(res, 404, `Organisation ${unknown} does not exist`);
    await read(`/api/labs/${labId}`, { companies: [] });
  });

  it('POST /labs/{id}/companies: 422 for a fifth company in a lab for four', async () => {
    const labId = await createLab(await createProject());
    const admitted: string[] = [];
    for (let i = 0; i < 4; i++) {
      const organisationId = await createOrganisation({ name: `Company ${i}` });
      await done(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' });
      admitted.push(organisationId);
    }
    const fifth = await createOrganisation({ name: 'Company 5' });
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId: fifth, admittedOn: '2023-10-11' }));
    expectError(res, 422, `"${labBody.name}" is full: it admits 4 companies`);
    await read(`/api/labs/${labId}`, { revision: 4, companies: admitted });
  });

  it('POST /labs/{id}/companies: 422 for an organisation that is not an enterprise', async () => {
    const labId = await createLab(await createProject());
    const organisationId = await createMunicipality();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' }));
    expectError(res, 422, `${municipality.name} is a municipality, not an enterprise: only enterprises are admitted as companies`);
  });

  it('POST /labs/{id}/companies: 422 for a company admitted twice', async () => {
    const labId = await createLab(await createProject());
    const organisationId = await createOrganisation();
    await done(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' });
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-12' }));
    expectError(res, 422, `${enterprise.name} is already admitted to "${labBody.name}"`);
  });

  it('POST /labs/{id}/companies: 422 once the lab is closed', async () => {
    const labId = await createLab(await createProject());
    await done(`/api/activities/${labId}/close`, { closedOn: '2024-02-10' });
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' }));
    expectError(res, 422, `"${labBody.name}" was closed on 2024-02-10: nothing more can be admitted or recorded`);
  });

  it('POST /labs/{id}/companies: 422 for an activity that is not a lab', async () => {
    const activityId = await createActivity(await createProject());
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() =>
      post(`/api/labs/${activityId}/companies`, { organisationId, admittedOn: '2023-10-11' }),
    );
    expectError(res, 422, `"${activityBody.name}" is a workshop, not a lab: only labs admit companies and creatives`);
  });

  it('POST /labs/{id}/companies: 422 for an admission date outside the lab', async () => {
    const labId = await createLab(await createProject());
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2024-03-01' }));
    expectError(res, 422, `The admission date 2024-03-01 lies outside "${labBody.name}" (its dates) (2023-10-10 to 2024-02-10)`);
  });

  it('POST /labs/{id}/companies: 422 for an admission date in the future', async () => {
    const labId = await currentLab(await createProject());
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2026-12-01' }));
    expectError(res, 422, `The admission date 2026-12-01 is in the future (today is ${TODAY})`);
  });

  // --- creatives ---

  it('POST /labs/{id}/creatives admits a participant of the project; GET lists them', async () => {
    const projectId = await createProject();
    const labId = await createLab(projectId);
    const participantId = await createParticipant(projectId);
    const res = await post(`/api/labs/${labId}/creatives`, { participantId, admittedOn: '2023-10-11' });
    expectWrite(res, 200, 'activity', labId);
    await read(`/api/labs/${labId}`, { revision: 1, creatives: [participantId] });
  });

  it('POST /labs/{id}/creatives: 400 lists every offending field', async () => {
    const labId = await createLab(await createProject());
    const res = await nothingWritten(() => post(`/api/labs/${labId}/creatives`, { admittedOn: 20231011, organisationId: randomUUID() }));
    expectInvalid(res, { participantId: 'isUuid', admittedOn: 'isIsoDate', organisationId: 'unknownField' });
  });

  it('POST /labs/{id}/creatives: 404 for an unknown participantId', async () => {
    const labId = await createLab(await createProject());
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/labs/${labId}/creatives`, { participantId: unknown, admittedOn: '2023-10-11' }));
    expectError(res, 404, `Participant ${unknown} does not exist`);
  });

  it('POST /labs/{id}/creatives: 422 for a participant of another project', async () => {
    const labId = await createLab(await createProject());
    const stranger = await createParticipant(await createProject());
    const res = await nothingWritten(() => post(`/api/labs/${labId}/creatives`, { participantId: stranger, admittedOn: '2023-10-11' }));
    expectError(res, 422, `Participant ${stranger} belongs to another project than "${labBody.name}"`);
  });

  it('POST /labs/{id}/creatives: 422 for a participant who is not a creative', async () => {
    const projectId = await createProject();
    const labId = await createLab(projectId);
    const representative = await createParticipant(projectId, { role: 'company-representative' });
    const res = await nothingWritten(() => post(`/api/labs/${labId}/creatives`, { participantId: representative, admittedOn: '2023-10-11' }));
    expectError(res, 422, `Participant ${representative} takes part as company-representative: only creatives fill a lab's creative places`);
    await read(`/api/labs/${labId}`, { creatives: [] });
  });

  it('POST /labs/{id}/creatives: 422 when the creatives are full, and for one admitted twice', async () => {
    const projectId = await createProject();
    const labId = await createLab(projectId, { capacity: { companies: 4, creatives: 1 } });
    const first = await createParticipant(projectId);
    await done(`/api/labs/${labId}/creatives`, { participantId: first, admittedOn: '2023-10-11' });
    const second = await createParticipant(projectId);
    await nothingWritten(async () => {
      const twice = await post(`/api/labs/${labId}/creatives`, { participantId: first, admittedOn: '2023-10-12' });
      expectError(twice, 422, `Participant ${first} is already admitted to "${labBody.name}"`);
      const full = await post(`/api/labs/${labId}/creatives`, { participantId: second, admittedOn: '2023-10-11' });
      expectError(full, 422, `"${labBody.name}" is full: it admits 1 creatives`);
    });
  });

  it('POST /labs/{id}/creatives: 422 once the lab is closed', async () => {
    const projectId = await createProject();
    const labId = await createLab(projectId);
    await done(`/api/activities/${labId}/close`, { closedOn: '2024-02-10' });
    const participantId = await createParticipant(projectId);
    const res = await nothingWritten(() =>
      post(`/api/labs/${labId}/creatives`, { participantId, admittedOn: '2023-10-11' }),
    );
    expectError(res, 422, /was closed on 2024-02-10: nothing more can be admitted or recorded/);
  });

  // --- attendance ---

  it('POST /activities/{id}/attendance records attendance; GET lists it', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    const participantId = await createParticipant(projectId);
    const res = await post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' });
    expectWrite(res, 200, 'activity', activityId);
    await read(`/api/activities/${activityId}`, { revision: 1, attendance: { items: [{ participantId, date: '2023-10-11' }], total: 1 } });
  });

  it('POST /activities/{id}/attendance: 400 lists every offending field', async () => {
    const activityId = await createActivity(await createProject());
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/attendance`, { participantId: 42, date: '2023-02-29', hours: 3 }));
    expectInvalid(res, { participantId: 'isUuid', date: 'isIsoDate', hours: 'unknownField' });
  });

  it('POST /activities/{id}/attendance: 404 for an unknown participantId', async () => {
    const activityId = await createActivity(await createProject());
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/attendance`, { participantId: unknown, date: '2023-10-11' }));
    expectError(res, 404, `Participant ${unknown} does not exist`);
  });

  it('POST /activities/{id}/attendance: 422 for a participant of another project', async () => {
    const activityId = await createActivity(await createProject());
    const stranger = await createParticipant(await createProject());
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/attendance`, { participantId: stranger, date: '2023-10-11' }));
    expectError(res, 422, `Participant ${stranger} belongs to another project than "${activityBody.name}": a participant takes part only in their own project`);
  });

  it('POST /activities/{id}/attendance: 422 after the activity is closed', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    await done(`/api/activities/${activityId}/close`, { closedOn: '2023-10-12' });
    const participantId = await createParticipant(projectId);
    const res = await nothingWritten(() =>
      post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' }),
    );
    expectError(res, 422, `"${activityBody.name}" was closed on 2023-10-12: nothing more can be admitted or recorded`);
  });

  it('POST /activities/{id}/attendance: 422 for a date outside the activity', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    const participantId = await createParticipant(projectId);
    const res = await nothingWritten(() =>
      post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-13' }),
    );
    expectError(res, 422, `The attendance date 2023-10-13 lies outside "${activityBody.name}" (its dates) (2023-10-10 to 2023-10-12)`);
  });

  it('POST /activities/{id}/attendance: 422 for a date in the future', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId, { startDate: '2026-11-20', endDate: '2026-12-31' });
    const participantId = await createParticipant(projectId);
    const res = await nothingWritten(() =>
      post(`/api/activities/${activityId}/attendance`, { participantId, date: '2026-11-23' }),
    );
    expectError(res, 422, `The attendance date 2026-11-23 is in the future (today is ${TODAY})`);
  });

  it('POST /activities/{id}/attendance: 422 for the same participant on the same day twice', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    const participantId = await createParticipant(projectId);
    await done(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' });
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' }));
    expectError(res, 422, `Attendance of participant ${participantId} on 2023-10-11 is already recorded`);
    await done(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-12' });
  });

  // --- close ---

  it('POST /activities/{id}/close closes the activity; GET shows closed', async () => {
    const activityId = await createActivity(await createProject());
    const res = await post(`/api/activities/${activityId}/close`, { closedOn: '2023-10-12' });
    expectWrite(res, 200, 'activity', activityId);
    await read(`/api/activities/${activityId}`, { revision: 1, closed: true, closedOn: '2023-10-12' });
  });

  it('POST /activities/{id}/close: closedOn defaults to today, and a lab closes too', async () => {
    const labId = await createLab(await createProject());
    await done(`/api/activities/${labId}/close`);
    await read(`/api/labs/${labId}`, { closed: true, closedOn: TODAY });
  });

  it('POST /activities/{id}/close: 400 lists every offending field', async () => {
    const activityId = await createActivity(await createProject());
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/close`, { closedOn: 'yesterday', reason: 'done' }));
    expectInvalid(res, { closedOn: 'isIsoDate', reason: 'unknownField' });
    await read(`/api/activities/${activityId}`, { closed: false });
  });

  it('POST /activities/{id}/close: 422 the second time', async () => {
    const activityId = await createActivity(await createProject());
    await done(`/api/activities/${activityId}/close`, { closedOn: '2023-10-12' });
    const res = await nothingWritten(() => post(`/api/activities/${activityId}/close`, { closedOn: '2023-10-13' }));
    expectError(res, 422, /was closed on 2023-10-12/);
  });

  it('POST /activities/{id}/close: 422 before the activity started, and in the future', async () => {
    const activityId = await createActivity(await createProject());
    await nothingWritten(async () => {
      const early = await post(`/api/activities/${activityId}/close`, { closedOn: '2023-10-09' });
      expectError(early, 422, `"${activityBody.name}" cannot close on 2023-10-09, before it started (2023-10-10)`);
      const future = await post(`/api/activities/${activityId}/close`, { closedOn: '2026-11-23' });
      expectError(future, 422, `The closing date 2026-11-23 is in the future (today is ${TODAY})`);
    });
    await read(`/api/activities/${activityId}`, { closed: false });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Enterprise support, pilot cases and outcomes
// ---------------------------------------------------------------------------------------------------------

describe('enterprise support', () => {
  useApi();

  it('POST /projects/{id}/support records support; GET shows it', async () => {
    const projectId = await createProject();
    const organisationId = await createOrganisation();
    const activityId = await createActivity(projectId);
    const id = randomUUID();
    const body = { ...supportBody(organisationId), activityId, amountEur: 5000.5 };
    expectWrite(await post(`/api/projects/${projectId}/support`, { ...body, id }), 201, 'support', id);
    await read(`/api/support/${id}`, { id, revision: 0, projectId, ...body });
  });

  it('POST /projects/{id}/support: non-financial support needs no amount', async () => {
    const projectId = await createProject();
    const id = await created(`/api/projects/${projectId}/support`, {
      organisationId: await createOrganisation(),
      kind: 'non-financial',
      date: '2023-11-15',
      hours: 12.5,
    });
    const body = await read(`/api/support/${id}`, { kind: 'non-financial', hours: 12.5 });
    expect(body.amountEur).toBeUndefined();
  });

  it('POST /projects/{id}/support: 400 lists every offending field', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/support`, { id, organisationId: 'acme', kind: 'loan', date: '2023-02-30', amountEur: 10.555, hours: -1 }),
    );
    expectInvalid(res, { organisationId: 'isUuid', kind: 'isIn', date: 'isIsoDate', amountEur: 'isNumber', hours: 'min' });
    await expectMissing(`/api/support/${id}`);
  });

  it.each([
    ['organisationId', 'Organisation'],
    ['activityId', 'Activity'],
  ])('POST /projects/{id}/support: 404 for an unknown %s', async (field, entity) => {
    const projectId = await createProject();
    const id = randomUUID();
    const unknown = randomUUID();
    const body = { ...supportBody(await createOrganisation()), id, [field]: unknown };
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/support`, body));
    expectError(res, 404, `${entity} ${unknown} does not exist`);
    await expectMissing(`/api/support/${id}`);
  });

  it('POST /projects/{id}/support: 422 for an organisation that is not an enterprise', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const municipalityId = await createMunicipality();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/support`, { ...supportBody(municipalityId), id }),
    );
    expectError(res, 422, `${municipality.name} is a municipality, not an enterprise: enterprise support goes to enterprises`);
    await expectMissing(`/api/support/${id}`);
  });

  it('POST /projects/{id}/support: 422 for a grant without an amount', async () => {
    const projectId = await createProject();
    const { amountEur: _, ...withoutAmount } = supportBody(await createOrganisation());
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/support`, withoutAmount));
    expectError(res, 422, 'A grant needs amountEur, the amount in euro');
  });

  it('POST /projects/{id}/support: 422 for an activity of another project', async () => {
    const projectId = await createProject();
    const foreignActivity = await createActivity(await createProject());
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/support`, { ...supportBody(organisationId), activityId: foreignActivity }),
    );
    expectError(res, 422, `Activity ${foreignActivity} belongs to another project`);
  });

  it.each([
    ['outside the project', '2022-06-01', "The support date 2022-06-01 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['in the future', '2026-11-30', `The support date 2026-11-30 is in the future (today is ${TODAY})`],
  ])('POST /projects/{id}/support: 422 for a date %s', async (_, date, message) => {
    const projectId = await createProject();
    const id = randomUUID();
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/support`, { ...supportBody(organisationId), id, date }));
    expectError(res, 422, message);
    await expectMissing(`/api/support/${id}`);
  });
});

describe('pilot cases', () => {
  useApi();

  it('POST /projects/{id}/pilot-cases starts a pilot case; GET shows it with its organisations once each', async () => {
    const projectId = await createProject();
    const [first, second] = [await createOrganisation(), await createOrganisation({ name: 'Ljudbolaget AB' })];
    const id = randomUUID();
    const res = await post(`/api/projects/${projectId}/pilot-cases`, { ...pilotCaseBody([first, second, first]), id });
    expectWrite(res, 201, 'pilotCase', id);
    await read(`/api/pilot-cases/${id}`, {
      id,
      revision: 0,
      projectId,
      title: pilotCaseBody([]).title,
      organisationIds: [first, second],
      startDate: '2024-03-01',
      completed: false,
    });
  });

  it('POST /projects/{id}/pilot-cases: 400 lists every offending field', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    await nothingWritten(async () => {
      expectInvalid(await post(`/api/projects/${projectId}/pilot-cases`, { id, title: '', organisationIds: [], startDate: '2024-02-30' }), {
        title: 'isNotEmpty',
        organisationIds: 'arrayMinSize',
        startDate: 'isIsoDate',
      });
      expectInvalid(await post(`/api/projects/${projectId}/pilot-cases`, { ...pilotCaseBody(['org-1']), id, budget: 5 }), {
        organisationIds: 'isUuid',
        budget: 'unknownField',
      });
    });
    await expectMissing(`/api/pilot-cases/${id}`);
  });

  it('POST /projects/{id}/pilot-cases: 404 for an unknown organisation in the list', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const unknown = randomUUID();
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/pilot-cases`, { ...pilotCaseBody([organisationId, unknown]), id }),
    );
    expectError(res, 404, `Organisation ${unknown} does not exist`);
    await expectMissing(`/api/pilot-cases/${id}`);
  });

  it.each([
    ['outside the project', '2022-12-31', "The pilot case start date 2022-12-31 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['in the future', '2026-11-23', `The pilot case start date 2026-11-23 is in the future (today is ${TODAY})`],
  ])('POST /projects/{id}/pilot-cases: 422 for a start date %s', async (_, startDate, message) => {
    const projectId = await createProject();
    const id = randomUUID();
    const organisationId = await createOrganisation();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/pilot-cases`, { ...pilotCaseBody([organisationId]), id, startDate }),
    );
    expectError(res, 422, message);
    await expectMissing(`/api/pilot-cases/${id}`);
  });

  it('POST /pilot-cases/{id}/completion completes it; GET shows completed', async () => {
    const id = await createPilotCase(await createProject());
    const res = await post(`/api/pilot-cases/${id}/completion`, { date: '2024-09-30', evidence: 'Final report' });
    expectWrite(res, 200, 'pilotCase', id);
    expect(res.body.revision).toBe(1);
    await read(`/api/pilot-cases/${id}`, { revision: 1, completed: true, completedOn: '2024-09-30' });
  });

  it('POST /pilot-cases/{id}/completion: 400 lists every offending field', async () => {
    const id = await createPilotCase(await createProject());
    const res = await nothingWritten(() => post(`/api/pilot-cases/${id}/completion`, { date: '30 Sept 2024', evidence: '', rating: 5 }));
    expectInvalid(res, { date: 'isIsoDate', evidence: 'isNotEmpty', rating: 'unknownField' });
    await read(`/api/pilot-cases/${id}`, { completed: false });
  });

  it('POST /pilot-cases/{id}/completion: 422 the second time', async () => {
    const id = await createPilotCase(await createProject());
    await done(`/api/pilot-cases/${id}/completion`, { date: '2024-09-30', evidence: 'Final report' });
    const res = await nothingWritten(() => post(`/api/pilot-cases/${id}/completion`, { date: '2024-10-01', evidence: 'Again' }));
    expectError(res, 422, `"${pilotCaseBody([]).title}" was already completed on 2024-09-30: a pilot case completes once`);
    await read(`/api/pilot-cases/${id}`, { completedOn: '2024-09-30' });
  });

  it.each([
    ['before it started', '2024-02-29', `"${pilotCaseBody([]).title}" cannot complete on 2024-02-29, before it started (2024-03-01)`],
    ['after the project', '2027-01-15', "The completion date 2027-01-15 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['in the future', '2026-12-01', `The completion date 2026-12-01 is in the future (today is ${TODAY})`],
  ])('POST /pilot-cases/{id}/completion: 422 for a date %s', async (_, date, message) => {
    const id = await createPilotCase(await createProject());
    const res = await nothingWritten(() => post(`/api/pilot-cases/${id}/completion`, { date, evidence: 'Report' }));
    expectError(res, 422, message);
    await read(`/api/pilot-cases/${id}`, { completed: false });
  });
});

describe('outcomes', () => {
  useApi();

  it('POST /projects/{id}/outcomes records an outcome with its references; GET shows it', async () => {
    const projectId = await createProject();
    const organisationId = await createOrganisation();
    const activityId = await createActivity(projectId);
    const pilotCaseId = await createPilotCase(projectId);
    const id = randomUUID();
    const body = { ...outcomeBody, organisationId, activityId, pilotCaseId, evidence: 'Press release 2023-10-12' };
    expectWrite(await post(`/api/projects/${projectId}/outcomes`, { ...body, id }), 201, 'outcome', id);
    await read(`/api/outcomes/${id}`, { id, revision: 0, projectId, ...body, retracted: false, retractionReason: null });
  });

  it('POST /projects/{id}/outcomes: 400 lists every offending field', async () => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() =>
      post(`/api/projects/${projectId}/outcomes`, { id, kind: 'invention', activityId: 'lab-1', date: '2023-02-30', description: '', impact: 'high' }),
    );
    expectInvalid(res, { kind: 'isIn', activityId: 'isUuid', date: 'isIsoDate', description: 'isNotEmpty', impact: 'unknownField' });
    await expectMissing(`/api/outcomes/${id}`);
  });

  it.each([
    ['organisationId', 'Organisation'],
    ['activityId', 'Activity'],
    ['pilotCaseId', 'Pilot case'],
  ])('POST /projects/{id}/outcomes: 404 for an unknown %s', async (field, entity) => {
    const projectId = await createProject();
    const id = randomUUID();
    const unknown = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/outcomes`, { ...outcomeBody, id, [field]: unknown }));
    expectError(res, 404, `${entity} ${unknown} does not exist`);
    await expectMissing(`/api/outcomes/${id}`);
  });

  it('POST /projects/{id}/outcomes: 422 for an activity or a pilot case of another project', async () => {
    const projectId = await createProject();
    const otherProject = await createProject();
    const foreignActivity = await createActivity(otherProject);
    const foreignPilotCase = await createPilotCase(otherProject);
    await nothingWritten(async () => {
      const activity = await post(`/api/projects/${projectId}/outcomes`, { ...outcomeBody, activityId: foreignActivity });
      expectError(activity, 422, `Activity ${foreignActivity} belongs to another project`);
      const pilotCase = await post(`/api/projects/${projectId}/outcomes`, { ...outcomeBody, pilotCaseId: foreignPilotCase });
      expectError(pilotCase, 422, `Pilot case ${foreignPilotCase} belongs to another project`);
    });
  });

  it.each([
    ['outside the project', '2022-10-12', "The outcome date 2022-10-12 lies outside the project's period (2023-01-01 to 2026-12-31)"],
    ['in the future', '2026-12-12', `The outcome date 2026-12-12 is in the future (today is ${TODAY})`],
  ])('POST /projects/{id}/outcomes: 422 for a date %s', async (_, date, message) => {
    const projectId = await createProject();
    const id = randomUUID();
    const res = await nothingWritten(() => post(`/api/projects/${projectId}/outcomes`, { ...outcomeBody, id, date }));
    expectError(res, 422, message);
    await expectMissing(`/api/outcomes/${id}`);
  });

  it('POST /outcomes/{id}/retraction retracts it; GET shows retracted with the reason', async () => {
    const id = await createOutcome(await createProject());
    const res = await post(`/api/outcomes/${id}/retraction`, { reason: 'Registered twice by mistake' });
    expectWrite(res, 200, 'outcome', id);
    expect(res.body.revision).toBe(1);
    await read(`/api/outcomes/${id}`, { revision: 1, retracted: true, retractionReason: 'Registered twice by mistake' });
    const [, retracted] = await eventsOf(`outcome-${id}`);
    expect(retracted).toMatchObject({
      type: 'OutcomeRetracted',
      data: { reason: 'Registered twice by mistake' },
      metadata: { command: 'RetractOutcome', reasonCategory: 'other' },
    });
    expect(retracted.metadata).not.toHaveProperty('reason');
  });

  it('POST /outcomes/{id}/retraction: 400 for a missing reason and an unknown field', async () => {
    const id = await createOutcome(await createProject());
    const res = await nothingWritten(() => post(`/api/outcomes/${id}/retraction`, { why: 'duplicate' }));
    expectInvalid(res, { reason: 'isNotEmpty', why: 'unknownField' });
    await read(`/api/outcomes/${id}`, { retracted: false });
  });

  it('POST /outcomes/{id}/retraction: 422 for a reason of only spaces', async () => {
    const id = await createOutcome(await createProject());
    const res = await nothingWritten(() => post(`/api/outcomes/${id}/retraction`, { reason: '   ' }));
    expectError(res, 422, 'A retraction needs a reason');
  });

  it('POST /outcomes/{id}/retraction: 422 the second time', async () => {
    const id = await createOutcome(await createProject());
    await done(`/api/outcomes/${id}/retraction`, { reason: 'Duplicate' });
    const res = await nothingWritten(() => post(`/api/outcomes/${id}/retraction`, { reason: 'Duplicate again' }));
    expectError(res, 422, 'The outcome was already retracted (Duplicate): an outcome is retracted once');
    await read(`/api/outcomes/${id}`, { retractionReason: 'Duplicate' });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Idempotency, concurrency, If-Match and metadata
// ---------------------------------------------------------------------------------------------------------

describe('Idempotency-Key', () => {
  useApi();

  it('a create retried with the same key answers 201 and the same generated id, and registers one project', async () => {
    const key = `create-${randomUUID()}`;
    const before = (await events()).length;
    const first = await post('/api/projects', crossInnovation, { 'Idempotency-Key': key });
    expectWrite(first, 201, 'project');
    const retried = await post('/api/projects', crossInnovation, { 'Idempotency-Key': key });
    expectStatus(retried, 201);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.etag).toBe('"0"');
    expect((await events()).length).toBe(before + 1);
    await read(`/api/projects/${first.body.id}`, { revision: 0 });
  });

  it('an action replayed with the same key answers 200 and the first answer, even when doing it again would be refused', async () => {
    const outcomeId = await createOutcome(await createProject());
    const key = randomUUID();
    const first = await post(`/api/outcomes/${outcomeId}/retraction`, { reason: 'Duplicate' }, { 'Idempotency-Key': key });
    expectWrite(first, 200, 'outcome', outcomeId);
    const replay = await nothingWritten(() => post(`/api/outcomes/${outcomeId}/retraction`, { reason: 'Duplicate' }, { 'Idempotency-Key': key }));
    expectStatus(replay, 200);
    expect(replay.body).toEqual(first.body);
    expect(await eventsOf(`outcome-${outcomeId}`)).toHaveLength(2);
  });

  it('the same key with a different body is a 422 and writes nothing', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    const key = randomUUID();
    await done(`/api/activities/${activityId}/attendance`, { participantId: await createParticipant(projectId), date: '2023-10-11' });
    const other = await createParticipant(projectId);
    const first = await post(`/api/activities/${activityId}/attendance`, { participantId: other, date: '2023-10-11' }, { 'Idempotency-Key': key });
    expectStatus(first, 200);
    const res = await nothingWritten(() =>
      post(`/api/activities/${activityId}/attendance`, { participantId: other, date: '2023-10-12' }, { 'Idempotency-Key': key }),
    );
    expectError(res, 422, 'This Idempotency-Key was already used with a different request; use a new key for a new request');
    await read(`/api/activities/${activityId}`, { revision: 2 });
  });

  it('the same key on another route is a 422 and writes nothing', async () => {
    const key = randomUUID();
    expectStatus(await post('/api/organisations', enterprise, { 'Idempotency-Key': key }), 201);
    const id = randomUUID();
    const res = await nothingWritten(() => post('/api/projects', { ...crossInnovation, id }, { 'Idempotency-Key': key }));
    expectError(res, 422, /already used with a different request/);
    await expectMissing(`/api/projects/${id}`);
  });

  it('the same body with its fields in another order is the same request', async () => {
    const key = randomUUID();
    const first = await post('/api/organisations', { name: 'Ordning AB', country: 'SE', type: 'enterprise', sizeClass: 'small' }, { 'Idempotency-Key': key });
    const reordered = await nothingWritten(() =>
      post('/api/organisations', { sizeClass: 'small', type: 'enterprise', country: 'SE', name: 'Ordning AB' }, { 'Idempotency-Key': key }),
    );
    expectStatus(reordered, 201);
    expect(reordered.body).toEqual(first.body);
  });

  it('a refused request is not remembered: retrying it with the key is refused the same way', async () => {
    const key = randomUUID();
    const body = { ...crossInnovation, startDate: '2024-01-01', endDate: '2023-01-01' };
    await nothingWritten(async () => {
      expectError(await post('/api/projects', body, { 'Idempotency-Key': key }), 422, /end date/);
      expectError(await post('/api/projects', body, { 'Idempotency-Key': key }), 422, /end date/);
    });
    expectWrite(await post('/api/projects', crossInnovation, { 'Idempotency-Key': randomUUID() }), 201, 'project');
  });

  it('concurrent requests with the same key write once and all answer the same', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/api/organisations', enterprise, { 'Idempotency-Key': key })));
    for (const answer of answers) {
      expectStatus(answer, 201);
      expect(answer.body).toEqual(answers[0].body);
    }
    expect(await eventsOf(answers[0].body.streamName)).toHaveLength(1);
  });

  it('a key that is not 1 to 200 visible ASCII characters is a 400', async () => {
    await nothingWritten(async () => {
      expectError(await post('/api/projects', crossInnovation, { 'Idempotency-Key': 'has space' }), 400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
      expectError(await post('/api/projects', crossInnovation, { 'Idempotency-Key': 'k'.repeat(201) }), 400, /Idempotency-Key must be/);
    });
  });
});

describe('concurrency and If-Match', () => {
  useApi();

  it('without If-Match, 10 parallel attendance records on one activity all succeed with distinct revisions', async () => {
    const projectId = await createProject();
    const activityId = await createActivity(projectId);
    const participants: string[] = [];
    for (let i = 0; i < 10; i++) participants.push(await createParticipant(projectId, { person: { name: `Deltagare ${i}` } }));

    const answers = await Promise.all(
      participants.map((participantId) => post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' })),
    );
    for (const answer of answers) expectWrite(answer, 200, 'activity', activityId);
    expect(new Set(answers.map((answer) => answer.body.revision))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(new Set(answers.map((answer) => answer.body.position)).size).toBe(10);

    const recorded = (await eventsOf(`activity-${activityId}`)).filter((event) => event.type === 'AttendanceRecorded');
    expect(recorded).toHaveLength(10);
    expect(new Set(recorded.map((event) => (event.data as { participantId: string }).participantId))).toEqual(new Set(participants));
    const activity = await read(`/api/activities/${activityId}`, { revision: 10 });
    expect(activity.attendance).toMatchObject({ total: 10, items: expect.any(Array) });
    expect((activity.attendance as { items: unknown[] }).items).toHaveLength(10);
  });

  it('with the same If-Match, of parallel admissions exactly one succeeds and the others are 412', async () => {
    const labId = await createLab(await createProject(), { capacity: { companies: 10, creatives: 16 } });
    const organisations: string[] = [];
    for (let i = 0; i < 5; i++) organisations.push(await createOrganisation({ name: `Bolag ${i}` }));
    const answers = await Promise.all(
      organisations.map((organisationId) =>
        post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-10-11' }, { 'If-Match': '"0"' }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412, 412, 412, 412]);
    for (const refused of answers.filter((answer) => answer.status === 412)) {
      expectError(refused, 412, 'The entity is at revision 1, not 0: reload it and try again');
    }
    await read(`/api/labs/${labId}`, { revision: 1 });
    expect((await read(`/api/labs/${labId}`)).companies).toHaveLength(1);
  });

  it('If-Match accepts the ETag as sent, weak or bare', async () => {
    const projectId = await createProject();
    const etag = (await get(`/api/projects/${projectId}`)).headers.etag;
    expect(etag).toBe('"0"');
    expectWrite(await post(`/api/projects/${projectId}/targets`, { code: 'RCO01', target: 1 }, { 'If-Match': etag }), 200, 'project', projectId);
    expectWrite(await post(`/api/projects/${projectId}/targets`, { code: 'RCO02', target: 2 }, { 'If-Match': 'W/"1"' }), 200, 'project', projectId);
    expectWrite(await post(`/api/projects/${projectId}/targets`, { code: 'RCO04', target: 3 }, { 'If-Match': '2' }), 200, 'project', projectId);
    await read(`/api/projects/${projectId}`, { revision: 3 });
  });
});

describe('event metadata and correlation', () => {
  useApi();

  it('an event carries the correlation id, actor, command, pinned time and schema version; the answer echoes the id', async () => {
    const projectId = await createProject();
    const res = await post(`/api/projects/${projectId}/labs`, labBody, { 'X-Correlation-Id': 'abc-123' });
    expectWrite(res, 201, 'activity');
    expect(res.headers['x-correlation-id']).toBe('abc-123');
    const [opened] = await eventsOf(res.body.streamName);
    expect(opened).toMatchObject({
      type: 'LabOpened',
      revision: res.body.revision,
      position: res.body.position,
      metadata: {
        correlationId: 'abc-123',
        actor: expect.stringMatching(/^token:[0-9a-f-]{36}$/),
        command: 'OpenLab',
        recordedAt: '2026-11-22T10:00:00.000Z',
        schemaVersion: 1,
        causationId: expect.stringMatching(UUID),
      },
    });
  });

  it('every write route records its own command name', async () => {
    const commands: Record<string, string> = {
      'POST /api/projects': 'RegisterProject',
      'POST /api/projects/{id}/targets': 'SetIndicatorTarget',
      'POST /api/organisations': 'RegisterOrganisation',
      'POST /api/organisations/{id}/reclassification': 'ReclassifyOrganisation',
      'POST /api/projects/{id}/participants': 'RegisterParticipant',
      'POST /api/participants/{id}/corrections': 'CorrectParticipant',
      'POST /api/participants/{id}/erasure': 'EraseParticipant',
      'POST /api/projects/{id}/labs': 'OpenLab',
      'POST /api/projects/{id}/activities': 'OpenActivity',
      'POST /api/labs/{id}/companies': 'AdmitCompanyToLab',
      'POST /api/labs/{id}/creatives': 'AdmitCreativeToLab',
      'POST /api/activities/{id}/attendance': 'RecordAttendance',
      'POST /api/activities/{id}/close': 'CloseActivity',
      'POST /api/projects/{id}/support': 'RecordEnterpriseSupport',
      'POST /api/projects/{id}/pilot-cases': 'StartPilotCase',
      'POST /api/pilot-cases/{id}/completion': 'CompletePilotCase',
      'POST /api/projects/{id}/outcomes': 'RecordOutcome',
      'POST /api/outcomes/{id}/retraction': 'RetractOutcome',
    };
    for (const route of writeRoutes) {
      const { url, body } = await route.arrange();
      const correlationId = `route-${randomUUID()}`;
      const res = await post(url, body, { 'X-Correlation-Id': correlationId });
      expect(res.headers['x-correlation-id']).toBe(correlationId);
      const written = (await events()).filter((event) => event.metadata.correlationId === correlationId);
      expect({ route: route.route, written: written.map((event) => event.metadata.command) }).toEqual({
        route: route.route,
        written: [commands[route.route]],
      });
      expect(written[0].metadata).toMatchObject({ actor: expect.stringMatching(/^token:[0-9a-f-]{36}$/), recordedAt: '2026-11-22T10:00:00.000Z', schemaVersion: 1 });
    }
  });

  it('without a usable X-Correlation-Id a new one is made, echoed and recorded', async () => {
    for (const header of [undefined, 'not allowed: spaces']) {
      const res = await post('/api/organisations', enterprise, header ? { 'X-Correlation-Id': header } : {});
      expectWrite(res, 201, 'organisation');
      const correlationId = res.headers['x-correlation-id'];
      expect(correlationId).toMatch(UUID);
      const [registered] = await eventsOf(res.body.streamName);
      expect(registered.metadata.correlationId).toBe(correlationId);
    }
  });

  it('refusals echo the correlation id too', async () => {
    const res = await post(`/api/outcomes/${randomUUID()}/retraction`, { reason: 'x' }, { 'X-Correlation-Id': 'refused-1' });
    expectStatus(res, 404);
    expect(res.headers['x-correlation-id']).toBe('refused-1');
  });
});
