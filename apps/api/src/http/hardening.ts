import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const MAX_URL_LENGTH = 4096;
export const MAX_JSON_DEPTH = 32;

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
  });
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.body !== undefined && depthExceeds(request.body, MAX_JSON_DEPTH)) {
      return refuse(reply, 400, 'Bad Request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('X-Frame-Options', 'DENY');
    void reply.header('Referrer-Policy', 'no-referrer');
    void reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    // The API answers data, never pages to render; the OpenAPI viewer needs its own scripts and styles.
    if (!request.url.startsWith('/api/docs')) {
      void reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      if (!reply.hasHeader('Cache-Control')) void reply.header('Cache-Control', 'no-store');
    }
  });
}
