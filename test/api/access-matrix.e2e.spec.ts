import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * Every route times every kind of caller: no token, an expired one, a revoked one, and each role with a
 * token for the route's project and for another project. Refusals are 401 (who are you?) or 403 (not
 * you, not here) and write nothing; everything else gets past the door (its own 2xx or 4xx).
 */
type Role = 'admin' | 'staff' | 'auditor' | 'viewer' | 'monitoring';
type Permission =
  | 'figures:read'
  | 'records:read'
  | 'records:write'
  | 'reports:submit'
  | 'reports:verify'
  | 'organisations:read'
  | 'organisations:write'
  | 'state-aid:read'
  | 'programme:read'
  | 'log:read'
  | 'projects:register'
  | 'personal-data:erase'
  | 'access:manage'
  | 'metrics:read';

/** The policy as users were promised it (README, "Access control"); the code must agree. */
const MAY: Record<Role, Permission[] | 'all'> = {
  admin: 'all',
  staff: ['figures:read', 'records:read', 'records:write', 'reports:submit', 'reports:verify', 'organisations:read', 'organisations:write', 'state-aid:read'],
  auditor: ['figures:read', 'records:read', 'reports:verify', 'organisations:read', 'programme:read', 'log:read', 'state-aid:read'],
  viewer: ['figures:read', 'organisations:read'],
  monitoring: ['metrics:read'],
};
const PROJECT_SCOPED: Permission[] = ['figures:read', 'records:read', 'records:write', 'reports:submit', 'reports:verify', 'personal-data:erase'];

interface Ids {
  project: string;
  participant: string;
  erasable: string;
  lab: string;
  activity: string;
  closable: string;
  support: string;
  pilotCase: string;
  completable: string;
  outcome: string;
  retractable: string;
  report: string;
}
interface Route {
  method: 'GET' | 'POST';
  path: string;
  permission: Permission;
  /** Whether the route touches one project (and so may be tried against another project's entity). */
  scoped: boolean;
  url: (ids: Ids, shared: { organisation: string; revocable: () => Promise<string> }) => string | Promise<string>;
  body?: (ids: Ids, shared: { organisation: string }) => unknown;
}

const p = (ids: Ids) => ids.project;
const ROUTES: Route[] = [
  { method: 'POST', path: '/api/projects', permission: 'projects:register', scoped: false, url: () => '/api/projects', body: () => crossInnovation },
  { method: 'POST', path: '/api/projects/{id}/targets', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/targets`, body: () => ({ code: 'participants', target: 40, baseline: 0 }) },
  { method: 'POST', path: '/api/organisations', permission: 'organisations:write', scoped: false, url: () => '/api/organisations', body: () => ({ name: 'Havsfabriken AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' }) },
  { method: 'POST', path: '/api/organisations/{id}/reclassification', permission: 'organisations:write', scoped: false, url: (_, s) => `/api/organisations/${s.organisation}/reclassification`, body: () => ({ sizeClass: 'small', reason: 'Ny årsredovisning' }) },
  { method: 'POST', path: '/api/projects/{id}/participants', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/participants`, body: () => ({ person: { name: 'Lena Ek', email: 'lena@example.se' }, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' }) },
  { method: 'POST', path: '/api/participants/{id}/corrections', permission: 'records:write', scoped: true, url: (i) => `/api/participants/${i.participant}/corrections`, body: () => ({ birthYear: 1990, reason: 'Fel födelseår' }) },
  { method: 'POST', path: '/api/projects/{id}/labs', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/labs`, body: () => ({ name: 'Lab Karlshamn', theme: 'hav', startDate: '2024-02-01', endDate: '2024-06-30' }) },
  { method: 'POST', path: '/api/projects/{id}/activities', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/activities`, body: () => ({ name: 'Workshop Ronneby', format: 'workshop', crossBorder: false, startDate: '2024-02-01', endDate: '2024-02-02' }) },
  { method: 'POST', path: '/api/labs/{id}/companies', permission: 'records:write', scoped: true, url: (i) => `/api/labs/${i.lab}/companies`, body: (_, s) => ({ organisationId: s.organisation, admittedOn: '2024-02-01' }) },
  { method: 'POST', path: '/api/labs/{id}/creatives', permission: 'records:write', scoped: true, url: (i) => `/api/labs/${i.lab}/creatives`, body: (i) => ({ participantId: i.participant, admittedOn: '2024-02-01' }) },
  { method: 'POST', path: '/api/activities/{id}/attendance', permission: 'records:write', scoped: true, url: (i) => `/api/activities/${i.activity}/attendance`, body: (i) => ({ participantId: i.participant, date: '2024-02-01' }) },
  { method: 'POST', path: '/api/activities/{id}/close', permission: 'records:write', scoped: true, url: (i) => `/api/activities/${i.closable}/close`, body: () => ({ closedOn: '2024-03-01' }) },
  { method: 'POST', path: '/api/projects/{id}/support', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/support`, body: (_, s) => ({ organisationId: s.organisation, kind: 'non-financial', date: '2024-03-01' }) },
  { method: 'POST', path: '/api/projects/{id}/pilot-cases', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/pilot-cases`, body: (_, s) => ({ title: 'Pilot', organisationIds: [s.organisation], startDate: '2024-03-01' }) },
  { method: 'POST', path: '/api/pilot-cases/{id}/completion', permission: 'records:write', scoped: true, url: (i) => `/api/pilot-cases/${i.completable}/completion`, body: () => ({ date: '2024-09-30', evidence: 'Slutrapport' }) },
  { method: 'POST', path: '/api/projects/{id}/outcomes', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/outcomes`, body: () => ({ kind: 'business-idea', date: '2024-03-01', description: 'Idé' }) },
  { method: 'POST', path: '/api/outcomes/{id}/retraction', permission: 'records:write', scoped: true, url: (i) => `/api/outcomes/${i.retractable}/retraction`, body: () => ({ reason: 'Dubblett' }) },
  { method: 'POST', path: '/api/projects/{id}/reports', permission: 'reports:submit', scoped: true, url: (i) => `/api/projects/${p(i)}/reports`, body: () => ({ label: 'Lägesrapport', from: '2024-01-01', to: '2024-06-30' }) },
  { method: 'POST', path: '/api/reports/{id}/verifications', permission: 'reports:verify', scoped: true, url: (i) => `/api/reports/${i.report}/verifications` },
  { method: 'POST', path: '/api/participants/{id}/erasure', permission: 'personal-data:erase', scoped: true, url: (i) => `/api/participants/${i.erasable}/erasure`, body: () => ({ reason: 'GDPR art. 17' }) },
  { method: 'POST', path: '/api/access/tokens', permission: 'access:manage', scoped: false, url: () => '/api/access/tokens', body: (i) => ({ name: 'Ny läsare', role: 'viewer', projectIds: [i.project] }) },
  { method: 'POST', path: '/api/access/tokens/{id}/revocation', permission: 'access:manage', scoped: false, url: async (_, s) => `/api/access/tokens/${await s.revocable()}/revocation`, body: () => ({ reason: 'Slutat' }) },
  { method: 'GET', path: '/api/access/tokens', permission: 'access:manage', scoped: false, url: () => '/api/access/tokens' },
  { method: 'POST', path: '/api/access/tokens/{id}/erasure', permission: 'personal-data:erase', scoped: false, url: async (_, s) => `/api/access/tokens/${await s.revocable()}/erasure`, body: () => ({ reasonCategory: 'data-subject-request' }) },
  { method: 'GET', path: '/api/projects/{id}', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}` },
  { method: 'GET', path: '/api/organisations/{id}', permission: 'organisations:read', scoped: false, url: (_, s) => `/api/organisations/${s.organisation}` },
  { method: 'GET', path: '/api/participants/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/participants/${i.participant}` },
  { method: 'GET', path: '/api/labs/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/labs/${i.lab}` },
  { method: 'GET', path: '/api/activities/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/activities/${i.activity}` },
  { method: 'GET', path: '/api/support/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/support/${i.support}` },
  { method: 'GET', path: '/api/pilot-cases/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/pilot-cases/${i.pilotCase}` },
  { method: 'GET', path: '/api/outcomes/{id}', permission: 'records:read', scoped: true, url: (i) => `/api/outcomes/${i.outcome}` },
  { method: 'GET', path: '/api/indicators/catalogue', permission: 'figures:read', scoped: false, url: () => '/api/indicators/catalogue' },
  { method: 'GET', path: '/api/state-aid/rules', permission: 'figures:read', scoped: false, url: () => '/api/state-aid/rules' },
  { method: 'GET', path: '/api/projects/{id}/indicators', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/indicators` },
  { method: 'GET', path: '/api/projects/{id}/indicators.csv', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/indicators.csv` },
  { method: 'GET', path: '/api/projects/{id}/indicators/{code}/evidence', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/indicators/participants/evidence` },
  { method: 'GET', path: '/api/indicators', permission: 'programme:read', scoped: false, url: () => '/api/indicators' },
  { method: 'GET', path: '/api/indicators.csv', permission: 'programme:read', scoped: false, url: () => '/api/indicators.csv' },
  { method: 'GET', path: '/api/indicators/by-project', permission: 'figures:read', scoped: false, url: () => '/api/indicators/by-project' },
  { method: 'GET', path: '/api/projects', permission: 'figures:read', scoped: false, url: () => '/api/projects' },
  { method: 'GET', path: '/api/organisations', permission: 'organisations:read', scoped: false, url: () => '/api/organisations' },
  { method: 'GET', path: '/api/projects/{id}/participants', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/participants` },
  { method: 'GET', path: '/api/projects/{id}/activities', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/activities` },
  { method: 'GET', path: '/api/projects/{id}/outcomes', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/outcomes` },
  { method: 'GET', path: '/api/projects/{id}/pilot-cases', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/pilot-cases` },
  { method: 'GET', path: '/api/projects/{id}/history', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/history` },
  { method: 'GET', path: '/api/projects/{id}/reports', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/reports` },
  { method: 'GET', path: '/api/reports/{id}', permission: 'figures:read', scoped: true, url: (i) => `/api/reports/${i.report}` },
  { method: 'GET', path: '/api/reports/{id}/verification', permission: 'figures:read', scoped: true, url: (i) => `/api/reports/${i.report}/verification` },
  { method: 'GET', path: '/api/reports/{id}/verification/changes', permission: 'log:read', scoped: false, url: (i) => `/api/reports/${i.report}/verification/changes?limit=5` },
  { method: 'GET', path: '/api/streams/{streamName}/events', permission: 'log:read', scoped: false, url: (i) => `/api/streams/project-${i.project}/events` },
  { method: 'GET', path: '/api/events', permission: 'log:read', scoped: false, url: () => '/api/events?limit=5' },
  // State aid (issue 16). Staff see an enterprise's de minimis only when their project supported it (the matrix's
  // organisation got support in both projects, so staff get through for both).
  { method: 'POST', path: '/api/organisations/{id}/links', permission: 'organisations:write', scoped: false, url: (_, s) => `/api/organisations/${s.organisation}/links`, body: () => ({ organisationId: '00000000-0000-4000-8000-000000000000', relation: 'controls', from: '2024-01-01', reason: 'Äger aktierna' }) },
  { method: 'POST', path: '/api/organisations/{id}/de-minimis-declarations', permission: 'organisations:write', scoped: false, url: (_, s) => `/api/organisations/${s.organisation}/de-minimis-declarations`, body: () => ({ declaredOn: '2024-03-01', grants: [] }) },
  { method: 'GET', path: '/api/organisations/{id}/de-minimis', permission: 'state-aid:read', scoped: false, url: (_, s) => `/api/organisations/${s.organisation}/de-minimis?on=2024-03-01` },
  { method: 'GET', path: '/api/support/{id}/de-minimis-certificate', permission: 'records:read', scoped: true, url: (i) => `/api/support/${i.support}/de-minimis-certificate` },
  { method: 'GET', path: '/api/projects/{id}/state-aid', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/state-aid` },
  { method: 'GET', path: '/api/projects/{id}/state-aid.csv', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/state-aid.csv` },
  { method: 'GET', path: '/api/projects/{id}/state-aid.xlsx', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/state-aid.xlsx` },
  { method: 'GET', path: '/api/session', permission: 'organisations:read', scoped: false, url: () => '/api/session' },
  // The funder report layout (issue 15): figures of the report's project.
  { method: 'GET', path: '/api/reports/{id}/funder-report', permission: 'figures:read', scoped: true, url: (i) => `/api/reports/${i.report}/funder-report` },
  // Exports (issue 15): XLSX beside every CSV, and the lists as files. Participants: figures:read, personal columns only with records:read.
  { method: 'GET', path: '/api/projects/{id}/indicators.xlsx', permission: 'figures:read', scoped: true, url: (i) => `/api/projects/${p(i)}/indicators.xlsx` },
  { method: 'GET', path: '/api/indicators.xlsx', permission: 'programme:read', scoped: false, url: () => '/api/indicators.xlsx' },
  { method: 'GET', path: '/api/projects/{id}/participants.csv', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/participants.csv` },
  { method: 'GET', path: '/api/projects/{id}/participants.xlsx', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/participants.xlsx` },
  { method: 'GET', path: '/api/organisations.csv', permission: 'organisations:read', scoped: false, url: () => '/api/organisations.csv' },
  { method: 'GET', path: '/api/organisations.xlsx', permission: 'organisations:read', scoped: false, url: () => '/api/organisations.xlsx' },
  { method: 'GET', path: '/api/projects/{id}/enterprises-supported', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/enterprises-supported` },
  { method: 'GET', path: '/api/projects/{id}/enterprises-supported.csv', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/enterprises-supported.csv` },
  { method: 'GET', path: '/api/projects/{id}/enterprises-supported.xlsx', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/enterprises-supported.xlsx` },
  { method: 'GET', path: '/api/enterprises-supported', permission: 'programme:read', scoped: false, url: () => '/api/enterprises-supported' },
  { method: 'GET', path: '/api/enterprises-supported.csv', permission: 'programme:read', scoped: false, url: () => '/api/enterprises-supported.csv' },
  { method: 'GET', path: '/api/enterprises-supported.xlsx', permission: 'programme:read', scoped: false, url: () => '/api/enterprises-supported.xlsx' },
  // Spreadsheet imports (issue 15): once access is granted, a JSON body is refused (415); the imports spec uploads real files.
  { method: 'POST', path: '/api/projects/{id}/imports', permission: 'records:write', scoped: true, url: (i) => `/api/projects/${p(i)}/imports`, body: () => ({ kind: 'participants' }) },
  { method: 'GET', path: '/api/projects/{id}/imports', permission: 'records:read', scoped: true, url: (i) => `/api/projects/${p(i)}/imports` },
  // Metrics (issue 14.2): a monitoring token or an admin's; every other role is refused.
  { method: 'GET', path: '/metrics', permission: 'metrics:read', scoped: false, url: () => '/metrics' },
];

type Caller = 'no token' | 'expired token' | 'revoked token' | `${Role}, own project` | `${Role}, other project`;
const CALLERS: Caller[] = [
  'no token',
  'expired token',
  'revoked token',
  ...(['admin', 'staff', 'auditor', 'viewer', 'monitoring'] as const).flatMap((role) => [`${role}, own project`, `${role}, other project`] as Caller[]),
];

function expected(route: Route, caller: Caller): 401 | 403 | 'through' {
  if (caller === 'no token' || caller === 'expired token' || caller === 'revoked token') return 401;
  const [role, where] = caller.split(', ') as [Role, string];
  const grants = MAY[role];
  if (grants !== 'all' && !grants.includes(route.permission)) return 403;
  const scopedRole = role === 'staff' || role === 'viewer';
  if (scopedRole && route.scoped && PROJECT_SCOPED.includes(route.permission) && where === 'other project') return 403;
  return 'through';
}

describe('authorization matrix: every route, every caller', () => {
  let api: ApiFixture;
  let clock = new Date('2026-11-22T10:00:00Z');
  const own = {} as Ids;
  const other = {} as Ids;
  let organisation: string;
  const tokens = {} as Record<Caller, string | undefined>;

  const created = async (url: string, body: unknown) => {
    const response = await api.post(url, body).expect(201);
    return response.body.id as string;
  };
  const grant = async (body: Record<string, unknown>) => (await api.post('/api/access/tokens', body).expect(201)).body as { id: string; token: string };
  const revocable = async () => (await grant({ name: 'Att återkalla', role: 'auditor' })).id;

  async function entities(into: Ids) {
    into.project = await created('/api/projects', crossInnovation);
    const participant = (name: string) =>
      created(`/api/projects/${into.project}/participants`, { person: { name, email: `${name.split(" ")[0].toLowerCase()}@example.se`, phone: '+46 70 111 22 33' }, gender: 'woman', role: 'creative', registeredOn: '2024-01-15' });
    into.participant = await participant('Anna Söderberg');
    into.erasable = await participant('Eva Lind');
    const lab = { name: 'Lab', theme: 'hav', startDate: '2024-02-01', endDate: '2024-06-30' };
    into.lab = await created(`/api/projects/${into.project}/labs`, lab);
    const activity = { name: 'Workshop', format: 'workshop', crossBorder: false, startDate: '2024-02-01', endDate: '2024-02-02' };
    into.activity = await created(`/api/projects/${into.project}/activities`, activity);
    into.closable = await created(`/api/projects/${into.project}/activities`, activity);
    into.support = await created(`/api/projects/${into.project}/support`, { organisationId: organisation, kind: 'non-financial', date: '2024-03-01' });
    const pilot = { title: 'Pilot', organisationIds: [organisation], startDate: '2024-03-01' };
    into.pilotCase = await created(`/api/projects/${into.project}/pilot-cases`, pilot);
    into.completable = await created(`/api/projects/${into.project}/pilot-cases`, pilot);
    const outcome = { kind: 'business-idea', date: '2024-03-01', description: 'Idé' };
    into.outcome = await created(`/api/projects/${into.project}/outcomes`, outcome);
    into.retractable = await created(`/api/projects/${into.project}/outcomes`, outcome);
    into.report = (await api.post(`/api/projects/${into.project}/reports`, { label: 'H1' }).expect(201)).body.id;
  }

  beforeAll(async () => {
    api = await startApi(clock, { clock: () => clock });
    organisation = await created('/api/organisations', { name: 'Havsfabriken AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' });
    await entities(own);
    await entities(other);
    for (const role of ['admin', 'staff', 'auditor', 'viewer', 'monitoring'] as const) {
      const projectIds = role === 'staff' || role === 'viewer' ? { projectIds: [own.project] } : {};
      const { token } = await grant({ name: `${role} i matrisen`, role, ...projectIds });
      tokens[`${role}, own project`] = token;
      tokens[`${role}, other project`] = token;
    }
    tokens['expired token'] = (await grant({ name: 'Tillfällig', role: 'admin', expiresAt: '2026-11-22T10:00:01Z' })).token;
    const revoked = await grant({ name: 'Återkallad', role: 'admin' });
    await api.post(`/api/access/tokens/${revoked.id}/revocation`, { reason: 'Slutat' }).expect(200);
    tokens['revoked token'] = revoked.token;
    clock = new Date('2026-11-22T11:00:00Z');
  });
  afterAll(() => api.close());

  it('covers every route the API documents', async () => {
    const document = (await api.get('/api/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = ROUTES.map((route) => `${route.method} ${route.path}`);
    // The probes are public by design (a load balancer has no token): /health, /health/live, /health/ready.
    expect(documented.filter((route) => !/^GET \/health(\/live|\/ready)?$/.test(route)).sort()).toEqual([...covered].sort());
  });

  describe.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_, route) => {
    it.each(CALLERS)('%s', async (caller) => {
      const ids = caller.endsWith('other project') ? other : own;
      const url = await route.url(ids, { organisation, revocable });
      const body = route.body?.(ids, { organisation });
      const before = (await api.allEvents()).length;
      let request = route.method === 'GET' ? api.raw().get(url) : api.raw().post(url).send(body as object);
      const token = tokens[caller];
      if (token) request = request.set('Authorization', `Bearer ${token}`);
      const response = await request;
      const outcome = expected(route, caller);
      if (outcome === 'through') {
        expect([401, 403]).not.toContain(response.status);
        expect(response.status).toBeLessThan(500);
      } else {
        expect(response.status).toBe(outcome);
        expect((await api.allEvents()).length).toBe(before);
      }
    });
  });
});
