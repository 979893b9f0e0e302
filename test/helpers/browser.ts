import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { App } from '../../api/app';
import { repoRoot } from '../../scripts/lib/tools';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';
import { startSmtpSink } from './smtp';
import type { SmtpSink } from './smtp';
import { bearer, importInventory, startSystem } from './system';
import type { TestSystem } from './system';

/** Debian's Chromium package; `scripts/provision.sh` installs it on CI. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored). */
const SCREENSHOTS_DIR = join(repoRoot, 'test-results', 'screenshots');

/**
 * Whether the browser tests can run here. Outside CI a missing Chromium skips them with a message
 * saying how to enable them; under CI=true it is an error, so a broken CI image cannot hide them.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const how = `Chromium not found at ${CHROMIUM_PATH}; install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH`;
  if (process.env.CI === 'true') throw new Error(`${how}. Browser tests never skip on CI.`);
  console.warn(`browser tests skipped: ${how} to run them.`);
  return false;
}

/** Headless Chromium as the tests use it: no sandbox (containers), no GPU, no background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface ScreenshotOptions {
  /** The whole page rather than what the viewport shows. @default true */
  fullPage?: boolean;
}

/** A screenshot into test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string, options: ScreenshotOptions = {}): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** Starts the API listening on a free local port, for a browser to reach; returns its base URL. */
export async function listenForBrowser(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the API is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * A browser tab of its own (sessionStorage is per context, so each is one person), signed in to the
 * console through its form. Closing the browser closes it.
 */
export async function signedInTab(browser: Browser, base: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`browser error: ${err.message}`));
  await page.goto(`${base}/console`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  return page;
}

/** 'YYYY-MM-DDTHH:mm' in this machine's time zone, which the browser shares: what a datetime-local holds. */
export function localInput(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** Everything a browser test drives: the whole system on real servers, listening, and a Chromium. */
export interface BrowserWorld {
  db: TestDatabase;
  smtp: SmtpSink;
  system: TestSystem;
  browser: Browser;
  /** The API's base URL, e.g. http://127.0.0.1:43210. */
  base: string;
  /** A tab of its own, signed in to the console with `token` (see signedInTab). */
  signIn(token: string): Promise<Page>;
  /** Closes the browser, the system, the SMTP sink, and drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh database, an SMTP sink, the system (`env` as for startSystem) listening on a port, and
 * Chromium: the set-up every console test shares. On a failure half-way, what was started is closed.
 */
export async function startBrowserWorld(env: Record<string, string> = {}): Promise<BrowserWorld> {
  const started: { db?: TestDatabase; smtp?: SmtpSink; system?: TestSystem; browser?: Browser } = {};
  const close = async () => {
    await started.browser?.close();
    await started.system?.stop();
    await started.smtp?.close();
    await started.db?.drop();
  };
  try {
    const db = (started.db = await createTestDatabase());
    const smtp = (started.smtp = await startSmtpSink());
    const system = (started.system = await startSystem(db, smtp.url, env));
    const base = await listenForBrowser(system.app);
    const browser = (started.browser = await launchBrowser());
    return { db, smtp, system, browser, base, signIn: (token) => signedInTab(browser, base, token), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Where a test customer lives: Germany (in German), France (in French) or California. */
export type CustomerPlace = 'de' | 'fr' | 'ca';

const CUSTOMER_OF: Record<CustomerPlace, (i: number) => Record<string, string>> = {
  de: (i) => ({
    externalId: `de${i}`,
    fullName: `Dora ${i}`,
    email: `de${i}@example.de`,
    locale: 'de',
    country: 'DE',
  }),
  fr: (i) => ({
    externalId: `fr${i}`,
    fullName: `Fleur ${i}`,
    email: `fr${i}@example.fr`,
    locale: 'fr',
    country: 'FR',
  }),
  ca: (i) => ({
    externalId: `ca${i}`,
    fullName: `Cal ${i}`,
    email: `ca${i}@example.com`,
    country: 'US',
    region: 'US-CA',
  }),
};

/**
 * The console tests' incident: the customers `groups` name (e.g. [['de', 3], ['ca', 2]], in that
 * order) imported as holding `categories` in the CRM, and an incident opened by the officer on the
 * CRM with those categories. Returns the incident's id.
 */
export async function openIncidentOnCustomers(
  system: TestSystem,
  groups: [CustomerPlace, number][],
  incident: { title: string; description: string; discoveredAt: Date; categories: string[] },
): Promise<string> {
  const customers = groups.flatMap(([place, n]) =>
    Array.from({ length: n }, (_, i) => CUSTOMER_OF[place](i)),
  );
  await importInventory(
    system,
    customers,
    customers.map((c) => ({
      customerExternalId: c.externalId,
      system: 'crm',
      categories: incident.categories,
    })),
  );
  const opened = await system.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: bearer(system.tokens.officer),
    payload: {
      title: incident.title,
      description: incident.description,
      discoveredAt: incident.discoveredAt.toISOString(),
      systems: ['crm'],
      dataCategories: incident.categories,
    },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  return opened.json().id;
}
