/**
 * `npm run bench` (service part): the built service in its own process on the benchmark's 1M-event programme,
 * driven through its HTTP API on 127.0.0.1.
 *
 * 1. Memory: the child's resident memory (VmRSS sampled from /proc every 200 ms, and the kernel's VmHWM) while it
 *    starts on the programme, answers queries (one project's indicators, programme-wide figures, lists) and takes
 *    the command load below. Target: under 512 MB.
 * 2. Commands: a realistic mix (attendance, participants registered with sealed personal data, support, outcomes,
 *    organisations, corrections; each with an Idempotency-Key, as a client that retries sends it) paced open-loop
 *    at LEDGER_BENCH_RATE commands/s (default 2,000) with at most LEDGER_BENCH_CONCURRENCY in flight (default 256)
 *    for LEDGER_BENCH_SECONDS (default 12). A command that cannot be sent on time because the cap is reached
 *    waits: the achieved rate is what the service sustained, printed as measured.
 * 3. Projection lag: every 50 ms a reader takes the position of the latest acknowledged command and asks
 *    `GET /api/projects?limit=1&minPosition=<it>`; the lag is from that command's answer to the read answering 200
 *    (the read model includes it). Target: p95 under 1 s. When the service sustained less than the rate asked
 *    for, the same mix runs again at 80 % of what it sustained (lag without the queue of a saturated service).
 *
 * It prints every figure with its target and never fails on them (these machines are noisy). LEDGER_BENCH_SCALE=0.1
 * runs a tenth of the programme; LEDGER_BENCH_DATA=<dir> keeps the generated programme (each run adds its commands
 * to it); LEDGER_BENCH_CPU_PROF=1 runs the service under `node --cpu-prof` (without the query phase, unless
 * LEDGER_BENCH_QUERY_SECONDS is set) and prints where its time goes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { printWhereTimeGoes, summariseProfileDir } from './cpu-profile.bench-support.js';
import { fmt, percentile, prepareProgramme, scaleFactor } from './programme-data.bench-support.js';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { BENCH_ADMIN_TOKEN as ADMIN_TOKEN, cpuTimeMs, jsonClient, must, sampleMemory, startService, type RunningService } from './service-process.bench-support.js';

const RATE = Number(process.env.LEDGER_BENCH_RATE ?? 2_000);
const CONCURRENCY = Number(process.env.LEDGER_BENCH_CONCURRENCY ?? 256);
const SECONDS = Number(process.env.LEDGER_BENCH_SECONDS ?? 12);
const PROFILE = process.env.LEDGER_BENCH_CPU_PROF === '1';
/** LEDGER_BENCH_SUSTAINED=0 leaves out the second run at 80 % of the rate the service sustained. */
const SUSTAINED = process.env.LEDGER_BENCH_SUSTAINED !== '0';
// A profile is of the command path: the query phase is left out of it unless asked for.
const QUERY_SECONDS = Number(process.env.LEDGER_BENCH_QUERY_SECONDS ?? (PROFILE ? 0 : 6));
const kept = process.env.LEDGER_BENCH_DATA?.trim();
const MB = 1024 * 1024;
const mb = (bytes: number) => `${fmt(bytes / MB)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Call = ReturnType<typeof jsonClient>['call'];

async function inParallel(count: number, width: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await work(next++);
  }));
}

/** Projects, activities, organisations and participants for the load to refer to (written through the API). */
async function setUpWorld(call: Call) {
  const projects: string[] = [];
  for (let p = 0; p < 4; p++) {
    projects.push(must(await call('POST', '/api/projects', {
      name: `Lastprov ${p} Skåne`,
      programme: 'Regionalfonden Skåne-Blekinge',
      fund: 'ERDF',
      startDate: '2024-01-01',
      endDate: '2027-12-31',
      countries: ['SE'],
    }), 'a project').id);
  }
  const activities: Array<{ id: string; project: number }> = [];
  await inParallel(40, 8, async (a) => {
    const project = a % projects.length;
    const id = must(await call('POST', `/api/projects/${projects[project]}/activities`, {
      format: 'workshop',
      name: `Workshopserie ${a}`,
      startDate: '2024-02-01',
      endDate: '2026-11-30',
      crossBorder: false,
    }), 'an activity').id;
    activities[a] = { id, project };
  });
  const organisations: string[] = [];
  await inParallel(200, 8, async (o) => {
    organisations[o] = must(await call('POST', '/api/organisations', { name: `Lastföretag ${o} AB`, country: 'SE', type: 'enterprise', sizeClass: 'micro' }), 'an organisation').id;
  });
  const participants: string[][] = projects.map(() => []);
  await inParallel(1_000, 8, async (i) => {
    const project = i % projects.length;
    participants[project][Math.floor(i / projects.length)] = must(await call('POST', `/api/projects/${projects[project]}/participants`, {
      person: { name: `Deltagare ${i}`, email: `deltagare${i}@example.se` },
      gender: i % 2 === 0 ? 'woman' : 'man',
      role: 'creative',
      registeredOn: '2024-01-15',
    }), 'a participant').id;
  });
  return { projects, activities, organisations, participants };
}

type World = Awaited<ReturnType<typeof setUpWorld>>;
type Command = { kind: string; method: 'POST'; path: string; body: unknown };

/** The k-th command of the mix: 40 % attendance, 20 % participants, 15 % support, 10 % outcomes, 10 % organisations, 5 % corrections. */
function commandOf(world: World, k: number, counters: Record<string, number>): Command {
  const slot = k % 20;
  const day = (offset: number) => new Date(Date.UTC(2024, 1, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const next = (kind: string) => (counters[kind] = (counters[kind] ?? 0) + 1) - 1;
  if (slot < 8) {
    // Each (participant, activity, day) once: a person attends one activity once a day.
    const n = next('attendance');
    const activity = world.activities[n % world.activities.length];
    const j = Math.floor(n / world.activities.length);
    const pool = world.participants[activity.project];
    return { kind: 'attendance', method: 'POST', path: `/api/activities/${activity.id}/attendance`, body: { participantId: pool[j % pool.length], date: day(Math.floor(j / pool.length)) } };
  }
  if (slot < 12) {
    const n = next('participant');
    return {
      kind: 'participant',
      method: 'POST',
      path: `/api/projects/${world.projects[n % world.projects.length]}/participants`,
      body: { person: { name: `Ny deltagare ${n}`, email: `ny${n}@example.se`, phone: '+46 70 123 45 67' }, gender: ['woman', 'man', 'another', 'not-stated'][n % 4], role: 'company-representative', registeredOn: '2024-06-01' },
    };
  }
  if (slot < 15) {
    const n = next('support');
    return {
      kind: 'support',
      method: 'POST',
      path: `/api/projects/${world.projects[n % world.projects.length]}/support`,
      body: { organisationId: world.organisations[n % world.organisations.length], kind: 'non-financial', date: day(n % 600), hours: 1 + (n % 40) },
    };
  }
  if (slot < 17) {
    const n = next('outcome');
    return {
      kind: 'outcome',
      method: 'POST',
      path: `/api/projects/${world.projects[n % world.projects.length]}/outcomes`,
      body: { kind: 'business-idea', organisationId: world.organisations[n % world.organisations.length], date: day(n % 600), description: `Affärsidé ${n}` },
    };
  }
  if (slot < 19) {
    const n = next('organisation');
    return { kind: 'organisation', method: 'POST', path: '/api/organisations', body: { name: `Nytt företag ${n} AB`, country: 'SE', type: 'enterprise', sizeClass: ['micro', 'small', 'medium'][n % 3] } };
  }
  const n = next('correction');
  const pool = world.participants[n % world.participants.length];
  // Each round over every participant moves the year on by one more, so a participant's next correction always
  // changes something (the same year again is refused: "the correction changes nothing").
  const index = Math.floor(n / world.participants.length) % pool.length;
  const round = Math.floor(n / (world.participants.length * pool.length));
  return {
    kind: 'correction',
    method: 'POST',
    path: `/api/participants/${pool[index]}/corrections`,
    body: { birthYear: 1960 + ((index + round) % 40), reason: 'Födelseår kompletterat', reasonCategory: 'late-information' },
  };
}

interface LoadResult {
  seconds: number;
  sent: number;
  done: number;
  statuses: Map<string, number>;
  firstErrors: string[];
  latencies: number[];
  lags: number[];
  lagTimeouts: number;
  maxBehind: number;
}

/** Open-loop pacing at `rate` with at most `concurrency` in flight, and the lag reader beside it. */
async function runLoad(world: World, counters: Record<string, number>, commands: Call, reads: Call, rate: number, seconds: number): Promise<LoadResult> {
  const statuses = new Map<string, number>();
  const firstErrors: string[] = [];
  const latencies: number[] = [];
  const lags: number[] = [];
  let lagTimeouts = 0;
  let sent = 0;
  let done = 0;
  let inFlight = 0;
  let maxBehind = 0;
  let latest: { position: number; at: number } | undefined;
  const started = performance.now();
  const until = started + seconds * 1000;
  const pending = new Set<Promise<void>>();
  const send = (k: number) => {
    const command = commandOf(world, k, counters);
    const t = performance.now();
    inFlight++;
    const run = commands(command.method, command.path, command.body, { 'Idempotency-Key': randomUUID() }).then((answer) => {
      const now = performance.now();
      inFlight--;
      done++;
      latencies.push(now - t);
      const key = `${command.kind} ${answer.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (answer.status >= 200 && answer.status < 300) {
        const position = Number(answer.body?.position);
        if (Number.isFinite(position) && (!latest || position > latest.position)) latest = { position, at: now };
      } else if (firstErrors.length < 5) {
        firstErrors.push(`${command.kind} ${command.path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    });
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };
  const probes: Array<Promise<void>> = [];
  const probe = () => {
    const target = latest;
    if (!target) return;
    probes.push(
      reads('GET', `/api/projects?limit=1&minPosition=${target.position}`).then((answer) => {
        if (answer.status === 200) lags.push(performance.now() - target.at);
        else lagTimeouts++;
      }),
    );
  };
  let lastProbe = started;
  while (performance.now() < until) {
    const now = performance.now();
    const due = Math.floor(((now - started) / 1000) * rate);
    maxBehind = Math.max(maxBehind, due - sent);
    while (sent < due && inFlight < CONCURRENCY) send(sent++);
    if (now - lastProbe >= 50) {
      lastProbe = now;
      probe();
    }
    await sleep(2);
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all([...pending]);
  await Promise.all(probes);
  const elapsed = (performance.now() - started) / 1000;
  process.stderr.write(`  sent ${fmt(sent)} commands in ${sendSeconds.toFixed(1)} s; the last answered ${(elapsed - sendSeconds).toFixed(1)} s after sending stopped\n`);
  return { seconds: elapsed, sent, done, statuses, firstErrors, latencies, lags, lagTimeouts, maxBehind };
}

/** A few minutes of what readers ask of a programme: one project's figures, the whole programme's, lists. */
async function runQueries(call: Call, projectIds: string[], seconds: number) {
  const until = performance.now() + seconds * 1000;
  let answered = 0;
  const failures: string[] = [];
  const periods = ['', 'from=2024-01-01&to=2024-06-30', 'from=2025-07-01&to=2025-12-31'];
  await Promise.all(Array.from({ length: 3 }, async (_, client) => {
    for (let i = 0; performance.now() < until; i++) {
      const project = projectIds[(i * 7 + client) % projectIds.length];
      const period = periods[i % periods.length];
      const path = [
        `/api/projects/${project}/indicators?${period}`,
        `/api/projects/${project}/participants?limit=50&offset=${(i * 50) % 1000}`,
        `/api/indicators?${period}`,
        `/api/projects/${project}/activities?limit=50`,
      ][(i + client) % 4];
      const answer = await call('GET', path);
      if (answer.status === 200) answered++;
      else if (failures.length < 5) failures.push(`${path}: ${answer.status}`);
    }
  }));
  return { answered, failures };
}

const dir = kept ? (mkdirSync(kept, { recursive: true, mode: 0o700 }), kept) : benchScratchDir('bench-service-load-');
const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'ledger-service-profile-')) : undefined;
let service: RunningService | undefined;
try {
  console.log(
    `Programme Ledger service load benchmark (scale ${scaleFactor}; ${fmt(RATE)} commands/s for ${SECONDS} s, at most ${CONCURRENCY} in flight; ` +
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores), data in ${dir}`,
  );
  if (kept && existsSync(join(dir, 'reporting.sqlite'))) process.stderr.write('  reusing the programme already in LEDGER_BENCH_DATA\n');
  else await prepareProgramme(dir);

  const startedAt = performance.now();
  service = await startService({
    dataDir: dir,
    adminToken: ADMIN_TOKEN,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    // What is measured is the service under load, not the per-token rate limit.
    env: { LEDGER_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const startSeconds = (performance.now() - startedAt) / 1000;
  const memory = sampleMemory(service.child.pid!);
  const rows: Array<[string, string, string]> = [];
  const commandClient = jsonClient(service.base, ADMIN_TOKEN, CONCURRENCY);
  const readClient = jsonClient(service.base, ADMIN_TOKEN, 16);
  try {
    const atStart = memory.read().peak;
    rows.push([`service started on the programme (accepting the admin token after ${startSeconds.toFixed(1)} s)`, `RSS ${mb(atStart)}`, '']);

    const projectIds = (must(await readClient.call('GET', '/api/projects?limit=500'), 'the projects').items as Array<{ id: string }>).map((p) => p.id);
    memory.reset();
    const queries = await runQueries(readClient.call, projectIds, QUERY_SECONDS);
    if (QUERY_SECONDS > 0) rows.push([`queries for ${QUERY_SECONDS} s, 3 clients (project indicators, programme-wide figures, lists): ${fmt(queries.answered)} answered${queries.failures.length ? `, failures: ${queries.failures.join('; ')}` : ''}`, `peak RSS ${mb(memory.read().peak)}`, '< 512 MB']);

    process.stderr.write('  setting up 4 projects, 40 activities, 200 organisations, 1,000 participants through the API\n');
    const world = await setUpWorld(commandClient.call);
    // Shared by the warm-up and the load: no command repeats one before it (each would be refused as a duplicate).
    const counters: Record<string, number> = {};
    // A short warm-up at the same pace (the JIT, SQLite's page cache), not counted.
    await runLoad(world, counters, commandClient.call, readClient.call, RATE, 2);
    memory.reset();
    const cpuBefore = cpuTimeMs(service.child.pid!);
    const load = await runLoad(world, counters, commandClient.call, readClient.call, RATE, SECONDS);
    const cpuAfter = cpuTimeMs(service.child.pid!);
    const loadPeak = memory.read();

    const ok = [...load.statuses.entries()].filter(([key]) => /\s2\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
    const errors = load.done - ok;
    rows.push([`commands acknowledged per second (paced at ${fmt(RATE)}/s, ${CONCURRENCY} in flight at most; ${fmt(load.sent)} sent, at most ${fmt(load.maxBehind)} behind schedule)`, `${fmt(ok / load.seconds)}/s`, `>= ${fmt(RATE)}/s`]);
    rows.push(['command answer time (sent to answered)', `p50 ${fmt(percentile(load.latencies, 50))} ms, p95 ${fmt(percentile(load.latencies, 95))} ms`, '']);
    if (cpuBefore !== undefined && cpuAfter !== undefined && ok > 0) {
      // All of the service's threads, user and system: the cost of a command whatever else shares the machine.
      rows.push([`service CPU time during the load (user + system, every thread; ${fmt(cpuAfter - cpuBefore)} ms)`, `${((cpuAfter - cpuBefore) / ok).toFixed(2)} ms per command`, '']);
    }
    rows.push([`projection lag (command answered to a read with its minPosition answering; ${load.lags.length} reads)`, `p50 ${fmt(percentile(load.lags, 50))} ms, p95 ${fmt(percentile(load.lags, 95))} ms, max ${fmt(Math.max(...load.lags))} ms`, 'p95 < 1,000 ms']);
    rows.push(['reads not at their minPosition within 5 s (503)', fmt(load.lagTimeouts), '0']);
    rows.push(['commands refused or failed (not 2xx)', fmt(errors), '0']);
    rows.push(['service memory under the command load', `peak RSS ${mb(loadPeak.peak)}`, '< 512 MB']);
    // Over its capacity the lag above is mostly the reads queueing behind the commands: the same load at 80 % of the
    // rate the service sustained says whether the read models keep up when the service is not saturated.
    const sustainable = Math.floor((ok / load.seconds) * 0.8);
    let calm: LoadResult | undefined;
    if (SUSTAINED && sustainable > 0 && sustainable < RATE * 0.95 && !profileDir) {
      calm = await runLoad(world, counters, commandClient.call, readClient.call, sustainable, SECONDS);
      const calmOk = [...calm.statuses.entries()].filter(([key]) => /\s2\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
      rows.push([`the same mix paced at ${fmt(sustainable)} commands/s (80 % of what was sustained): acknowledged per second`, `${fmt(calmOk / calm.seconds)}/s`, '']);
      rows.push(['  command answer time', `p50 ${fmt(percentile(calm.latencies, 50))} ms, p95 ${fmt(percentile(calm.latencies, 95))} ms`, '']);
      rows.push([`  projection lag (${calm.lags.length} reads; ${calm.lagTimeouts} not at their minPosition within 5 s)`, `p50 ${fmt(percentile(calm.lags, 50))} ms, p95 ${fmt(percentile(calm.lags, 95))} ms, max ${fmt(Math.max(...calm.lags))} ms`, 'p95 < 1,000 ms']);
      rows.push(['  commands refused or failed (not 2xx)', fmt(calm.done - calmOk), '0']);
    }
    rows.push(['service memory, whole run (VmHWM, the kernel\'s peak resident size)', `${mb(memory.read().hwm)}`, '< 512 MB']);

    console.log('');
    console.log(`${'measure'.padEnd(118)} ${'result'.padStart(36)}  target`);
    for (const [name, result, target] of rows) console.log(`${name.padEnd(118)} ${result.padStart(36)}  ${target}`);
    console.log('');
    const answers = (label: string, result: LoadResult) => {
      console.log(`${label}: ${[...result.statuses.entries()].sort().map(([key, n]) => `${key}: ${fmt(n)}`).join(', ')}`);
      for (const error of result.firstErrors) console.log(`  e.g. ${error}`);
    };
    answers('answers by command', load);
    if (calm) answers('answers by command at 80 %', calm);
    if (profileDir) {
      commandClient.close();
      readClient.close();
      const stopping = performance.now();
      await service.stop();
      // The service stops right after the load: the profile's last seconds are the load (and its stopping).
      const summary = summariseProfileDir(profileDir, load.seconds + (performance.now() - stopping) / 1000);
      if (summary) printWhereTimeGoes(summary, load.done);
      console.log(`(the load's ${load.seconds.toFixed(1)} s at the end of the profile, ${profileDir})`);
    }
  } finally {
    memory.stop();
    commandClient.close();
    readClient.close();
  }
} finally {
  await service?.stop();
  if (!kept) rmSync(dir, { recursive: true, force: true });
}
