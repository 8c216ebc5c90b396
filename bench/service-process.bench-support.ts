/**
 * The built service (`dist/apps/api/src/main.js`, as `npm start` runs it) in a child process on 127.0.0.1, a
 * keep-alive HTTP client for it, and a sampler of the child's resident memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The first admin's token of every bench that starts the service: only a store's first start makes one, so benches
 * sharing kept data (LEDGER_BENCH_DATA) must agree on it.
 */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef-0123456789abcdef';

export interface RunningService {
  base: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The flags `npm start` gives node before the service's script (package.json's start script is their one place; the
 * container's CMD repeats them, and a spec holds the two equal), so a bench measures the service as it is run.
 */
export function serviceNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const run = /(?:^|&&\s*)node((?:\s+--\S+)*)\s+dist\/apps\/api\/src\/main\.js/.exec(scripts.start);
  if (!run) throw new Error(`package.json's start script does not run dist/apps/api/src/main.js with node: ${scripts.start}`);
  return run[1].trim().split(/\s+/).filter((flag) => flag !== '');
}

/**
 * Starts the service on `dataDir` with `adminToken` as the first admin and answers once the token is accepted,
 * with the node flags `npm start` uses. `nodeArgs` go after them, before the script (`--cpu-prof` and its directory,
 * for a profile written when it exits).
 */
export async function startService(options: {
  dataDir: string;
  adminToken: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<RunningService> {
  const main = join(process.cwd(), 'dist', 'apps', 'api', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build:api first`);
  const port = await freePort();
  const child = spawn(process.execPath, [...serviceNodeFlags(), ...(options.nodeArgs ?? []), main], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LEDGER_EVENT_STORE: 'sqlite',
      LEDGER_DATA_DIR: options.dataDir,
      LEDGER_ADMIN_TOKEN: options.adminToken,
      LEDGER_LOG_FORMAT: 'json',
      ...options.env,
    },
    // Request logs would cost the service (and this process) more than the load itself: only errors are shown.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = performance.now() + (options.startTimeoutMs ?? 300_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const status = await fetch(`${base}/api/session`, { headers: { Authorization: `Bearer ${options.adminToken}` } }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { base, port, child, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    'the service did not accept the admin token in time (on kept data, LEDGER_BENCH_DATA, the first start made the ' +
      'admin: data kept by an older bench with another token must be generated again)',
  );
}

export interface Answer {
  status: number;
  body: any;
}

/** The answer's body when it is a 2xx; otherwise fails the bench naming `what` and the answer. */
export function must(answer: Answer, what: string): any {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/**
 * A JSON client over keep-alive sockets (node:http: cheaper per request than fetch, so the client steals less of
 * the CPU the service runs on). Never throws on a status; a broken connection answers status 0.
 */
export function jsonClient(base: string, token: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(base);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text.length > 0 ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: kept as text for the error report
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (error) => resolve({ status: 0, body: String(error) }));
        },
      );
      req.on('error', (error) => resolve({ status: 0, body: String(error) }));
      if (payload) req.write(payload);
      req.end();
    });
  return { call, close: () => agent.destroy() };
}

/**
 * CPU time a process has used so far, user and system, all its threads, in ms (from /proc, at the kernel's clock
 * tick, 10 ms here); undefined once it is gone. Unlike a profile's samples, which count the wall time a thread spent
 * in a function, this does not grow when the machine is shared and the thread waits for a core.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on Linux for every architecture this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS and VmHWM (peak resident) of a process, in bytes; undefined once it is gone. */
export function residentMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory every `everyMs` until stopped; answers the peak seen and the kernel's VmHWM. */
export function sampleMemory(pid: number, everyMs = 200) {
  let peak = 0;
  let hwm = 0;
  const take = () => {
    const m = residentMemory(pid);
    if (!m) return;
    peak = Math.max(peak, m.rss);
    hwm = Math.max(hwm, m.hwm);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    /** The peak since the last reset (VmHWM is the process's whole life). */
    reset: () => {
      peak = 0;
      take();
    },
    read: () => {
      take();
      return { peak, hwm };
    },
    stop: () => clearInterval(timer),
  };
}
