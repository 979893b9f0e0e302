import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../core/version';
import { startApiOnly } from '../helpers/app';
import { browserAvailable, launchBrowser, listenForBrowser } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** The console's footer names the running release (core/version.ts), signed in or not. */
describe.skipIf(!browserAvailable())('console footer', () => {
  let db: TestDatabase;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    api = await startApiOnly(db);
    base = await listenForBrowser(api.app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
  });

  it('shows the version on the sign-in page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    const footer = page.getByRole('contentinfo');
    await expect.poll(() => footer.textContent()).toBe(`Forthright ${VERSION}`);
  });
});
