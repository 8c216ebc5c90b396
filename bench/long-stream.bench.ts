/**
 * Long streams (a benchmark, never a test): one network-meeting series with 20,000 attendance records on its
 * activity stream, served by the whole service in this process on a fresh embedded store. Prints p50/p95 of
 * recording one more attendance through the HTTP API (durable: the answer comes after the fsync), the first such
 * write after a start (nothing of the stream in memory yet), and the size and p50/p95 of `GET /api/activities/{id}`.
 *
 * The 20,000 events are appended to the store directly in batches of 1,000 (as the service would have written
 * them, Idempotency-Key hash in the metadata included), then the service is started on that store.
 * LEDGER_BENCH_ATTENDANCES and LEDGER_BENCH_SAMPLES change the scale, for a quick look.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { SqliteEventStore, streamName, type NewEvent } from '@app/event-store';
import { RecordAttendanceCommand, type CommandContext } from '@app/programme';
import { createApp } from '../apps/api/src/create-app.js';
import { benchScratchDir } from './scratch-dir.bench-support.js';

const ATTENDANCES = Number(process.env.LEDGER_BENCH_ATTENDANCES ?? 20_000);
const SAMPLES = Number(process.env.LEDGER_BENCH_SAMPLES ?? 300);
const PARTICIPANTS = 200;
const ADMIN = 'bench-long-stream-admin-token-0123456789';
const NOW = new Date('2026-11-22T10:00:00Z');

const dir = benchScratchDir('bench-long-stream-');
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

  app = await start({ clock: () => NOW });
  call = await client(app);
  // Let the read models catch up first, so that their work is not measured as the writes'.
  for (let tries = 0; ; tries++) {
    try {
      await call('GET', `/api/projects/${project.id}/indicators?minPosition=${lastPosition}`);
      break;
    } catch (error) {
      // 503 until the read models include the seeded events (each try waits up to 5 s itself).
      if (tries >= 60) throw error;
    }
  }

  let next = ATTENDANCES;
  let nextShort = 0;
  /** Over HTTP, as a client sees it; or straight through the command bus, without HTTP, access control and the idempotency layer. */
  const recordOne = async (activity: 'long' | 'short', via: 'http' | 'bus') => {
    const i = activity === 'long' ? next++ : nextShort++;
    const [id, input] = [activity === 'long' ? activityId : shortId, { participantId: participants[i % PARTICIPANTS], date: day(Math.floor(i / PARTICIPANTS)) }];
    const started = performance.now();
    if (via === 'http') await call('POST', `/api/activities/${id}/attendance`, input);
    else await bus.execute(new RecordAttendanceCommand(id, input, context()));
    return performance.now() - started;
  };
  const bus = app.get(CommandBus);
  const context = (): CommandContext => {
    const correlationId = randomUUID();
    return { actor: 'bench', correlationId, causationId: correlationId, now: NOW, newEntityId: () => randomUUID() };
  };
  const first = await recordOne('long', 'http');
  for (let i = 0; i < 10; i++) await recordOne('long', 'http'), await recordOne('short', 'http');
  const times = { long: { http: [] as number[], bus: [] as number[] }, short: { http: [] as number[], bus: [] as number[] } };
  // Interleaved, so that whatever else the machine does falls on both alike.
  for (let i = 0; i < SAMPLES; i++) {
    for (const activity of ['long', 'short'] as const) {
      for (const via of ['http', 'bus'] as const) times[activity][via].push(await recordOne(activity, via));
    }
  }

  const page = await call('GET', `/api/activities/${activityId}`);
  const reads: number[] = [];
  for (let i = 0; i < Math.min(SAMPLES, 100); i++) {
    const started = performance.now();
    await call('GET', `/api/activities/${activityId}`);
    reads.push(performance.now() - started);
  }

  console.log('');
  console.log('| measure | p50 | p95 | target |');
  console.log('| --- | ---: | ---: | --- |');
  const row = (label: string, values: number[], target = '') => console.log(`| ${label} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} | ${target} |`);
  row(`record one more attendance at ${ATTENDANCES.toLocaleString('en-US')} (HTTP, durable; ${SAMPLES} writes)`, times.long.http, 'p95 < 5 ms');
  row('the same on an activity with a few hundred attendances (HTTP)', times.short.http);
  row(`record one more attendance at ${ATTENDANCES.toLocaleString('en-US')} (command bus, no HTTP)`, times.long.bus);
  row('the same on an activity with a few hundred attendances (command bus)', times.short.bus);
  console.log(`| the first such write after a start | ${ms(first)} | | |`);
  console.log(`| GET /api/activities/{id} (${page.bytes.toLocaleString('en-US')} bytes) | ${ms(percentile(reads, 50))} | ${ms(percentile(reads, 95))} | a paged sub-list |`);
  console.log(`resident memory after: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
