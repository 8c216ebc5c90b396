/// <reference lib="dom" />
import { jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { API_KEY, startApi, type ApiFixture } from '../support/api-fixture.js';
import { ensureDashboardBuilt, launchChromium, newPage, screenshot, seriousAccessibilityViolations } from './browser.fixture.js';
import { companies, creatives, emailOf, recordCrossInnovationChallenge, type Scenario } from '../support/cross-innovation.scenario.js';

/**
 * The dashboard in real headless Chromium against the real service on 127.0.0.1, after the first Cross
 * Innovation Challenge was recorded through the API. Every figure on a page is compared with the API's answer
 * to the same query; every wait is for a condition, never for a time.
 */
jest.setTimeout(180_000);

type Figure = { code: string; name: string; value: number };

describe('dashboard in the browser', () => {
  let api: ApiFixture;
  let browser: Browser;
  let baseURL: string;
  let scenario: Scenario;
  const tokens: Record<'viewer' | 'auditor' | 'revocable' | 'staff', { id: string; token: string }> = {} as never;

  beforeAll(async () => {
    ensureDashboardBuilt();
    api = await startApi();
    baseURL = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    scenario = await recordCrossInnovationChallenge(api);
    for (const [key, body] of [
      ['viewer', { name: 'Läsare i styrgruppen', role: 'viewer', projectIds: [scenario.projectId] }],
      ['auditor', { name: 'Revisor', role: 'auditor' }],
      ['revocable', { name: 'Tillfällig', role: 'admin' }],
      ['staff', { name: 'Projektledare', role: 'staff', projectIds: [scenario.projectId] }],
    ] as const) {
      const granted = await api.post('/api/access/tokens', body).expect(201);
      tokens[key] = { id: granted.body.id, token: granted.body.token };
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const figuresFromApi = async (query: string, lang = 'en'): Promise<Figure[]> =>
    (await api.get(`/api/projects/${scenario.projectId}/indicators?lang=${lang}${query ? `&${query}` : ''}`).expect(200)).body.indicators;

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto('/');
    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByRole('button', { name: /Sign in|Logga in/ }).click();
    await page.locator('[data-session-role]').waitFor();
  }

  /** Waits until every card shows exactly the API's value, and answers what the page shows. */
  async function waitForCards(page: Page, expected: Figure[]): Promise<Record<string, string | null>> {
    const want = Object.fromEntries(expected.map((f) => [f.code, String(f.value)]));
    const read = () =>
      page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('main [data-indicator]')].map((card) => [card.getAttribute('data-indicator'), card.querySelector('[data-value]')?.getAttribute('data-value') ?? null]),
        ),
      );
    try {
      await page.waitForFunction(
        (want: Record<string, string>) => {
          const cards = [...document.querySelectorAll('main [data-indicator]')];
          return (
            cards.length === Object.keys(want).length &&
            cards.every((card) => card.querySelector('[data-value]')?.getAttribute('data-value') === want[card.getAttribute('data-indicator') ?? ''])
          );
        },
        want,
        { timeout: 30_000 },
      );
    } catch (error) {
      // Show the difference, not only the timeout.
      expect(await read()).toEqual(want);
      throw error;
    }
    return read();
  }

  it('signs in with a pasted token, shows who and which role, keeps the token out of the URL, and signs out', async () => {
    const { context, page, cspViolations } = await newPage(browser, baseURL);
    await page.goto('/');
    await page.getByLabel('Token', { exact: true }).fill('not-a-valid-token-at-all-1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-sign-in-message]').waitFor();
    expect(await page.locator('[data-sign-in-message]').textContent()).toMatch(/not valid/);

    await signIn(page, tokens.auditor.token);
    expect(await page.locator('[data-session-role]').getAttribute('data-session-role')).toBe('auditor');
    expect(await page.locator('[data-session-actor]').textContent()).toBe(`token:${tokens.auditor.id}`);
    await page.locator(`[data-project="${scenario.projectId}"]`).waitFor();
    expect(page.url()).not.toContain(tokens.auditor.token);
    expect(await page.evaluate(() => sessionStorage.getItem('programme-ledger.token'))).toBe(tokens.auditor.token);
    expect(await page.evaluate(() => localStorage.getItem('programme-ledger.token'))).toBeNull();
    await screenshot(page, 'projects-signed-in');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token', { exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('programme-ledger.token'))).toBeNull();
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('returns to sign-in with a message when the API answers 401 (a token revoked mid-session)', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, tokens.revocable.token);
    await api.post(`/api/access/tokens/${tokens.revocable.id}/revocation`, { reason: 'Lämnat projektet' }).expect(200);
    // The next call to the API (here: the reload's check of the session) is refused.
    await page.reload();
    await page.locator('[data-sign-in-message]').waitFor();
    expect(await page.locator('[data-sign-in-message]').textContent()).toMatch(/sign in again.*revoked/i);
    await screenshot(page, 'sign-in-after-401');
    await context.close();
  });

  it("shows the API's figure on every card, for the whole project and for a half-year", async () => {
    const { context, page, cspViolations } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    await page.goto(`/#/projects/${scenario.projectId}`);
    const whole = await figuresFromApi('');
    expect(whole.find((f) => f.code === 'participants')!.value).toBe(14);
    const shown = await waitForCards(page, whole);
    expect(Object.keys(shown)).toHaveLength(whole.length);
    await screenshot(page, 'project-whole');

    // The period selector, by its accessible name, as a keyboard or screen-reader user would find it.
    await page.getByLabel('Reporting period').selectOption({ label: '2023 H2' });
    const half = await figuresFromApi('from=2023-07-01&to=2023-12-31');
    expect(half.find((f) => f.code === 'participants')!.value).toBe(13);
    await waitForCards(page, half);
    expect(page.url()).toContain('from=2023-07-01');
    await screenshot(page, 'project-2023-H2');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('says so and retries when the API answers 503, showing no figure until it is current', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    let refused = 0;
    let release = false;
    await page.route(`**/api/projects/${scenario.projectId}/indicators?*`, async (route) => {
      if (release) return route.continue();
      refused++;
      return route.fulfill({
        status: 503,
        headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'Read models are rebuilding' }),
      });
    });
    await page.goto(`/#/projects/${scenario.projectId}`);
    await page.locator('[data-state="not-ready"]').first().waitFor();
    expect(await page.locator('main [data-value]').count()).toBe(0);
    await screenshot(page, 'project-503');
    // It keeps asking (Retry-After), and shows the figures once the API answers them.
    while (refused < 2) await page.waitForRequest(`**/api/projects/${scenario.projectId}/indicators?*`);
    release = true;
    await waitForCards(page, await figuresFromApi(''));
    // The trend chart retries on its own timer; it too ends up current.
    await page.locator('[data-state="not-ready"]').first().waitFor({ state: 'detached' });
    await page.locator('#trend-title ~ .chart-box canvas').waitFor();
    await context.close();
  });

  it('lists exactly the enterprises smes-reached counted, each with its event and a link to its history', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, tokens.auditor.token);
    await page.goto(`/#/projects/${scenario.projectId}`);
    await page.locator('[data-evidence-button="smes-reached"]').click();
    const rows = page.locator('[data-evidence="smes-reached"] [data-evidence-item]');
    await page.locator('[data-evidence="smes-reached"] [data-entity-name]').nth(companies.length - 1).waitFor();
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-evidence-item')));
    expect([...new Set(keys)].sort()).toEqual([...scenario.organisationIds].sort());
    const apiEvidence = (await api.get(`/api/projects/${scenario.projectId}/indicators/smes-reached/evidence`).expect(200)).body;
    expect(new Set(keys)).toEqual(new Set(apiEvidence.items.map((i: { key: string }) => i.key)));
    const names = await page.locator('[data-evidence="smes-reached"] [data-entity-name]').allTextContents();
    expect([...new Set(names)].sort()).toEqual(companies.map((c) => c.name).sort());
    // Each count with the event that made it: here the support recorded for the enterprise.
    const types = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-event-type]')?.getAttribute('data-event-type')));
    expect(types).toEqual(apiEvidence.items.map((i: { event: { type: string } }) => i.event.type));
    expect(new Set(types)).toEqual(new Set(['EnterpriseSupportRecorded']));
    await screenshot(page, 'evidence-smes-reached');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // From a count to the entity's history: who recorded what, when, and why.
    await page.locator(`.modal a[href="#/history/organisation-${scenario.organisationIds[0]}"]`).click();
    await page.locator(`[data-history="organisation-${scenario.organisationIds[0]}"] [data-event-position]`).first().waitFor();
    expect(await page.locator('[data-history] tbody tr td:nth-child(2)').first().textContent()).toBe('OrganisationRegistered');
    const history = (await api.get(`/api/streams/organisation-${scenario.organisationIds[0]}/events`).expect(200)).body;
    expect(await page.locator('[data-history] tbody tr td:nth-child(4)').first().textContent()).toBe(history.events[0].metadata.actor);
    await screenshot(page, 'history-organisation');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows staff (no log:read) the names and events in the evidence, and the history through the project', async () => {
    const { context, page } = await newPage(browser, baseURL);
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 403) refused.push(response.url());
    });
    await signIn(page, tokens.staff.token);
    await page.goto(`/#/projects/${scenario.projectId}`);
    await page.locator('[data-evidence-button="participants"]').click();
    const rows = page.locator('[data-evidence="participants"] [data-evidence-item]');
    await page.locator('[data-evidence="participants"] [data-entity-name]', { hasText: 'Elin Åkesson' }).waitFor();
    expect(await rows.count()).toBe(14);
    const names = await page.locator('[data-evidence="participants"] [data-entity-name]').allTextContents();
    expect(names).toEqual(expect.arrayContaining(creatives.map(([name]) => name)));
    const types = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-event-type]')?.getAttribute('data-event-type')));
    expect(new Set(types)).toEqual(new Set(['ParticipantRegistered']));
    await screenshot(page, 'staff-evidence-participants');

    // The history link goes through the project's history, which staff may read; the log's they may not.
    const first = scenario.participantIds[0];
    await page.locator(`.modal a[href="#/projects/${scenario.projectId}/history/participant-${first}"]`).click();
    await page.locator(`[data-history="participant-${first}"] [data-event-position]`).first().waitFor();
    expect(await page.locator('[data-history] tbody tr td:nth-child(2)').first().textContent()).toBe('ParticipantRegistered');
    await screenshot(page, 'staff-history-participant');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });

  /**
   * Loads `hash` as a fresh document (after about:blank, the token still in the tab's sessionStorage), so that
   * every call counted is the page's own and none is left over from the page before, and answers the API calls
   * it made once `shown` resolved and the network went quiet: each path with how many times it was asked and how
   * many of those the API answered 503 (read models catching up), which the page must ask again.
   */
  async function callsOfFreshLoad(page: Page, hash: string, shown: () => Promise<unknown>): Promise<Record<string, { asked: number; notReady: number }>> {
    const calls: Record<string, { asked: number; notReady: number }> = {};
    const path = (url: string) => new URL(url).pathname;
    const onRequest = (request: { url(): string }) => {
      if (!request.url().includes('/api/')) return;
      (calls[path(request.url())] ??= { asked: 0, notReady: 0 }).asked++;
    };
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().includes('/api/') && response.status() === 503) calls[path(response.url())].notReady++;
    };
    await page.goto('about:blank');
    page.on('request', onRequest);
    page.on('response', onResponse);
    try {
      await page.goto(`/${hash}`);
      await shown();
      await page.waitForLoadState('networkidle');
    } finally {
      page.off('request', onRequest);
      page.off('response', onResponse);
    }
    return calls;
  }

  /** Each path asked exactly once, plus once more for each 503 the API answered it. */
  const askedOnceEach = (calls: Record<string, { asked: number; notReady: number }>) =>
    Object.fromEntries(Object.entries(calls).map(([path, { asked, notReady }]) => [path, asked - notReady]));

  it('shows the programme table from one call, with the API figures, and only their own projects to staff', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    const calls = await callsOfFreshLoad(page, '#/programme', async () => {
      await page.locator(`tr[data-project="${scenario.otherProjectId}"] [data-value]`).first().waitFor();
      await page.locator('main [data-indicator] [data-value]').first().waitFor();
    });
    // The session check of a fresh load, the figures across projects, and the whole table in one call: nothing
    // per project, nothing twice.
    expect(askedOnceEach(calls)).toEqual({ '/api/session': 1, '/api/indicators': 1, '/api/indicators/by-project': 1 });

    const byProject = (await api.get('/api/indicators/by-project?limit=500').expect(200)).body;
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('main tr[data-project]')].map((row) => ({
        id: row.getAttribute('data-project'),
        values: [...row.querySelectorAll('[data-indicator-value]')].map((cell) => [cell.getAttribute('data-indicator-value'), cell.querySelector('[data-value]')?.getAttribute('data-value')]),
      })),
    );
    expect(shown).toEqual(
      byProject.items.map((row: { id: string; indicators: Figure[] }) => ({
        id: row.id,
        values: byProject.main.map((code: string) => [code, String(row.indicators.find((f) => f.code === code)!.value)]),
      })),
    );
    const own = await figuresFromApi('');
    expect(shown.find((row) => row.id === scenario.projectId)!.values).toEqual(byProject.main.map((code: string) => [code, String(own.find((f) => f.code === code)!.value)]));
    const programme = (await api.get('/api/indicators?lang=en').expect(200)).body.indicators as Figure[];
    const cards = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('main [data-indicator]')].map((card) => [card.getAttribute('data-indicator'), card.querySelector('[data-value]')?.getAttribute('data-value')])),
    );
    expect(cards).toEqual(Object.fromEntries(programme.map((f) => [f.code, String(f.value)])));
    await screenshot(page, 'programme-admin');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, tokens.staff.token);
    // Staff have no programme-wide figures to ask for: the table of their own projects only.
    const staffCalls = await callsOfFreshLoad(page, '#/programme', () => page.locator(`tr[data-project="${scenario.projectId}"] [data-value]`).first().waitFor());
    expect(askedOnceEach(staffCalls)).toEqual({ '/api/session': 1, '/api/indicators/by-project': 1 });
    expect(await page.locator('main tr[data-project]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-project')))).toEqual([scenario.projectId]);
    await screenshot(page, 'programme-staff');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows the figures as recorded before a correction, and the corrected figure now', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    // Everything so far was recorded before the next whole second; the correction comes after it.
    const recordedBy = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000);
    while (Date.now() <= recordedBy.getTime() + 20) await new Promise((resolve) => setImmediate(resolve));
    await api.post(`/api/organisations/${scenario.organisationIds[3]}/reclassification`, { sizeClass: 'large', reason: 'Fel storleksklass vid registrering' }).expect(200);

    const before = await figuresFromApi(`asOf=${recordedBy.toISOString()}`);
    const now = await figuresFromApi('');
    expect(before.find((f) => f.code === 'smes-reached')!.value).toBe(4);
    expect(now.find((f) => f.code === 'smes-reached')!.value).toBe(3);

    await page.goto(`/#/projects/${scenario.projectId}`);
    await waitForCards(page, now);
    await page.getByLabel('As recorded on', { exact: true }).fill(recordedBy.toISOString().slice(0, 19));
    await page.getByRole('form', { name: 'Show the figures as they stood at this moment of recording' }).getByRole('button', { name: 'Apply' }).click();
    await waitForCards(page, before);
    const banner = page.locator('[data-as-of]');
    await banner.waitFor();
    expect(await banner.getAttribute('data-as-of')).toBe(recordedBy.toISOString());
    expect(await banner.textContent()).toMatch(/As recorded on .*not today's/);
    await screenshot(page, 'project-as-of-before-correction');

    await page.getByRole('button', { name: 'Show current figures' }).click();
    await waitForCards(page, now);
    expect(await page.locator('[data-as-of]').count()).toBe(0);
    await context.close();
  });

  it('switches to Swedish: indicator names from the catalogue, numbers and dates in Swedish', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    await page.goto(`/#/projects/${scenario.projectId}`);
    await waitForCards(page, await figuresFromApi(''));
    await page.getByLabel('Language').selectOption('sv');
    const catalogue = (await api.get('/api/indicators/catalogue').expect(200)).body as { code: string; name: { en: string; sv: string } }[];
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    for (const { code, name } of catalogue) {
      await page.locator(`main [data-indicator="${code}"] h3`, { hasText: name.sv }).waitFor();
    }
    expect(await page.locator('main [data-indicator="smes-reached"] h3').textContent()).toContain('Små och medelstora företag som nåtts');
    expect(await page.getByLabel('Rapportperiod').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('1 jan. 2023');
    await screenshot(page, 'project-swedish');
    await page.getByLabel('Språk').selectOption('en');
    await context.close();
  });

  it("gives a viewer a page with no name, e-mail or phone anywhere in its DOM (an admin's holds them)", async () => {
    const personal = [...creatives.map(([name]) => name), ...creatives.map(([name]) => emailOf(name)), 'Greta Sundin', 'greta@example.se', '+46 70 123 45 67'];
    const domAfterOpeningParticipantsEvidence = async (token: string) => {
      const { context, page } = await newPage(browser, baseURL);
      await signIn(page, token);
      await page.goto(`/#/projects/${scenario.projectId}`);
      await waitForCards(page, await figuresFromApi(''));
      await page.locator('[data-evidence-button="participants"]').click();
      await page.locator('[data-evidence="participants"] [data-evidence-item]').first().waitFor();
      // Every row has had its chance to load what the caller may see.
      await page.waitForFunction(() => document.querySelectorAll('[data-evidence="participants"] [data-evidence-item]').length === 14);
      await page.locator('.modal [role="status"]').waitFor({ state: 'detached' });
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      return { context, page, html };
    };

    const admin = await domAfterOpeningParticipantsEvidence(API_KEY);
    await admin.page.locator('[data-evidence="participants"] [data-entity-name]', { hasText: 'Elin Åkesson' }).waitFor();
    expect((await admin.page.evaluate(() => document.documentElement.outerHTML)).includes('Elin Åkesson')).toBe(true);
    await admin.context.close();

    const viewer = await domAfterOpeningParticipantsEvidence(tokens.viewer.token);
    expect(await viewer.page.locator('[data-session-role]').getAttribute('data-session-role')).toBe('viewer');
    await screenshot(viewer.page, 'viewer-evidence-participants');
    expect(personal.filter((text) => viewer.html.includes(text))).toEqual([]);
    expect(viewer.html).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    // A viewer reads neither the log nor the project's history: the evidence offers no link to either.
    expect(await viewer.page.locator('.modal a[href*="history"]').count()).toBe(0);
    await viewer.context.close();
  });

  it('shows submitted reports with their verification, and lets an auditor record one', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, tokens.auditor.token);
    await page.goto(`/#/projects/${scenario.projectId}`);
    const row = page.locator(`[data-report="${scenario.reportId}"]`);
    await row.locator('[data-verification]').waitFor();
    expect(await row.locator('[data-verification]').getAttribute('data-verification')).toBe('match');
    expect(await row.locator('[data-recorded-verifications] li').count()).toBe(0);
    await row.getByRole('button', { name: /Record verification/ }).click();
    await row.locator('[data-recorded-verifications] li').waitFor();
    const report = (await api.get(`/api/reports/${scenario.reportId}`).expect(200)).body;
    expect(report.verifications).toHaveLength(1);
    expect(report.verifications[0].verifiedBy).toBe(`token:${tokens.auditor.id}`);
    await screenshot(page, 'reports-verified');
    await context.close();
  });

  it('has a print view of the figures for a period, on A4', async () => {
    const { context, page } = await newPage(browser, baseURL);
    await signIn(page, API_KEY);
    await page.goto(`/#/projects/${scenario.projectId}/print?period=2023-H2&from=2023-07-01&to=2023-12-31`);
    const half = await figuresFromApi('from=2023-07-01&to=2023-12-31');
    await waitForCards(page, half);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'print-2023-H2');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await context.close();
  });

  it('passes axe (no serious or critical violation) on every page', async () => {
    const { context, page, cspViolations } = await newPage(browser, baseURL);
    const check = async (name: string) => {
      const violations = await seriousAccessibilityViolations(page);
      await screenshot(page, `axe-${name}`);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    };
    await page.goto('/');
    await page.getByLabel('Token', { exact: true }).waitFor();
    await check('sign-in');
    await signIn(page, API_KEY);
    await page.locator(`[data-project="${scenario.projectId}"] .progress`).first().waitFor();
    await check('projects');
    await page.goto(`/#/projects/${scenario.projectId}`);
    await waitForCards(page, await figuresFromApi(''));
    await page.locator('#trend-title ~ .chart-box canvas').waitFor();
    await page.locator('[data-verification]').first().waitFor();
    await check('project');
    await page.goto(`/#/programme`);
    await page.locator('main [data-indicator]').first().waitFor();
    await page.locator(`tr[data-project="${scenario.projectId}"] [data-value]`).first().waitFor();
    await check('programme');
    await page.goto(`/#/projects/${scenario.projectId}/print`);
    await page.locator('main [data-indicator]').first().waitFor();
    await check('print');
    await page.goto(`/#/history/project-${scenario.projectId}`);
    await page.locator('[data-event-position]').first().waitFor();
    await check('history');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('serves the page without a token under its own CSP, caches hashed assets for good, and keeps the API closed', async () => {
    const page = await fetch(`${baseURL}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${baseURL}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const session = await fetch(`${baseURL}/api/session`);
    expect(session.status).toBe(401);
    expect(session.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const unknown = await fetch(`${baseURL}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
