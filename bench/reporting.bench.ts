/**
 * `npm run bench` (second part): a synthetic programme of about a million events in the embedded store,
 * then a rebuild of every read model, indicator queries on that data, and projection lag under a steady
 * 1,000 appends a second (one command's events each). It prints numbers and targets; it never fails on
 * them, because these machines are noisy.
 *
 * LEDGER_BENCH_SCALE=0.1 runs a tenth of the programme, for a quick look.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import {
  IndicatorCalculator,
  openReadModelDatabase,
  ProjectionEngine,
  PROJECTIONS,
  rebuildProjections,
  dropRetiredReadModels,
  type RebuildResult,
} from '@app/reporting';
import { FULL_SCALE, writeSyntheticProgramme } from './synthetic-programme.js';

const scaleFactor = Number(process.env.LEDGER_BENCH_SCALE ?? 1);
const scale = {
  ...FULL_SCALE,
  organisations: Math.round(FULL_SCALE.organisations * scaleFactor),
  participants: Math.round(FULL_SCALE.participants * scaleFactor),
};
/** Set in the child process that runs the rebuild alone (its peak memory is then the rebuild's own). */
const rebuildChild = process.env.LEDGER_BENCH_REBUILD_CHILD;
/** LEDGER_BENCH_DATA=<dir> keeps the generated programme there and reuses it on the next run (each run adds its lag appends). */
const kept = process.env.LEDGER_BENCH_DATA?.trim();
const dir = rebuildChild ?? (kept ? (mkdirSync(kept, { recursive: true, mode: 0o700 }), kept) : benchScratchDir('bench-reporting-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const rows: Array<[string, string, string, string]> = [];
/** Resident memory now, and the peak since it was last reset (VmHWM), in MB. */
const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};
/** Resets the peak (Linux: writing 5 to clear_refs), so the next peak is of what follows alone. */
const resetPeak = () => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface ChildRebuild extends Pick<RebuildResult, 'events' | 'seconds'> {
  /** Then dropping the read models they replaced. */
  retiredDropSeconds: number;
  cpuSeconds: number;
  /** The loading phase alone (reading the log and applying it), before the indexes are built. */
  loadSeconds: number;
  loadCpuSeconds: number;
  /** CPU of the main thread alone while loading (the log reader thread and SQLite's sorting threads excluded). */
  loadMainCpuSeconds: number;
  peakMb: number;
}

/** CPU seconds of this process's main thread (Linux: its task's utime + stime, in clock ticks of 10 ms). */
const mainThreadCpuSeconds = () => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};

if (rebuildChild) {
  // A rebuild as `ledger projections rebuild` or a service start runs it: a process that did nothing before.
  const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
  const cpu = cpuMs();
  const mainCpu = mainThreadCpuSeconds();
  const started = performance.now();
  let loaded: { seconds: number; cpuSeconds: number; mainCpuSeconds: number } | undefined;
  const rebuild = await rebuildProjections(store, db, PROJECTIONS, {
    // LEDGER_REBUILD_READER=inline (read by rebuildProjections) reads the log on this thread, to compare with the reader thread.
    onProgress: (p) => {
      if (p.phase === 'indexing') loaded ??= { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpuMs() - cpu) / 1000, mainCpuSeconds: mainThreadCpuSeconds() - mainCpu };
      process.stderr.write(`\r  rebuilding: ${fmt(p.eventsDone)} events, ${fmt(p.eventsPerSecond)} events/s   `);
    },
  });
  process.stderr.write('\n');
  // As the service and the CLI do once the new read models answer.
  const dropStarted = performance.now();
  await dropRetiredReadModels(db);
  const retiredDropSeconds = (performance.now() - dropStarted) / 1000;
  const result: ChildRebuild = {
    events: rebuild.events,
    seconds: rebuild.seconds,
    retiredDropSeconds,
    cpuSeconds: (cpuMs() - cpu) / 1000,
    loadSeconds: loaded!.seconds,
    loadCpuSeconds: loaded!.cpuSeconds,
    loadMainCpuSeconds: loaded!.mainCpuSeconds,
    peakMb: memory().peak,
  };
  db.close();
  await store.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** Runs the rebuild in a fresh process of this script and answers what it measured. */
function rebuildInChild(): Promise<ChildRebuild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]], {
      env: { ...process.env, LEDGER_BENCH_REBUILD_CHILD: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildRebuild) : reject(new Error(`rebuild child exited ${code}`))));
  });
}

try {
  let store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  console.log(`Programme Ledger reporting benchmark (scale ${scaleFactor}), data in ${dir}`);

  const started = performance.now();
  const reuse = kept !== undefined && existsSync(join(dir, 'programme.json'));
  const { events, projectIds } = reuse
    ? (JSON.parse(readFileSync(join(dir, 'programme.json'), 'utf8')) as { events: number; projectIds: string[] })
    : await writeSyntheticProgramme(store, scale, (n) => {
        if (n % 100_000 < 2_000) process.stderr.write(`\r  generating: ${fmt(n)} events`);
      });
  const generateSeconds = (performance.now() - started) / 1000;
  process.stderr.write(reuse ? '  reusing the programme already in LEDGER_BENCH_DATA\n' : '\n');
  if (kept && !reuse) writeFileSync(join(dir, 'programme.json'), JSON.stringify({ events, projectIds }));
  rows.push([`synthetic programme: ${scale.projects} projects, ${fmt(scale.participants)} participants, ${fmt(scale.organisations)} organisations`, `${fmt(events)} events`, reuse ? 'reused' : `${generateSeconds.toFixed(1)} s`, '']);
  // Kept data grows: the service-load and dashboard benches record their commands in it. Every figure below is
  // for the log as it is, so say how big that is.
  const [newest] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  const logEvents = newest?.position ?? 0;
  if (reuse && logEvents > events) {
    rows.push([`  the kept log now (other benches' commands since it was generated)`, `${fmt(logEvents)} events`, `+${fmt(logEvents - events)}`, '']);
  }

  // The rebuild runs in a fresh process, so its peak memory is its own, not what generating the programme left.
  await store.close();
  const rebuild = await rebuildInChild();
  store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
  rows.push([`rebuild every read model (${PROJECTIONS.length} projections, shadow tables, swap)`, `${fmt(rebuild.events / rebuild.seconds)} events/s`, `${rebuild.seconds.toFixed(1)} s`, '>= 100,000 events/s']);
  rows.push(['  then dropping the read models it replaced (a table per transaction, after the swap)', `${rebuild.retiredDropSeconds.toFixed(1)} s`, '', '']);
  rows.push(['  the same per second of CPU (the rebuild process: JavaScript, SQLite, sorting threads)', `${fmt(rebuild.events / rebuild.cpuSeconds)} events/s`, `${rebuild.cpuSeconds.toFixed(1)} s`, '(what a shared machine takes away)']);
  rows.push(['  of which loading (read the log, apply to shadow tables), per second of CPU', `${fmt(rebuild.events / rebuild.loadCpuSeconds)} events/s`, `${rebuild.loadCpuSeconds.toFixed(1)} s`, `wall ${rebuild.loadSeconds.toFixed(1)} s; the rest: indexes, swap, ANALYZE`]);
  rows.push(['  loading, CPU of the main thread alone (the log reader thread excluded)', `${fmt(rebuild.events / rebuild.loadMainCpuSeconds)} events/s`, `${rebuild.loadMainCpuSeconds.toFixed(1)} s`, '']);
  rows.push(['  peak resident memory of the rebuild process (VmHWM)', `${fmt(rebuild.peakMb)} MB`, '', '< 1,024 MB']);
  const peakResettable = resetPeak();

  const calculator = new IndicatorCalculator(db);
  const timeQueries = (count: number, query: (i: number) => void) => {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      const c = cpuMs();
      query(i);
      times.push(performance.now() - t);
      cpu.push(cpuMs() - c);
    }
    return { times, cpu };
  };
  const periods = [{}, { from: '2024-01-01', to: '2024-06-30' }, { from: '2025-07-01', to: '2025-12-31' }, { to: '2024-12-31' }, { from: '2023-03-15', to: '2025-10-02' }];
  const filters = [{}, { fund: 'ERDF' }, { country: 'NO' }, { fund: 'Interreg', country: 'SE' }];
  // The first answer reads the read models into the indicators' in-memory index (once per process and rebuild).
  let t = performance.now();
  calculator.compute({ kind: 'programme' }, {});
  rows.push(['first indicator answer after start: reads the read models into memory (IndicatorIndex)', `${fmt(performance.now() - t)} ms`, '', 'once per start or rebuild']);
  timeQueries(20, (i) => calculator.compute({ kind: 'project', projectId: projectIds[i % projectIds.length] }, {}));
  const project = timeQueries(400, (i) =>
    calculator.compute({ kind: 'project', projectId: projectIds[(i * 7) % projectIds.length] }, periods[i % periods.length]),
  );
  const report = (name: string, { times, cpu }: { times: number[]; cpu: number[] }, target: string) => {
    rows.push([name, `p95 ${percentile(times, 95).toFixed(1)} ms`, `p50 ${percentile(times, 50).toFixed(1)} ms`, target]);
    rows.push(['  the same in CPU time of this process', `p95 ${percentile(cpu, 95).toFixed(1)} ms`, `p50 ${percentile(cpu, 50).toFixed(1)} ms`, '']);
  };
  report('project indicators (all 23 with breakdowns, one period), 400 queries', project, 'p95 < 10 ms');
  const programme = timeQueries(100, (i) =>
    calculator.compute({ kind: 'programme', ...filters[i % filters.length] }, periods[Math.floor(i / filters.length) % periods.length]),
  );
  report('programme-wide indicators (all 23, enterprises deduplicated; any period, fund/country filters), 100 queries', programme, 'p95 < 50 ms');
  t = performance.now();
  calculator.byProject(projectIds, { from: '2024-01-01', to: '2024-12-31' });
  rows.push([`every project's main figures and targets (byProject, ${projectIds.length} projects, one period)`, `${(performance.now() - t).toFixed(1)} ms`, '', '']);
  // Not the service's memory: this process also generated the programme, and V8 keeps the pages it grew to. The
  // service's own resident memory (target < 512 MB) is measured in a process of its own by service-load.bench.ts.
  global.gc?.();
  rows.push(['resident memory of this bench process (it generated the programme too; the service: see the service-load bench)', `${fmt(memory().rss)} MB`, peakResettable ? `peak ${fmt(memory().peak)} MB` : '', '']);

  // Live projection lag: the engine follows the log while appends arrive at 1,000 a second.
  const engine = new ProjectionEngine(store, db, PROJECTIONS, () => openReadModelDatabase(join(dir, 'reporting.sqlite')));
  engine.start();
  const lags: number[] = [];
  // 48 random bits: two runs on the same kept programme must never register the same participant twice.
  const runTag = randomBytes(6).toString('hex');
  const rate = 1_000;
  const seconds = 5;
  const waits: Array<Promise<void>> = [];
  const begin = performance.now();
  for (let n = 0; n < rate * seconds; n++) {
    const due = begin + (n * 1000) / rate;
    const delay = due - performance.now();
    if (delay > 1) await new Promise((resolve) => setTimeout(resolve, delay));
    // A programme kept in LEDGER_BENCH_DATA gets these appends on every run: each run registers participants of its own.
    const participantId = `${runTag.slice(0, 8)}-${runTag.slice(8)}-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const sent = performance.now();
    waits.push(
      store
        .appendToStream(`participant-${participantId}`, [
          {
            type: 'ParticipantRegistered',
            data: { participantId, projectId: projectIds[n % projectIds.length], person: { keyId: 'k', algorithm: 'AES-256-GCM', iv: '', ciphertext: '', tag: '' }, gender: 'woman', role: 'creative', registeredOn: '2025-01-01' },
            metadata: { correlationId: 'lag', causationId: 'lag', actor: 'bench', recordedAt: new Date().toISOString() },
          },
        ])
        .then(async ({ position }) => {
          await engine.waitForPosition(position, 30_000);
          lags.push(performance.now() - sent);
        }),
    );
  }
  await Promise.all(waits);
  const achieved = (rate * seconds) / ((performance.now() - begin) / 1000);
  rows.push([`projection lag at ${fmt(rate)} appends/s for ${seconds} s (achieved ${fmt(achieved)}/s), append to read model`, `p95 ${percentile(lags, 95).toFixed(0)} ms`, `max ${Math.max(...lags).toFixed(0)} ms`, '< 1,000 ms']);
  await engine.stop();
  db.close();
  await store.close();

  console.log('');
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  console.log(`${'measure'.padEnd(100)} ${'result'.padStart(20)} ${''.padStart(12)}  target`);
  for (const [name, result, extra, target] of rows) console.log(`${name.padEnd(100)} ${result.padStart(20)} ${extra.padStart(12)}  ${target}`);
} finally {
  if (!kept) rmSync(dir, { recursive: true, force: true });
}
