import { runLedgerCli } from './ledger.cli.js';

try {
  process.exitCode = await runLedgerCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: Boolean(process.stderr.isTTY),
  });
} catch (error) {
  // runLedgerCli answers every failure itself; this is the last line of defence against a stack trace.
  process.stderr.write(`ledger failed: ${String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exitCode = 1;
}
