import { join } from 'node:path';
import { runLedgerCli } from '../../apps/cli/src/ledger.cli.js';
import { esdbTestServerFor, TEST_STORE } from './test-store.js';

/**
 * The store settings the CLI should follow: the environment's, when it has them; on the jest project
 * `eventstoredb`, the test server the service of the same data directory runs on (see test-store.ts), so a
 * command sees what the service wrote.
 */
async function storeEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['LEDGER_EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING'] as const) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  if (TEST_STORE === 'eventstoredb') {
    const server = await esdbTestServerFor(join(dataDir, 'events.sqlite'));
    return { ...env, LEDGER_EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: server.connectionString };
  }
  return env;
}

/** Runs the `ledger` CLI against a data directory, capturing what it writes and its exit code. */
export function cliRunner(dataDir: () => string) {
  return async (args: string[], { env = {}, interactive = false }: { env?: NodeJS.ProcessEnv; interactive?: boolean } = {}) => {
    let out = '';
    let err = '';
    const code = await runLedgerCli(args, {
      env: { LEDGER_DATA_DIR: dataDir(), ...(await storeEnv(dataDir())), ...env },
      out: (text) => (out += text),
      err: (text) => (err += text),
      interactive,
    });
    return { code, out, err };
  };
}
