/**
 * Availability under expensive replays (a benchmark, never a test): the service in this process on a fresh
 * embedded store, one project with a few thousand participant events and a report submitted half-way; then
 * `/health` is timed alone, and while 4 clients (one viewer token) call `GET /api/reports/{id}/verification`
 * in loops: once with the log standing still (answers may come from the cache), and once while a writer appends
 * an event every 100 ms, so that every verification replays again.
 *
 * Prints `/health` p50/p99/max and the verifications answered; never fails on a figure (these machines are
 * noisy). LEDGER_BENCH_SCALE=0.25 writes a quarter of the participants, for a quick look.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/api/src/create-app.js';

const scale = Number(process.env.LEDGER_BENCH_SCALE ?? 1);
const PARTICIPANTS = Math.round(1_500 * scale);
const CORRECTIONS = Math.round(500 * scale);
const LATE = Math.round(250 * scale);
const SECONDS = Number(process.env.LEDGER_BENCH_SECONDS ?? 8);
const ADMIN = 'bench-availability-admin-token-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-availability-'));
const app = await createApp(
  {
    host: '127.0.0.1',
    port: 0,
    eventStore: { kind: 'sqlite', file: join(dir, 'events.sqlite') },
    dataDir: dir,
    adminToken: ADMIN,
    // The clients hammer as fast as answers come; the rate limit is not what is measured here.
    rateLimitPerMinute: 1_000_000,
  },
  { logger: false },
);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

try {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return text.length > 0 ? JSON.parse(text) : undefined;
  };
  const waitForAdmin = async () => {
    for (let i = 0; i < 200; i++) {
      const response = await fetch(`${base}/api/projects`, { headers: { Authorization: `Bearer ${ADMIN}` } });
      await response.text();
      if (response.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the first admin token was not granted');
  };
  const inParallel = async (count: number, width: number, work: (i: number) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }));
  };

  await waitForAdmin();
  process.stderr.write(`Availability benchmark: ${PARTICIPANTS} participants, ${CORRECTIONS} corrections, ${LATE} late registrations, data in ${dir}\n`);
  const project = await call('POST', '/api/projects', ADMIN, {
    name: 'Cross Innovation Southern Sweden',
    programme: 'Regionalfonden Skåne-Blekinge',
    fund: 'ERDF',
    startDate: '2023-01-01',
    endDate: '2026-12-31',
    countries: ['SE'],
  });
  const participant = (i: number) => ({
    person: { name: `Deltagare ${i}`, email: `deltagare${i}@example.se` },
    gender: i % 2 === 0 ? 'woman' : 'man',
    role: 'creative',
    registeredOn: '2024-02-01',
  });
  const ids: string[] = [];
  await inParallel(PARTICIPANTS, 8, async (i) => {
    ids[i] = (await call('POST', `/api/projects/${project.id}/participants`, ADMIN, participant(i))).id;
  });
  const report = await call('POST', `/api/projects/${project.id}/reports`, ADMIN, { label: 'Lägesrapport 2024 H1', from: '2024-01-01', to: '2024-06-30' });
  await inParallel(CORRECTIONS, 8, (i) =>
    call('POST', `/api/participants/${ids[i]}/corrections`, ADMIN, { gender: 'another', reason: 'Fel kön registrerat' }),
  );
  await inParallel(LATE, 8, (i) => call('POST', `/api/projects/${project.id}/participants`, ADMIN, participant(PARTICIPANTS + i)));
  const viewer = (await call('POST', '/api/access/tokens', ADMIN, { name: 'Bench viewer', role: 'viewer', projectIds: [project.id] })).token as string;
  const first = await call('GET', `/api/reports/${report.id}/verification`, viewer);
  process.stderr.write(`verification answer: ${JSON.stringify(first).length.toLocaleString('en-US')} bytes\n`);

  const probeHealth = async (stop: () => boolean) => {
    const times: number[] = [];
    while (!stop()) {
      const started = performance.now();
      const response = await fetch(`${base}/health`);
      await response.text();
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return times;
  };
  const scenario = async (label: string, withWriter: boolean) => {
    const until = performance.now() + SECONDS * 1000;
    const stop = () => performance.now() > until;
    let verifications = 0;
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop()) {
        await call('GET', `/api/reports/${report.id}/verification`, viewer);
        verifications++;
      }
    });
    let writes = 0;
    const writer = (async () => {
      while (withWriter && !stop()) {
        await call('POST', '/api/organisations', ADMIN, { name: `Företag ${writes}`, country: 'SE', type: 'enterprise', sizeClass: 'micro' });
        writes++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const health = await probeHealth(stop);
    await Promise.all([...clients, writer]);
    console.log(
      `| ${label} | ${ms(percentile(health, 50))} | ${ms(percentile(health, 99))} | ${ms(Math.max(...health))} | ${(verifications / SECONDS).toFixed(1)}/s${withWriter ? ` (${writes} writes)` : ''} |`,
    );
  };

  console.log('| /health while | p50 | p99 | max | verifications answered |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const idleUntil = performance.now() + 2_000;
  const idle = await probeHealth(() => performance.now() > idleUntil);
  console.log(`| nothing else runs | ${ms(percentile(idle, 50))} | ${ms(percentile(idle, 99))} | ${ms(Math.max(...idle))} | |`);
  await scenario('4 clients call verification, log standing still', false);
  await scenario('4 clients call verification, a write every 100 ms', true);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
