import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fresh scratch directory for one benchmark run, under `LEDGER_BENCH_DIR` or `./data`. The parent is
 * created first: a fresh clone has no `./data`, and the README promises `npm run bench` works there.
 */
export function benchScratchDir(prefix: string): string {
  const parent = process.env.LEDGER_BENCH_DIR ?? join(process.cwd(), 'data');
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(parent, prefix));
}
