import { runLedgerCli } from './ledger.cli.js';

process.exitCode = await runLedgerCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
});
