import { runLedgerCli } from '../../apps/cli/src/ledger.cli.js';

/** Runs the `ledger` CLI against a data directory, capturing what it writes and its exit code. */
export function cliRunner(dataDir: () => string) {
  return async (args: string[], { env = {}, interactive = false }: { env?: NodeJS.ProcessEnv; interactive?: boolean } = {}) => {
    let out = '';
    let err = '';
    const code = await runLedgerCli(args, {
      env: { LEDGER_DATA_DIR: dataDir(), ...env },
      out: (text) => (out += text),
      err: (text) => (err += text),
      interactive,
    });
    return { code, out, err };
  };
}
