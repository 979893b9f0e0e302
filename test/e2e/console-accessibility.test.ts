import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageTokenIn } from '../api/delivered-incidents';
import { browserAvailable, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  reviewedNotice,
} from '../helpers/system';

/**
 * axe-core on every console screen, in the states people meet (empty forms, forms showing the
 * server's errors, an incident awaiting approval, delivered, or sent back for revision), and on
 * the page a notice links customers to: no serious or critical violation anywhere.
 */

const HOUR = 3_600_000;

/**
 * Serious and critical violations on the page as it is now, one line each (rule, help, where).
 * `exclude`: selectors axe leaves out.
 */
async function violations(page: Page, exclude: string[] = []): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  for (const selector of exclude) builder.exclude(selector);
  const { violations: found, passes } = await builder.analyze();
  expect(passes.length, 'axe ran its rules').toBeGreaterThan(0);
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary}`),
    );
}

describe.skipIf(!browserAvailable())('console accessibility', () => {
  let world: BrowserWorld;
  /** Delivered, so its page has the delivery bar, the customers and a customer page to visit. */
  let deliveredId: string;
  /** Rejected: back in drafting, its page shows the revision form. */
  let rejectedId: string;
  /** Waiting in the approval queue. */
  let waitingId: string;

  const incident = (title: string) => ({
    title,
    description: 'An export of the CRM with names and social security numbers was posted publicly.',
    discoveredAt: new Date(Date.now() - 2 * HOUR).toISOString(),
    systems: ['crm'],
    dataCategories: ['name', 'ssn', 'email'],
  });

  const open = async (title: string) => {
    const opened = await world.system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(world.system.tokens.officer),
      payload: incident(title),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    await eventually(async () => (await incidentStatus(world.system, id)) === 'awaiting_approval');
    return id;
  };

  /** A signed-in tab on `hash`, once `ready` (a selector) is on the page. */
  const at = async (token: string, hash: string, ready: string) => {
    const page = await world.signIn(token);
    await page.goto(`${world.base}/console/${hash}`);
    await page.locator(ready).first().waitFor();
    return page;
  };

  beforeAll(async () => {
    world = await startBrowserWorld();
    const customers = [
      { externalId: 'ca1', fullName: 'Cal One', email: 'ca1@example.com', country: 'US', region: 'US-CA' },
      { externalId: 'ca2', fullName: 'Cal Two', email: 'ca2@example.com', country: 'US', region: 'US-CA' },
      {
        externalId: 'de1',
        fullName: 'Dora Eins',
        email: 'de1@example.de',
        locale: 'de',
        country: 'DE',
      },
    ];
    await importInventory(
      world.system,
      customers,
      customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['name', 'ssn', 'email'],
      })),
    );
    const { system } = world;
    [deliveredId, rejectedId, waitingId] = await Promise.all([
      openAndApprove(system, incident('CRM export found on a paste site')),
      open('Support mailbox forwarded to a personal account'),
      open('Backup tape lost in transit'),
    ]);
    const rejected = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${rejectedId}/approval`,
      headers: bearer(system.tokens.compliance),
      payload: {
        decision: 'reject',
        comment: 'Say which data was in the mailbox.',
        ...(await reviewedNotice(system, rejectedId)),
      },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    await eventually(async () => (await incidentStatus(system, deliveredId)) === 'completed', 90_000);
    await eventually(async () => (await incidentStatus(system, rejectedId)) === 'drafting');
  });

  afterAll(() => world?.close());

  it('sign-in, empty and after a refused token', async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${world.base}/console/#/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await violations(page)).toEqual([]);
    // The check can fail: a button with no name is a critical violation.
    await page.evaluate("document.querySelector('main').append(document.createElement('button'))");
    expect((await violations(page)).join('\n')).toContain('button-name (critical)');
    await context.close();
  });

  it('incidents list, and a page the role may not use', async () => {
    const page = await at(world.system.tokens.officer, '#/incidents', `tr[data-incident-id="${waitingId}"]`);
    expect(await violations(page)).toEqual([]);
    await page.goto(`${world.base}/console/#/approvals`);
    await page.getByRole('heading', { level: 1, name: 'Not for your role' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.goto(`${world.base}/console/#/nowhere`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('open-incident form, empty and showing the errors beside its fields', async () => {
    const page = await at(world.system.tokens.officer, '#/incidents/new', 'form');
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Open incident' }).click();
    await page.locator('.field-error:not([hidden])').first().waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('incident page, delivered, with compliance actions and the re-assessment form showing an error', async () => {
    const page = await at(
      world.system.tokens.compliance,
      `#/incidents/${deliveredId}`,
      '#affected-results tbody tr',
    );
    await page.locator('#delivered-percent', { hasText: '100 %' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Re-assess' }).click();
    await page.getByRole('button', { name: 'Re-assess', exact: true }).last().click();
    await page.locator('#reassess-form .field-error:not([hidden])').waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('incident page sent back for revision, with the revision form', async () => {
    const page = await at(world.system.tokens.officer, `#/incidents/${rejectedId}`, 'form.revise');
    expect(await violations(page)).toEqual([]);
  });

  it('approval queue, with each variant previewed', async () => {
    const page = await at(
      world.system.tokens.compliance2,
      '#/approvals',
      `article[data-incident-id="${waitingId}"] iframe.mail-frame`,
    );
    // The previews' frames are sandboxed without scripts, so axe cannot run inside them (it waits
    // for ever). What they show is the notice's HTML, which the customer page embeds as it is and
    // is checked there.
    expect(await violations(page, ['iframe.mail-frame'])).toEqual([]);
  });

  it('standard notice, with its form showing an error', async () => {
    const page = await at(world.system.tokens.compliance, '#/standard-notice', 'form');
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Pre-approve' }).click();
    await page.locator('.field-error:not([hidden])').first().waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('law rules', async () => {
    const page = await at(world.system.tokens.support, '#/rules', 'tbody tr');
    expect(await violations(page)).toEqual([]);
  });

  it('users, after adding one', async () => {
    const page = await at(world.system.tokens.admin, '#/users', '#users-list tbody tr');
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('Email').fill('new.analyst@example.com');
    await page.getByLabel('Name').fill('New Analyst');
    await page.getByRole('button', { name: 'Add and issue a token' }).click();
    await page.locator('#user-token').waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('customer lookup, with a case found', async () => {
    const page = await at(world.system.tokens.support, '#/lookup', 'form');
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('Reference code or email address').fill('ca1@example.com');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('article.case').first().waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('the customer page a notice links to, in English and German, before and after acknowledging', async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    for (const [address, button] of [
      ['ca1@example.com', 'I have read this'],
      ['de1@example.de', 'Ich habe dies gelesen'],
    ] as const) {
      const mail = world.smtp.messages.find(
        (m) => m.messageId.includes(deliveredId) && m.envelopeTo.includes(address),
      );
      expect(mail, `the notice to ${address}`).toBeDefined();
      const response = await page.goto(`${world.base}/n/${pageTokenIn(mail!)}`);
      expect(response?.status()).toBe(200);
      expect(await violations(page), address).toEqual([]);
      await page.getByRole('button', { name: button }).click();
      await page.locator('#acknowledge .done').waitFor();
      expect(await violations(page), `${address}, acknowledged`).toEqual([]);
    }
    // The status page for a link that leads nowhere.
    const missing = await page.goto(`${world.base}/n/${'0'.repeat(64)}`);
    expect(missing?.status()).toBe(404);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });
});
