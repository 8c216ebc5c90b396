/**
 * Long streams (a benchmark, never a test): one network-meeting series with 20,000 attendance records on its
 * activity stream, on a fresh embedded store. Prints p50/p95 of recording one more attendance through the HTTP API
 * (durable: the answer comes after the fsync) of the built service in a process of its own, as clients call it; the
 * first such write after a start (nothing of the stream in memory yet); the size and p50/p95 of
 * `GET /api/activities/{id}`; then, with the service in this process, the same write through HTTP with the client on
 * the service's thread and straight through the command bus.
 *
 * The 20,000 events are appended to the store directly in batches of 1,000 (as the service would have written
 * them, Idempotency-Key hash in the metadata included), then the service is started on that store.
 * LEDGER_BENCH_ATTENDANCES, LEDGER_BENCH_SAMPLES and LEDGER_BENCH_WARM_UP change the scale, for a quick look; LEDGER_BENCH_CPU_PROF=1
 * profiles the service's process and prints where its main thread spent the writes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { SqliteEventStore, streamName, type NewEvent } from '@app/event-store';
import { RecordAttendanceCommand, type CommandContext } from '@app/programme';
import { createApp } from '../apps/api/src/create-app.js';
import { printWhereTimeGoes, summariseProfileDir } from './cpu-profile.bench-support.js';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { jsonClient, must, startService } from './service-process.bench-support.js';

const ATTENDANCES = Number(process.env.LEDGER_BENCH_ATTENDANCES ?? 20_000);
const SAMPLES = Number(process.env.LEDGER_BENCH_SAMPLES ?? 300);
const WARM_UP = Number(process.env.LEDGER_BENCH_WARM_UP ?? 1_000);
const PARTICIPANTS = 200;
const ADMIN = 'bench-long-stream-admin-token-0123456789';
const NOW = new Date('2026-11-22T10:00:00Z');

const dir = benchScratchDir('bench-long-stream-');
/** LEDGER_BENCH_CPU_PROF=1: the service's process under `node --cpu-prof`, and where its main thread spent the writes. */
const profileDir = process.env.LEDGER_BENCH_CPU_PROF === '1' ? mkdtempSync(join(tmpdir(), 'ledger-long-stream-profile-')) : undefined;
const file = join(dir, 'events.sqlite');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
/** Day `n` of the series: one meeting a day from 2023-01-02 on. */
const day = (n: number) => new Date(Date.UTC(2023, 0, 2 + n)).toISOString().slice(0, 10);

const start = (config: { clock: () => Date }) =>
  createApp(
    {
      host: '127.0.0.1',
      port: 0,
      eventStore: { kind: 'sqlite', file },
      dataDir: dir,
      adminToken: ADMIN,
      // One client writing as fast as answers come; the rate limit is not what is measured here.
      rateLimitPerMinute: 1_000_000,
      ...config,
    },
    { logger: false },
  );

async function client(app: Awaited<ReturnType<typeof start>>) {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const { status, text } = await call(method, path, body);
    if (status >= 400) throw new Error(`${method} ${path}: ${status} ${text.slice(0, 300)}`);
    return { body: JSON.parse(text), bytes: Buffer.byteLength(text) };
  };
  for (let i = 0; i < 200; i++) {
    if ((await call('GET', '/api/projects')).status === 200) return ok;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the first admin token was not granted');
}

console.log(`Long-stream benchmark: ${ATTENDANCES.toLocaleString('en-US')} attendances on one activity, data in ${dir}`);
let app = await start({ clock: () => NOW });
try {
  let call = await client(app);
  const project = (
    await call('POST', '/api/projects', {
      name: 'Nätverksträffar Skåne',
      programme: 'Regionalfonden Skåne-Blekinge',
      fund: 'ERDF',
      startDate: '2023-01-01',
      endDate: '2026-12-31',
      countries: ['SE'],
    })
  ).body;
  const activityId = (
    await call('POST', `/api/projects/${project.id}/activities`, {
      name: 'Nätverksträff för kulturella och kreativa näringar',
      format: 'network-meeting',
      startDate: '2023-01-02',
      endDate: '2026-11-01',
      crossBorder: false,
    })
  ).body.id as string;
  // The same write on a short activity, measured alongside: what a write costs here when the stream is short.
  const shortId = (
    await call('POST', `/api/projects/${project.id}/activities`, {
      name: 'Workshop',
      format: 'workshop',
      startDate: '2023-01-02',
      endDate: '2026-11-01',
      crossBorder: false,
    })
  ).body.id as string;
  const participants: string[] = [];
  for (let i = 0; i < PARTICIPANTS; i++) {
    const body = { person: { name: `Deltagare ${i}` }, gender: i % 2 === 0 ? 'woman' : 'man', role: 'creative', registeredOn: '2023-01-02' };
    participants.push((await call('POST', `/api/projects/${project.id}/participants`, body)).body.id);
  }
  await app.close();

  // Written as the service writes them, but in batches: 20,000 HTTP requests would be the slow part here.
  const store = SqliteEventStore.open({ file });
  const stream = streamName('activity', activityId);
  let revision = (await store.readStream(stream)).at(-1)!.revision;
  let lastPosition = 0;
  for (let done = 0; done < ATTENDANCES; done += 1_000) {
    const batch: NewEvent[] = [];
    for (let i = done; i < Math.min(ATTENDANCES, done + 1_000); i++) {
      const correlationId = randomUUID();
      batch.push({
        type: 'AttendanceRecorded',
        data: { activityId, participantId: participants[i % PARTICIPANTS], date: day(Math.floor(i / PARTICIPANTS)) },
        metadata: {
          actor: 'bench',
          correlationId,
          causationId: correlationId,
          command: 'RecordAttendance',
          recordedAt: NOW.toISOString(),
          schemaVersion: 1,
          idempotencyKey: randomBytes(32).toString('hex'),
        },
      });
    }
    ({ nextExpectedRevision: revision, position: lastPosition } = await store.appendToStream(stream, batch, { expectedRevision: revision }));
  }
  await store.close();

  let next = ATTENDANCES;
  let nextShort = 0;
  const input = (activity: 'long' | 'short') => {
    const i = activity === 'long' ? next++ : nextShort++;
    return [activity === 'long' ? activityId : shortId, { participantId: participants[i % PARTICIPANTS], date: day(Math.floor(i / PARTICIPANTS)) }] as const;
  };
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const times = {
    long: { http: [] as number[], inProcess: [] as number[], bus: [] as number[] },
    short: { http: [] as number[], inProcess: [] as number[], bus: [] as number[] },
  };

  // As clients call it: the built service in a process of its own (as `npm start` runs it), this process the client.
  const service = await startService({
    dataDir: dir,
    adminToken: ADMIN,
    env: { LEDGER_RATE_LIMIT_PER_MINUTE: '1000000' },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  let measuredFrom = NaN;
  let first = NaN;
  const reads: number[] = [];
  let page: { bytes: number } = { bytes: NaN };
  try {
    const http = jsonClient(service.base, ADMIN, 1);
    const answered = async (method: string, path: string, body?: unknown) => must(await http.call(method, path, body), `${method} ${path}`);
    // Let the read models catch up first, so that their work is not measured as the writes'.
    for (let tries = 0; ; tries++) {
      const { status, body } = await http.call('GET', `/api/projects/${project.id}/indicators?minPosition=${lastPosition}`);
      if (status === 200) break;
      // 503 until the read models include the seeded events (each try waits up to 5 s itself).
      if (status !== 503) throw new Error(`the indicators answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
      if (tries >= 60) throw new Error('the read models did not catch up with the seeded attendance');
    }
    const record = (activity: 'long' | 'short') => {
      const [id, body] = input(activity);
      return timed(() => answered('POST', `/api/activities/${id}/attendance`, body));
    };
    first = await record('long');
    // A service that has been running answers with its code compiled: the first requests after a start run slower
    // while V8 optimises (measured here: p95 7.7 ms over the first 500 writes, 4.2-5.9 ms from the 1,500th on).
    // Warmed up on the short activity, so the long one stays at its 20,000.
    for (let i = 0; i < WARM_UP; i++) await record('short');
    // Interleaved, so that whatever else the machine does falls on both alike.
    measuredFrom = performance.now();
    for (let i = 0; i < SAMPLES; i++) for (const activity of ['long', 'short'] as const) times[activity].http.push(await record(activity));
    page = { bytes: Buffer.byteLength(JSON.stringify(await answered('GET', `/api/activities/${activityId}`))) };
    for (let i = 0; i < Math.min(SAMPLES, 100); i++) reads.push(await timed(() => answered('GET', `/api/activities/${activityId}`)));
    http.close();
  } finally {
    await service.stop();
    if (profileDir) {
      // The writes measured, and the reads and the stop after them (a few hundred milliseconds).
      const summary = summariseProfileDir(profileDir, (performance.now() - measuredFrom) / 1000);
      if (summary) printWhereTimeGoes(summary, 2 * SAMPLES, 25);
      console.log(`(profile in ${profileDir})`);
    }
  }

  // In this process: through HTTP with the client beside the service on one thread (as measured before), and
  // straight through the command bus, without HTTP, access control and the idempotency layer.
  app = await start({ clock: () => NOW });
  call = await client(app);
  const bus = app.get(CommandBus);
  const context = (): CommandContext => {
    const correlationId = randomUUID();
    return { actor: 'bench', correlationId, causationId: correlationId, now: NOW, newEntityId: () => randomUUID() };
  };
  const viaBus = (activity: 'long' | 'short') => {
    const [id, body] = input(activity);
    return timed(() => bus.execute(new RecordAttendanceCommand(id, body, context())));
  };
  const inProcess = (activity: 'long' | 'short') => {
    const [id, body] = input(activity);
    return timed(() => call('POST', `/api/activities/${id}/attendance`, body));
  };
  for (let i = 0; i < WARM_UP / 2; i++) await viaBus('short'), await inProcess('short');
  for (let i = 0; i < SAMPLES; i++) {
    for (const activity of ['long', 'short'] as const) {
      times[activity].inProcess.push(await inProcess(activity));
      times[activity].bus.push(await viaBus(activity));
    }
  }

  console.log('');
  console.log('| measure | p50 | p95 | target |');
  console.log('| --- | ---: | ---: | --- |');
  const row = (label: string, values: number[], target = '') => console.log(`| ${label} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} | ${target} |`);
  row(`record one more attendance at ${ATTENDANCES.toLocaleString('en-US')} (HTTP to the service's own process, durable; ${SAMPLES} writes after ${WARM_UP} to warm up)`, times.long.http, 'p95 < 5 ms');
  const shortSize = `a short activity (${nextShort.toLocaleString('en-US')} attendances at the end)`;
  row(`the same on ${shortSize} (HTTP)`, times.short.http);
  row(`record one more attendance at ${ATTENDANCES.toLocaleString('en-US')} (HTTP, client in the service's process)`, times.long.inProcess);
  row(`the same on ${shortSize} (HTTP, client in the process)`, times.short.inProcess);
  row(`record one more attendance at ${ATTENDANCES.toLocaleString('en-US')} (command bus, no HTTP)`, times.long.bus);
  row(`the same on ${shortSize} (command bus)`, times.short.bus);
  console.log(`| the first such write after a start | ${ms(first)} | | |`);
  console.log(`| GET /api/activities/{id} (${page.bytes.toLocaleString('en-US')} bytes) | ${ms(percentile(reads, 50))} | ${ms(percentile(reads, 95))} | a paged sub-list |`);
  console.log(`resident memory after: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
