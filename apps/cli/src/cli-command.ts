import { parseArgs } from 'node:util';

/** Where a command writes, and whether stderr is a terminal (a redrawn progress bar, or a line every few seconds). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  interactive: boolean;
}

/** Exit codes of every `ledger` command. */
export const EXIT = {
  /** Done; or the verification passed. */
  ok: 0,
  /** Failed: a verification failed, a configuration problem, a store that cannot be reached, a refused target. */
  failed: 1,
  /** Wrong usage: an unknown command or option, a missing or malformed argument. Nothing was touched. */
  usage: 2,
} as const;

export interface CommandOption {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage, e.g. `<dir>`. */
  value?: string;
  description: string;
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

export interface LedgerCommand {
  /** The words that name it: `verify`, `projections rebuild`. */
  name: string;
  /** What follows the name in the usage line. */
  synopsis: string;
  /** What it does, for `ledger --help` and `ledger <command> --help`. */
  summary: string;
  options: Record<string, CommandOption>;
  /** Positional arguments it takes (their name in the help), if any. */
  positionals?: string;
  run(options: ParsedOptions, positionals: string[], io: CliIo): Promise<number>;
}

/** Wrong usage found by a command after parsing (a missing option, a malformed value): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function usageLine(command: LedgerCommand): string {
  return `ledger ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`;
}

export function commandHelp(command: LedgerCommand): string {
  const options = Object.entries(command.options).map(([name, option]) => [`--${name}${option.value ? ` ${option.value}` : ''}`, option.description]);
  options.push(['--help, -h', 'show this help']);
  const width = Math.max(...options.map(([flag]) => flag.length)) + 2;
  return (
    `Usage: ${usageLine(command)}\n\n${wrap(command.summary, 2)}\n\nOptions:\n` +
    options.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`).join('\n') +
    '\n'
  );
}

/** Whether the arguments ask for help (before anything else is checked, so a wrong option still gets help). */
export function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/**
 * Node's `util.parseArgs`, strictly: unknown options, a missing value, a value that looks like an option,
 * positionals the command does not take, and an option given twice are usage errors.
 */
export function parseCommandArgs(command: LedgerCommand, args: string[]): { options: ParsedOptions; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(command.options).map(([name, option]) => [name, { type: option.type }])),
      allowPositionals: command.positionals !== undefined,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    // parseArgs's messages are good but run over several lines; the first says what is wrong.
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice`);
    seen.add(token.name);
    if (token.value === '') throw new UsageError(`--${token.name} needs a value`);
  }
  return { options: parsed.values as ParsedOptions, positionals: parsed.positionals };
}

function wrap(text: string, indent: number): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + word.length + 1 > 100 - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}
