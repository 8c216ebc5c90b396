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
  /**
   * Stops the server (SIGTERM, then SIGKILL if it has not exited within 5 s). Rejects if the server had
   * died on its own before: the test's answers may then be from a server that was gone.
   */
  close(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONNECTION_LINE = /^EVENTSTORE_CONNECTION_STRING=(\S+)$/m;
/** What is kept of the server's output for an error message. */
const OUTPUT_KEPT = 4_096;

export function startEsdbTestServerProcess(options: { systemEvents?: boolean; startTimeoutMs?: number } = {}): Promise<EsdbTestServerProcess> {
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'test/esdb/esdb-test-server.main.ts'),
    '--port',
    '0',
    // Its standard input is a pipe from this process: if this process dies without closing it (a killed jest
    // worker), the server stops instead of living on with its log in memory.
    '--exit-with-stdin',
    ...(options.systemEvents === false ? [] : ['--system-events']),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  let diedOnItsOwn: string | undefined;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the EventStoreDB test server did not start within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onEarlyExit = (code: number | null) => fail(new Error(`the EventStoreDB test server exited (${code}) before it listened:\n${output}`));
    child.once('exit', onEarlyExit);
    child.once('error', fail);
    child.stderr!.on('data', keep);
    let listening = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (listening) return;
      const match = CONNECTION_LINE.exec(output);
      if (!match) return;
      listening = true;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      let closing = false;
      child.once('exit', (code, signal) => {
        if (!closing) diedOnItsOwn = `the EventStoreDB test server exited on its own (${code ?? signal}):\n${output}`;
      });
      resolve({
        connectionString: match[1],
        close: async () => {
          closing = true;
          await stop(child);
          if (diedOnItsOwn) throw new Error(diedOnItsOwn);
        },
      });
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
