import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNodeFlags } from '../../bench/service-process.bench-support.js';

/**
 * The service's memory settings that V8 takes only on the command line (README, Configuration, "Memory") live in
 * package.json's start script; the container starts node itself, so its CMD must give the same flags.
 */
describe('how the service is started', () => {
  const root = process.cwd();

  it('gives node the same flags in npm start, npm run start:prod and the container', () => {
    const flags = serviceNodeFlags();
    expect(flags).toContain('--max-semi-space-size=32');

    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start:prod']).toBe(['node', ...flags, 'dist/apps/api/src/main.js'].join(' '));

    const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual(['node', ...flags, 'dist/apps/api/src/main.js']);
  });
});
