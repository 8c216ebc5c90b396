/**
 * `npm run bench` (dashboard part): how soon the dashboard shows its figures on the benchmark's 1M-event
 * programme, measured in real headless Chromium (Debian's, driven by playwright-core) against the built
 * service started on that data on 127.0.0.1. It prints p50/p95 beside the targets (project page 1 s, programme
 * page 2 s) and never fails on them, because these machines are noisy.
 *
 * Each navigation is a fresh load of the page (after about:blank), timed inside the page from the start of the
 * navigation (`performance.now()`, whose origin is the navigation's start) until every figure is on it:
 * - project page: every indicator card holds its `data-value`;
 * - programme page: every card, and every project's row of main figures.
 * Assets come from the browser's cache after the first load, as they do for a person who opens it daily.
 *
 * Needs `npm run build` (the API and the dashboard). LEDGER_BENCH_SCALE=0.1 runs a tenth of the programme;
 * LEDGER_BENCH_NAVIGATIONS sets the loads per page (default 10); LEDGER_BENCH_DATA=<dir> keeps the generated
 * programme there and reuses it on the next run (generation and rebuild take minutes at full scale).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { fmt, percentile, prepareProgramme, scaleFactor } from './programme-data.bench-support.js';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { CHROMIUM_ARGS, findChromium } from './chromium.bench-support.js';
import { BENCH_ADMIN_TOKEN as ADMIN_TOKEN, startService, type RunningService } from './service-process.bench-support.js';

const NAVIGATIONS = Number(process.env.LEDGER_BENCH_NAVIGATIONS ?? 10);
const kept = process.env.LEDGER_BENCH_DATA?.trim();

/** The page's document, typed as far as the checks below need it (the build has no DOM types). */
type Found = { querySelector(selector: string): unknown; querySelectorAll(selector: string): { length: number } };
type PageDocument = { querySelectorAll(selector: string): ArrayLike<Found> };

/** When each part of a page first showed all its figures (ms from the navigation's start). */
interface Shown {
  cards: number;
  table: number;
}

/**
 * Whether every figure is on the page: every indicator card holds its value, and with `rows`, that many project
 * rows each hold their 4 main figures. Runs in the page at every frame (as a function: the page's CSP forbids
 * eval), noting when each part was first complete, and answers both once the whole page is.
 */
function figuresShown(rows: number): Shown | false {
  const page = globalThis as unknown as { document: PageDocument; shown?: Partial<Shown> };
  const shown = (page.shown ??= {});
  const cards = Array.from(page.document.querySelectorAll('main [data-indicator]'));
  if (shown.cards === undefined && cards.length > 0 && cards.every((card) => card.querySelector('[data-value]'))) shown.cards = performance.now();
  const projects = Array.from(page.document.querySelectorAll('main tr[data-project]'));
  if (shown.table === undefined && (rows === 0 || (projects.length === rows && projects.every((row) => row.querySelectorAll('[data-value]').length === 4)))) {
    shown.table = performance.now();
  }
  return shown.cards !== undefined && shown.table !== undefined ? { cards: shown.cards, table: shown.table } : false;
}

/** Loads `url` afresh and answers when its figures showed. */
async function timeLoad(page: Page, url: string, rows = 0): Promise<Shown> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(figuresShown, rows, { polling: 'raf', timeout: 120_000 });
  return (await handle.jsonValue()) as Shown;
}

// Debian's chromium, as the browser tests use it (.ci/run installs it); without it this bench says so and measures
// nothing, rather than failing `npm run bench` after the other benches on a machine that has none.
if (process.env.CHROMIUM_PATH && !existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH ${process.env.CHROMIUM_PATH} does not exist`);
const chromiumPath = findChromium();
if (chromiumPath === undefined) {
  console.log('Programme Ledger dashboard benchmark: skipped, Debian chromium is not installed (apt-get install -y chromium, as .ci/run does; or CHROMIUM_PATH)');
  process.exit(0);
}

const dir = kept ? (mkdirSync(kept, { recursive: true, mode: 0o700 }), kept) : benchScratchDir('bench-dashboard-');
let service: RunningService | undefined;
try {
  console.log(`Programme Ledger dashboard benchmark (scale ${scaleFactor}, ${NAVIGATIONS} loads per page, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores), data in ${dir}`);
  if (kept && existsSync(join(dir, 'reporting.sqlite'))) process.stderr.write('  reusing the programme already in LEDGER_BENCH_DATA\n');
  else await prepareProgramme(dir);

  if (!existsSync(join(process.cwd(), 'dist', 'dashboard', 'index.html'))) throw new Error('dist/dashboard is missing: run npm run build first');
  // The browser's parallel calls are what is measured, not the rate limit.
  const started = await startService({ dataDir: dir, adminToken: ADMIN_TOKEN, env: { LEDGER_RATE_LIMIT_PER_MINUTE: '1000000' } });
  service = started;
  const projects = (await (await fetch(`${started.base}/api/projects?limit=500`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
    items: Array<{ id: string }>;
  };
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const rows: Array<[string, string, string, string]> = [];
  try {
    const context = await browser.newContext({ baseURL: started.base, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Token', { exact: true }).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-session-role]').waitFor({ timeout: 60_000 });

    // One load of each first: the browser caches the hashed assets, SQLite warms its pages.
    await timeLoad(page, `/#/projects/${projects.items[0].id}`);
    await timeLoad(page, '/#/programme', projects.items.length);

    const project: number[] = [];
    for (let i = 0; i < NAVIGATIONS; i++) {
      project.push((await timeLoad(page, `/#/projects/${projects.items[(i * 7 + 1) % projects.items.length].id}`)).cards);
    }
    rows.push(['project page: navigation to every indicator card showing its value', `p95 ${fmt(percentile(project, 95))} ms`, `p50 ${fmt(percentile(project, 50))} ms`, '< 1,000 ms']);
    const programme: Shown[] = [];
    for (let i = 0; i < NAVIGATIONS; i++) programme.push(await timeLoad(page, '/#/programme', projects.items.length));
    const whole = programme.map((shown) => Math.max(shown.cards, shown.table));
    rows.push([`programme page: navigation to every card and all ${projects.items.length} project rows showing figures`, `p95 ${fmt(percentile(whole, 95))} ms`, `p50 ${fmt(percentile(whole, 50))} ms`, '< 2,000 ms']);
    const table = programme.map((shown) => shown.table);
    rows.push(['  of which the table of projects (GET /api/indicators/by-project)', `p95 ${fmt(percentile(table, 95))} ms`, `p50 ${fmt(percentile(table, 50))} ms`, '']);
    const cards = programme.map((shown) => shown.cards);
    rows.push(['  of which the cards across projects (GET /api/indicators)', `p95 ${fmt(percentile(cards, 95))} ms`, `p50 ${fmt(percentile(cards, 50))} ms`, '']);
    await context.close();
  } finally {
    await browser.close();
  }

  console.log('');
  console.log(`${'measure'.padEnd(100)} ${'result'.padStart(16)} ${''.padStart(12)}  target`);
  for (const [name, result, extra, target] of rows) console.log(`${name.padEnd(100)} ${result.padStart(16)} ${extra.padStart(12)}  ${target}`);
} finally {
  await service?.stop();
  if (!kept) rmSync(dir, { recursive: true, force: true });
}
