import { CONTROL_OR_OVERRIDE, unsafeInName } from '@app/access';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldProblem } from './validation.js';

export const MAX_URL_LENGTH = 4096;
export const MAX_JSON_DEPTH = 32;

/** What a write route takes unless it says otherwise (see AcceptsBodies). */
const JSON_ONLY: readonly string[] = ['application/json'];
const BODY_TYPES = 'bodyTypes';

/**
 * Marks a route that takes bodies other than JSON (an upload taking `multipart/form-data`); every other
 * write route answers 415 to anything but `application/json`.
 */
export const AcceptsBodies = (...types: string[]) => RouteConfig({ [BODY_TYPES]: [...JSON_ONLY, ...types] });

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const WHOLE_UUID = new RegExp(`^${UUID.source}$`, 'i');
const isNameField = (key: string) => key === 'name' || key === 'label' || key.endsWith('Name');

type Location = 'body' | 'query' | 'path';

/**
 * Brings text input to one form before anything reads it (the access guard included): uuids in lower
 * case (they are case-insensitive, and an upper-case twin must not become a second entity), everything
 * else in Unicode NFC (so a + combining ring is å). Answers the fields holding control characters.
 */
function canonicalise(value: unknown, location: Location, path: string, problems: FieldProblem[]): unknown {
  if (typeof value === 'string') {
    if (WHOLE_UUID.test(value)) return value.toLowerCase();
    const field = path || 'body';
    const name = isNameField(path.slice(path.lastIndexOf('.') + 1));
    if (name ? unsafeInName(value) : CONTROL_OR_OVERRIDE.test(value)) {
      const where = location === 'body' ? '' : ` (in the ${location})`;
      problems.push({
        field,
        rule: 'noControlCharacters',
        message:
          `${field}${where} must not contain control characters${name ? ' or line breaks' : ''} (such as NUL) ` +
          'or bidirectional overrides (U+202A to U+202E, U+2066 to U+2069)',
      });
      return value;
    }
    const normal = value.normalize('NFC');
    // A path or query may name a stream (participant-<uuid>): its uuid is canonical too.
    return location === 'body' ? normal : normal.replace(UUID, (uuid) => uuid.toLowerCase());
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = canonicalise(value[i], location, `${path}[${i}]`, problems);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = canonicalise(record[key], location, path ? `${path}.${key}` : key, problems);
  }
  return value;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** How deep a parsed JSON value nests; stops counting once past the limit. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return false;
}

const refuse = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.status(status).send({ statusCode: status, error, message });

/**
 * Bounds on what a request may be, and headers that keep browsers from doing anything with an answer but
 * read it. The body size is bounded by fastify itself (bodyLimit); its parser already refuses
 * `__proto__` and `constructor.prototype` keys.
 */
export function harden(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.length > MAX_URL_LENGTH) {
      return refuse(reply, 414, 'URI Too Long', `The URL (path and query) must be at most ${MAX_URL_LENGTH} characters`);
    }
    // Before the body is parsed: a form or plain-text body never reaches a command.
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) && hasBody(request)) {
      const accepted = ((request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[BODY_TYPES] as string[] | undefined) ?? JSON_ONLY;
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!accepted.includes(type)) {
        const got = /^[a-z0-9.+-]{1,64}\/[a-z0-9.+-]{1,64}$/.test(type) ? type : type ? 'another type' : 'no Content-Type';
        return refuse(reply, 415, 'Unsupported Media Type', `This route accepts ${accepted.join(' or ')} bodies only (got ${got})`);
      }
    }
  });
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.body !== undefined && depthExceeds(request.body, MAX_JSON_DEPTH)) {
      return refuse(reply, 400, 'Bad Request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const problems: FieldProblem[] = [];
    request.body = canonicalise(request.body, 'body', '', problems);
    request.query = canonicalise(request.query, 'query', '', problems);
    request.params = canonicalise(request.params, 'path', '', problems);
    if (problems.length > 0) {
      return reply.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `Invalid input: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      });
    }
  });
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('X-Frame-Options', 'DENY');
    void reply.header('Referrer-Policy', 'no-referrer');
    void reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    // The API answers data, never pages to render; the OpenAPI viewer needs its own scripts and styles.
    if (!request.url.startsWith('/api/docs')) {
      // A route that answers a static page (the de minimis certificate) sets its own, narrower than a browser's default.
      if (!reply.hasHeader('Content-Security-Policy')) void reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      if (!reply.hasHeader('Cache-Control')) void reply.header('Cache-Control', 'no-store');
    }
  });
}
