import { ConfigurationError } from '@app/event-store';
import { PROJECTIONS } from '@app/reporting';
import { grantAdminCommand } from './access.command.js';
import { auditExportCommand, verifyCommand } from './audit.command.js';
import { backupCommand, restoreCommand } from './backup.command.js';
import { asksForHelp, commandHelp, EXIT, parseCommandArgs, UsageError, usageLine, type CliIo, type LedgerCommand } from './cli-command.js';
import { ledgerVersion } from './ledger-version.js';
import { importCommand } from './import.command.js';
import { migrateCommand } from './migrate.command.js';
import { projectionsRebuildCommand, projectionsStatusCommand } from './projections.command.js';
import { replayCommand } from './replay.command.js';

export type { CliIo } from './cli-command.js';

export const COMMANDS: readonly LedgerCommand[] = [
  projectionsStatusCommand,
  projectionsRebuildCommand,
  verifyCommand,
  auditExportCommand,
  replayCommand,
  grantAdminCommand,
  backupCommand,
  restoreCommand,
  migrateCommand,
  importCommand,
];

const USAGE = `Usage: ledger <command> [options]
       ledger <command> --help
       ledger --version

${COMMANDS.map((command) => `  ${usageLine(command).slice('ledger '.length)}\n${indent(command.summary)}`).join('\n')}

Projections: ${PROJECTIONS.map((p) => p.name).join(', ')}
Configuration comes from the same variables as the service: LEDGER_EVENT_STORE, LEDGER_DATA_DIR,
EVENTSTORE_CONNECTION_STRING.
Exit codes: 0 done (or verified), 1 failed (a verification failed, a configuration problem, a store that cannot
be reached, a refused target), 2 wrong usage (nothing was touched).
`;

/** The `ledger` command line; answers an exit code (EXIT: 0 done, 1 failed, 2 wrong usage). */
export async function runLedgerCli(args: string[], io: CliIo): Promise<number> {
  const [first] = args;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    io.out(USAGE);
    return first ? EXIT.ok : EXIT.usage;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.out(`ledger ${ledgerVersion()}\n`);
    return EXIT.ok;
  }
  const command = findCommand(args);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0 && args.length === 2 && asksForHelp(args.slice(1))) {
      io.out(group.map(commandHelp).join('\n'));
      return EXIT.ok;
    }
    io.err(`Unknown command "${args.join(' ')}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  const rest = args.slice(command.name.split(' ').length);
  if (asksForHelp(rest)) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const { options, positionals } = parseCommandArgs(command, rest);
    return await command.run(options, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\nUsage: ${usageLine(command)}\n(ledger ${command.name} --help says more)\n`);
      return EXIT.usage;
    }
    io.err(`${oneLine(error)}\n`);
    return EXIT.failed;
  }
}

function findCommand(args: string[]): LedgerCommand | undefined {
  return COMMANDS.find((command) => {
    const words = command.name.split(' ');
    return words.every((word, index) => args[index] === word);
  });
}

/**
 * A failure as one line, never a stack trace: a configuration problem names the variable and what it
 * accepts; anything else says the command failed and why.
 */
function oneLine(error: unknown): string {
  if (error instanceof ConfigurationError) return `Invalid configuration: ${error.problems.join('; ')}`;
  const message = error instanceof Error ? error.message : String(error);
  return `ledger failed: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
}

function indent(text: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + word.length + 1 > 96) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `      ${l}`).join('\n');
}
