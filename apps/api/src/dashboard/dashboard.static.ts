import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The pages may load scripts, styles, fonts and data only from this origin. `data:` images are Bootstrap's
 * inline SVG icons (select arrows, check marks), not another origin. Styles set from script (charts, progress
 * bars) go through the CSSOM, which `style-src 'self'` allows; no inline <style> or <script> is needed.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const here = dirname(fileURLToPath(import.meta.url));

/** `vite build` writes to `<repo>/dist/dashboard`; this file runs from `dist/apps/api/src/dashboard` or from source. */
export function findDashboardDir(): string | undefined {
  const candidates = [join(here, '../../../../dashboard'), join(here, '../../../../dist/dashboard')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Serves the built dashboard at `/`, without a token: the page holds no data, every figure comes from /api
 * with the token the person pastes. Hashed assets are cached for good; index.html is revalidated every time,
 * so a new build is picked up on the next load. Routes are registered per file (no wildcard), so unknown
 * paths keep the API's own 404 and CSP.
 */
export async function serveDashboard(app: NestFastifyApplication, dir = findDashboardDir()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  if (!dir) {
    fastify.get('/', async (_: FastifyRequest, reply: FastifyReply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run npm run build (npm start does it).'),
    );
    return;
  }
  const immutable = new Set(filesUnder(join(dir, 'assets')).map((file) => `/${relative(dir, file).split(sep).join('/')}`));
  await fastify.register(async (scope) => {
    // Runs after the root hooks (hardening), so these headers replace the API's for the dashboard's files only.
    scope.addHook('onSend', async (request, reply) => {
      void reply.header('Content-Security-Policy', DASHBOARD_CSP);
      const path = request.url.split('?')[0];
      void reply.header('Cache-Control', immutable.has(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    await scope.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, decorateReply: false, cacheControl: false, index: 'index.html' });
  });
}
