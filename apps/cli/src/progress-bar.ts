import type { CliIo } from './cli-command.js';

export interface ProgressState {
  /** 0 to 1. */
  fraction: number;
  /** What is counted so far, e.g. events read. */
  count: number;
  /** Counted per second. */
  perSecond: number;
  secondsLeft: number | null;
}

export interface ProgressBar {
  /** Draws the bar: `[#####.....]  50%  1,000 events  2,000 events/s  1 s left`. */
  show(state: ProgressState): void;
  /** Draws a line of words in the bar's place (a phase without a count: "swapping ..."). */
  say(text: string): void;
  /** Clears a redrawn bar from the terminal; on a pipe there is nothing to clear. */
  done(): void;
  /** How often a caller should report: often on a terminal, every two seconds on a pipe (a log file). */
  readonly intervalMs: number;
}

const WIDTH = 30;

/**
 * The one progress display of every `ledger` command, on stderr: redrawn in place on a terminal, whole lines
 * (no carriage returns or escape codes) otherwise, so a log file stays readable.
 */
export function progressBar(io: CliIo, unit: string): ProgressBar {
  let drawn = false;
  const draw = (line: string) => {
    drawn = true;
    io.err(io.interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  return {
    intervalMs: io.interactive ? 200 : 2_000,
    show({ fraction, count, perSecond, secondsLeft }) {
      const clamped = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(clamped * WIDTH);
      const left = secondsLeft === null ? '?' : `${Math.ceil(secondsLeft)} s`;
      draw(
        `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%  ` +
          `${count.toLocaleString('en')} ${unit}  ${Math.round(perSecond).toLocaleString('en')} ${unit.split(' ')[0]}/s  ${left} left`,
      );
    },
    say: draw,
    done() {
      if (drawn && io.interactive) io.err('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** Progress against the log's head position, as the store's walks report it. */
export function fractionOf(position: number, headPosition: number): number {
  return headPosition > 0 ? Math.min(1, position / headPosition) : 1;
}
