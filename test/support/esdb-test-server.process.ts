/**
 * The wire-level EventStoreDB test server in a process of its own (`test/esdb/esdb-test-server.main.ts` under
 * tsx), for tests whose load would otherwise share one event loop with the server: a real EventStoreDB never
 * competes with the service for its thread, and the in-process server does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EsdbTestServerProcess {
  connectionString: string;
  /** Stops the server (SIGTERM, then SIGKILL if it has not exited within 5 s). */
  close(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONNECTION_LINE = /^EVENTSTORE_CONNECTION_STRING=(\S+)$/m;

export function startEsdbTestServerProcess(options: { systemEvents?: boolean; startTimeoutMs?: number } = {}): Promise<EsdbTestServerProcess> {
  const args = ['--import', 'tsx', join(ROOT, 'test/esdb/esdb-test-server.main.ts'), '--port', '0', ...(options.systemEvents === false ? [] : ['--system-events'])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the EventStoreDB test server did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)), options.startTimeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onExit = (code: number | null) => fail(new Error(`the EventStoreDB test server exited (${code}) before it listened:\n${output}`));
    child.once('exit', onExit);
    child.once('error', fail);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = CONNECTION_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ connectionString: match[1], close: () => stop(child) });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
