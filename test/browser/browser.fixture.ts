/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../bench/chromium.bench-support.js';

const require = createRequire(import.meta.url);
const root = process.cwd();
export const OUTPUT_DIR = join(root, 'test-output', 'browser');

/** The dashboard as `npm run build` makes it; built here when a test run finds none (a fresh clone). */
export function ensureDashboardBuilt(): void {
  if (existsSync(join(root, 'dist', 'dashboard', 'index.html'))) return;
  execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--config', 'apps/dashboard/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}

function chromiumPath(): string {
  const found = findChromium();
  if (found === undefined) throw new Error('Debian chromium is not installed: apt-get install -y chromium (.ci/run does this)');
  return found;
}

/** Debian's chromium, headless, with the flags the toolchain notes list for root on these machines. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Every page records the CSP violations it meets, so a test can prove the page works under its own policy. */
export async function newPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ baseURL, timezoneId: 'UTC', locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page, cspViolations };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core run inside the page. It is evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the page keeps its real policy while it is checked.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
