import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * The OpenAPI document cannot drift from the API: a scenario over the main routes is driven through the real
 * service, and every JSON answer is checked against the schema the document gives for its route and status.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
}
interface Operation {
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Routes whose success answer has no JSON schema yet (a bare description or `object`). Empty: every route
 * documents one. An entry would be a gap in the document, not a choice: never grow this list.
 */
const NO_SUCCESS_SCHEMA_YET = new Set<string>([]);

/** Routes whose success answer is not JSON (CSV, XLSX, HTML): their schema is the media type itself. */
const NOT_JSON = new Set([
  'GET /api/projects/{id}/indicators.csv',
  'GET /api/indicators.csv',
  'GET /api/projects/{id}/state-aid.csv',
  'GET /api/projects/{id}/state-aid.xlsx',
  // Exports (issue 15)
  'GET /api/projects/{id}/indicators.xlsx',
  'GET /api/indicators.xlsx',
  'GET /api/projects/{id}/participants.csv',
  'GET /api/projects/{id}/participants.xlsx',
  'GET /api/organisations.csv',
  'GET /api/organisations.xlsx',
  'GET /api/projects/{id}/enterprises-supported.csv',
  'GET /api/projects/{id}/enterprises-supported.xlsx',
  'GET /api/enterprises-supported.csv',
  'GET /api/enterprises-supported.xlsx',
  // Metrics (issue 14.2): Prometheus' text format
  'GET /metrics',
]);

/** The OpenAPI subset this project's document uses: type, properties, required, items, enum, nullable, $ref, allOf/oneOf/anyOf. */
export function check(document: Document, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    const target = document.components.schemas[name];
    if (!target) return [`${at}: unknown schema ${schema.$ref}`];
    return check(document, { ...target, nullable: target.nullable ?? schema.nullable }, value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null, but not nullable`];
  if (schema.allOf) {
    const problems = schema.allOf.flatMap((part) => check(document, part, value, at));
    if (problems.length > 0) return problems;
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((option) => check(document, option, value, at).length === 0).length;
    if (matching !== 1) return [`${at}: matches ${matching} of the oneOf options, not exactly one`];
  }
  if (schema.anyOf && !schema.anyOf.some((option) => check(document, option, value, at).length === 0)) {
    return [`${at}: matches none of the anyOf options`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case undefined:
      return [];
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: expected a string, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected a number, got ${JSON.stringify(value)}`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return schema.items ? value.flatMap((item, index) => check(document, schema.items!, item, `${at}[${index}]`)) : [];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name}: required, missing`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (record[name] !== undefined) problems.push(...check(document, property, record[name], `${at}.${name}`));
      }
      if (typeof schema.additionalProperties === 'object') {
        for (const [name, item] of Object.entries(record)) {
          if (!schema.properties?.[name]) problems.push(...check(document, schema.additionalProperties, item, `${at}.${name}`));
        }
      }
      return problems;
    }
    default:
      return [`${at}: the checker does not know type ${type}`];
  }
}

/** A documented schema that says nothing about the answer: absent, or an object without properties. */
function bare(document: Document, schema: Schema | undefined): boolean {
  if (!schema) return true;
  if (schema.$ref) return bare(document, document.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.type === 'array') return bare(document, schema.items);
  if (schema.allOf || schema.oneOf || schema.anyOf) return false;
  if (schema.type === 'object' || schema.type === undefined) {
    return Object.keys(schema.properties ?? {}).length === 0 && typeof schema.additionalProperties !== 'object';
  }
  return false;
}

interface Answer {
  route: string;
  status: number;
  contentType: string;
  body: unknown;
}

describe('the OpenAPI document describes the answers the API actually gives', () => {
  let api: ApiFixture;
  let document: Document;
  const answers: Answer[] = [];
  let templates: Array<{ route: string; pattern: RegExp }>;

  const routeOf = (method: string, url: string) => {
    const path = url.split('?')[0];
    const found = templates.find((t) => t.route.startsWith(`${method} `) && t.pattern.test(path));
    return found?.route ?? `${method} ${path} (not in the document)`;
  };
  const record = async (method: 'GET' | 'POST', url: string, response: { status: number; headers: Record<string, string>; body: unknown }) => {
    answers.push({ route: routeOf(method, url), status: response.status, contentType: response.headers['content-type'] ?? '', body: response.body });
    return response;
  };
  const expectStatus = (method: string, url: string, status: number) => (response: { status: number; text: string }) => {
    if (response.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${response.status} ${response.text.slice(0, 300)}`);
  };
  const get = async (url: string, status: number) => record('GET', url, await api.get(url).expect(expectStatus('GET', url, status)));
  const post = async (url: string, body: unknown, status: number, headers?: Record<string, string>) =>
    record('POST', url, await api.post(url, body, headers).expect(expectStatus('POST', url, status)));

  beforeAll(async () => {
    api = await startApi();
    document = (await api.raw().get('/api/docs/openapi.json').expect(200)).body;
    templates = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({
        route: `${method.toUpperCase()} ${path}`,
        // Literal segments before parameters, so /api/indicators/by-project is not taken for a parameter.
        pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    templates.sort((a, b) => (a.route.match(/\{/g)?.length ?? 0) - (b.route.match(/\{/g)?.length ?? 0));

    const unknown = '00000000-0000-4000-8000-000000000000';
    const projectId = ((await post('/api/projects', crossInnovation, 201)).body as { id: string }).id;
    await post('/api/projects', { ...crossInnovation, id: projectId }, 409);
    await post('/api/projects', { name: '' }, 400);
    const organisationId = (
      (await post('/api/organisations', { name: 'Havsbruket i Karlshamn AB', country: 'SE', type: 'enterprise', sizeClass: 'micro', organisationNumber: '559123-0007' }, 201))
        .body as { id: string }
    ).id;
    const activityId = (
      (await post(
        `/api/projects/${projectId}/activities`,
        { format: 'challenge', name: 'Cross Innovation Challenge Karlshamn', startDate: '2023-10-10', endDate: '2023-10-12', crossBorder: false },
        201,
      )).body as { id: string }
    ).id;
    const participantId = (
      (await post(
        `/api/projects/${projectId}/participants`,
        { person: { name: 'Elin Åkesson', email: 'elin@example.se' }, gender: 'woman', role: 'creative', registeredOn: '2023-10-02' },
        201,
      )).body as { id: string }
    ).id;
    const attended = (await post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-10' }, 200)).body as { revision: number };
    await post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-11' }, 412, { 'If-Match': `"${attended.revision - 1}"` });
    const supportId = (
      (await post(`/api/projects/${projectId}/support`, { organisationId, kind: 'non-financial', date: '2023-10-12', hours: 24, activityId }, 201)).body as { id: string }
    ).id;
    const voucherId = (
      (await post(
        `/api/projects/${projectId}/support`,
        { organisationId, kind: 'voucher', date: '2023-10-12', amountEur: 5000, aid: { basis: 'de-minimis', grantedOn: '2023-10-12', amount: 5000, currency: 'EUR' } },
        201,
      )).body as { id: string }
    ).id;
    await get(`/api/support/${voucherId}/de-minimis-certificate?format=json`, 200);
    await get(`/api/support/${supportId}/de-minimis-certificate?format=json`, 422);
    const outcomeId = (
      (await post(
        `/api/projects/${projectId}/outcomes`,
        { kind: 'business-idea', organisationId, activityId, date: '2023-10-12', description: 'Underwater sound art to monitor fish farms' },
        201,
      )).body as { id: string }
    ).id;
    const pilotCaseId = (
      (await post(`/api/projects/${projectId}/pilot-cases`, { title: 'Ljudövervakning av fiskodling', organisationIds: [organisationId], startDate: '2023-11-01' }, 201))
        .body as { id: string }
    ).id;
    await post(`/api/activities/${activityId}/close`, { closedOn: '2023-10-12' }, 200);
    await post(`/api/activities/${activityId}/attendance`, { participantId, date: '2023-10-12' }, 422);

    for (const url of [
      `/api/projects/${projectId}`,
      `/api/organisations/${organisationId}`,
      `/api/participants/${participantId}`,
      `/api/activities/${activityId}`,
      `/api/support/${supportId}`,
      `/api/outcomes/${outcomeId}`,
      `/api/pilot-cases/${pilotCaseId}`,
      '/api/projects',
      '/api/organisations',
      `/api/projects/${projectId}/participants`,
      `/api/projects/${projectId}/activities`,
      `/api/projects/${projectId}/outcomes`,
      `/api/projects/${projectId}/pilot-cases`,
      '/api/indicators/catalogue',
      `/api/projects/${projectId}/indicators`,
      `/api/projects/${projectId}/indicators/RCO01/evidence`,
      '/api/indicators',
      '/api/indicators/by-project',
      `/api/streams/project-${projectId}/events`,
      '/api/events?limit=5',
      `/api/projects/${projectId}/history`,
      '/api/session',
      '/api/access/tokens',
      `/api/organisations/${organisationId}/de-minimis`,
      `/api/projects/${projectId}/state-aid`,
      `/api/projects/${projectId}/reports`,
    ]) {
      await get(url, 200);
    }
    // Changes to every kind of record, then the records read again in their changed state.
    await post(`/api/projects/${projectId}/targets`, { code: 'participants', target: 120, baseline: 0 }, 200);
    await post(`/api/organisations/${organisationId}/reclassification`, { sizeClass: 'small', reason: 'Grew past ten employees' }, 200);
    const labId = (
      (await post(`/api/projects/${projectId}/labs`, { name: 'Lab Karlshamn', theme: 'hav och vatten', startDate: '2023-11-01', endDate: '2023-12-15' }, 201))
        .body as { id: string }
    ).id;
    await post(`/api/labs/${labId}/companies`, { organisationId, admittedOn: '2023-11-01' }, 200);
    await post(`/api/participants/${participantId}/corrections`, { birthYear: 1990, reason: 'Late information', reasonCategory: 'late-information' }, 200);
    await post(`/api/pilot-cases/${pilotCaseId}/completion`, { date: '2023-12-01', evidence: 'Pilot report, December 2023' }, 200);
    await post(`/api/outcomes/${outcomeId}/retraction`, { reason: 'Recorded twice', reasonCategory: 'duplicate' }, 200);
    await post(`/api/participants/${participantId}/erasure`, { reason: 'Asked to be forgotten', reasonCategory: 'data-subject-request' }, 200);
    for (const url of [
      `/api/projects/${projectId}`,
      `/api/organisations/${organisationId}`,
      `/api/participants/${participantId}`,
      `/api/labs/${labId}`,
      `/api/pilot-cases/${pilotCaseId}`,
      `/api/outcomes/${outcomeId}`,
      `/api/projects/${projectId}/participants`,
      `/api/projects/${projectId}/activities`,
      `/api/projects/${projectId}/outcomes`,
      `/api/projects/${projectId}/pilot-cases`,
      `/api/projects/${projectId}/history`,
      '/api/state-aid/rules',
      // Exports (issue 15): the enterprises supported, as JSON
      `/api/projects/${projectId}/enterprises-supported`,
      '/api/enterprises-supported?fund=ERDF',
    ]) {
      await get(url, 200);
    }
    const reportId = ((await post(`/api/projects/${projectId}/reports`, { label: 'Karlshamn' }, 201)).body as { id: string }).id;
    await get(`/api/reports/${reportId}`, 200);
    await get(`/api/reports/${reportId}/verification`, 200);
    await get(`/api/reports/${reportId}/verification/changes`, 200);
    await get(`/api/reports/${reportId}/funder-report?lang=sv`, 200);
    await get(`/api/reports/${reportId}/funder-report?format=pdf`, 400);
    await get(`/api/reports/${unknown}/funder-report`, 404);
    await post(`/api/reports/${reportId}/verifications`, undefined, 201);
    await get(`/api/projects/${unknown}`, 404);
    await get('/api/projects/not-a-uuid', 400);
    const token = (await post('/api/access/tokens', { name: 'Revisor', role: 'auditor' }, 201)).body as { id: string };
    await post(`/api/access/tokens/${token.id}/revocation`, { reason: 'Slutat' }, 200);
    await post(`/api/access/tokens/${token.id}/erasure`, { reasonCategory: 'data-subject-request', reason: 'Asked to be forgotten' }, 200);
    const owner = ((await post('/api/organisations', { name: 'Karlshamn Hamnholding AB', country: 'SE', type: 'enterprise', sizeClass: 'small' }, 201)).body as { id: string }).id;
    await post(`/api/organisations/${owner}/links`, { organisationId, relation: 'controls', from: '2024-01-01', reason: 'Äger samtliga aktier' }, 201);
    await post(
      `/api/organisations/${organisationId}/de-minimis-declarations`,
      { declaredOn: '2026-11-01', grants: [{ grantedOn: '2025-01-10', amount: 100_000, currency: 'SEK', eurRate: 10, grantor: 'Region Skåne' }] },
      201,
    );
    await get(`/api/organisations/${owner}/de-minimis`, 200);
    for (const url of ['/health', '/health/live', '/health/ready']) {
      const probe = await api.raw().get(url).expect(200);
      answers.push({ route: `GET ${url}`, status: probe.status, contentType: probe.headers['content-type'] ?? '', body: probe.body });
    }
    const anonymous = await api.raw().get(`/api/projects/${projectId}`);
    answers.push({ route: 'GET /api/projects/{id}', status: anonymous.status, contentType: anonymous.headers['content-type'] ?? '', body: anonymous.body });
    // Metrics (issue 14.2): the scrape (Prometheus text) and its refusal without a token (JSON).
    await get('/metrics', 200);
    const unscraped = await api.raw().get('/metrics').expect(401);
    answers.push({ route: 'GET /metrics', status: unscraped.status, contentType: unscraped.headers['content-type'] ?? '', body: unscraped.body });
    // Spreadsheet imports (issue 15): a dry run (200), a refusal with its report (422), applied (201), the list, a bad header (400).
    const importUrl = `/api/projects/${projectId}/imports`;
    const upload = (csv: string, query: string) =>
      api.raw().post(`${importUrl}${query}`).set('Authorization', `Bearer ${API_KEY}`).field('kind', 'participants').attach('file', Buffer.from(csv), 'deltagare.csv');
    const sheet = 'Namn;E-post;Kön;Roll;Registrerad\nAnna Berg;anna.berg@example.se;Kvinna;Forskare;2023-10-02\nBo Ek;;Okänt;Forskare;2023-10-02\n';
    await record('POST', importUrl, await upload(sheet, '').expect(expectStatus('POST', importUrl, 200)));
    await record('POST', importUrl, await upload(sheet, '?dryRun=false').expect(expectStatus('POST', importUrl, 422)));
    await record('POST', importUrl, await upload(sheet, '?dryRun=false&onError=skip').expect(expectStatus('POST', importUrl, 201)));
    await record('POST', importUrl, await upload('Skostorlek\n38\n', '').expect(expectStatus('POST', importUrl, 400)));
    await get(importUrl, 200);
  }, 60_000);
  afterAll(() => api.close());

  it('drove the scenario over the routes it means to', () => {
    expect(answers.filter((a) => a.route.includes('(not in the document)')).map((a) => a.route)).toEqual([]);
    expect(answers.length).toBeGreaterThan(40);
  });

  it('documents every status the scenario got, with a schema the answer fits', () => {
    const problems: string[] = [];
    for (const answer of answers) {
      const [method, path] = answer.route.split(' ');
      const operation = document.paths[path]?.[method.toLowerCase()];
      const response = operation?.responses[String(answer.status)];
      if (!response) {
        if (answer.status < 300 && NO_SUCCESS_SCHEMA_YET.has(answer.route)) continue;
        problems.push(`${answer.route} ${answer.status}: not documented`);
        continue;
      }
      if (!answer.contentType.includes('json')) continue;
      const schema = response.content?.['application/json']?.schema;
      if (bare(document, schema)) {
        if (!(answer.status < 300 && NO_SUCCESS_SCHEMA_YET.has(answer.route))) problems.push(`${answer.route} ${answer.status}: no schema`);
        continue;
      }
      problems.push(...check(document, schema!, answer.body).map((p) => `${answer.route} ${answer.status}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('documents a success schema (not a bare object) for every route', () => {
    const missing = templates
      .map((t) => t.route)
      .filter((route) => {
        if (NOT_JSON.has(route) || NO_SUCCESS_SCHEMA_YET.has(route)) return false;
        const [method, path] = route.split(' ');
        const responses = document.paths[path][method.toLowerCase()].responses;
        const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
        return success.length === 0 || success.some(([, r]) => bare(document, r.content?.['application/json']?.schema));
      });
    expect(missing.sort()).toEqual([]);
  });

  it('documents the errors every guarded route can give, and 415 on every write', () => {
    const missing: string[] = [];
    let guarded = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, Operation & { security?: unknown[] }>)) {
        if (!operation.security) continue;
        guarded += 1;
        const expected = [401, 403, 429, 503, ...(method === 'post' ? [400, 413, 415] : [])];
        for (const status of expected) if (!operation.responses[String(status)]) missing.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    expect(missing).toEqual([]);
    expect(guarded).toBeGreaterThan(40);
  });

  it('says what a 401 means without speaking of an API key', () => {
    const texts = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.responses['401']?.description ?? ''),
    );
    expect(texts.filter((text) => /api key/i.test(text))).toEqual([]);
  });

  it('names every DTO class once, since the document keys its schemas by class name and a second one silently replaces the first', () => {
    const root = join(process.cwd(), 'apps/api/src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
    const names = files.flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/^export class (\w+)/gm)].map((m) => m[1]));
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('the checker itself refuses what does not fit', () => {
    const doc: Document = { paths: {}, components: { schemas: { Item: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, n: { type: 'integer', nullable: true } } } } } };
    expect(check(doc, { $ref: '#/components/schemas/Item' }, { id: 'a', n: null })).toEqual([]);
    expect(check(doc, { $ref: '#/components/schemas/Item' }, { n: 1.5 })).toEqual(['$.id: required, missing', '$.n: expected an integer, got 1.5']);
    expect(check(doc, { type: 'array', items: { type: 'string', enum: ['a'] } }, ['a', 'b'])).toEqual(['$[1]: "b" is not one of ["a"]']);
  });
});
