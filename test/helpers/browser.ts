import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from '../../scripts/lib/tools';

/** Debian's Chromium package; `scripts/provision.sh` installs it on CI. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS_DIR = join(repoRoot, 'test-results', 'screenshots');

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
