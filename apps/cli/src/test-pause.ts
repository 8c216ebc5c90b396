import { ConfigurationError } from '@app/event-store';

/**
 * `LEDGER_TEST_PAUSE_MS`: a pause in the middle of a long command (a backup, once the log is copied; a migration,
 * after each append), so a test can kill the command half-way. Refused outside the test suite (NODE_ENV=test), where it
 * could only make an operator's backup slower.
 */
export function testPauseMs(env: NodeJS.ProcessEnv): number {
  const raw = env.LEDGER_TEST_PAUSE_MS?.trim();
  if (!raw) return 0;
  if (env.NODE_ENV !== 'test') {
    throw new ConfigurationError(['LEDGER_TEST_PAUSE_MS slows commands down for the test suite only (with NODE_ENV=test); unset it']);
  }
  const value = Number(raw);
  if (!/^[0-9]{1,6}$/.test(raw) || value > 600_000) {
    throw new ConfigurationError([`LEDGER_TEST_PAUSE_MS must be a whole number of milliseconds up to 600000 (got "${raw.slice(0, 40)}")`]);
  }
  return value;
}

export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
