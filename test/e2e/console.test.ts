import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { browserAvailable, localInput, screenshot, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import type { TestDatabase } from '../helpers/db';
import { withFixtureConsent } from '../helpers/factories';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, eventually } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * The console in a real browser (Debian's Chromium, headless) against the whole system on real
 * servers: the API listening on a port, the worker on the Temporal dev server, PostgreSQL and SMTP.
 * The tests run in order and share the incidents they open, as the people would.
 */

const HOUR = 3_600_000;
const CUSTOMERS = 40;
const MAIL_CATCHER = 'http://127.0.0.1:1080';

describe.skipIf(!browserAvailable())('web console', () => {
  let world: BrowserWorld;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let base: string;
  const now = Date.now();
  const officerTitle = 'Customer database copied by a former contractor';
  const complianceTitle = 'Billing export left on a shared drive';
  let officerIncidentId: string;
  let complianceIncidentId: string;
  let officerPage: Page;

  const signIn = (token: string) => world.signIn(token);

  const incidentStatus = async (id: string) =>
    (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${id}`,
        headers: bearer(system.tokens.admin),
      })
    ).json().status as string;

  beforeAll(async () => {
    world = await startBrowserWorld({ MAIL_CATCHER_WEB_URL: MAIL_CATCHER });
    ({ db, smtp, system, base } = world);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      externalId: `K${String(i).padStart(3, '0')}`,
      fullName: `Customer ${i}`,
      email: `console${i}@example.com`,
      locale: i % 4 === 3 ? 'de' : 'en',
      country: i % 4 === 3 ? 'DE' : 'US',
      region: i % 4 === 3 ? null : i % 2 ? 'US-CA' : 'US-TX',
    }));
    const holdings = customers.flatMap((c, i) => [
      {
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['name', 'email'],
        from: '2025-01-01T00:00:00Z',
      },
      ...(i % 2 === 0
        ? [
            {
              customerExternalId: c.externalId,
              system: 'billing',
              categories: ['payment_card', 'postal_address'],
              from: '2025-01-01T00:00:00Z',
            },
          ]
        : []),
    ]);
    for (const [url, payload] of [
      // Agreed to electronic notices (see FIXTURE_CONSENT): the console's incidents go out by email.
      ['/api/inventory/customers', customers.map(withFixtureConsent)],
      ['/api/inventory/holdings', holdings],
    ] as const) {
      const r = await system.app.inject({
        method: 'POST',
        url,
        headers: bearer(system.tokens.admin),
        payload,
      });
      expect(r.statusCode, r.body).toBe(200);
    }
  });

  afterAll(() => world?.close());

  it('serves the console with its config and a strict content security policy', async () => {
    const redirect = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    const index = await fetch(`${base}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${base}/console/config.json`)).json()).toEqual({
      mailCatcherUrl: MAIL_CATCHER,
    });
    expect((await fetch(`${base}/console/session`)).status).toBe(401);
    const session = await fetch(`${base}/console/session`, { headers: bearer(system.tokens.support) });
    expect(await session.json()).toMatchObject({ role: 'support', displayName: 'Test support' });
  });

  it('lets an officer open an incident through the form, after showing a bad date beside its field', async () => {
    const page = (officerPage = await signIn(system.tokens.officer));
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Incidents',
      'Open incident',
      'Law rules',
    ]);

    await nav.getByRole('link', { name: 'Open incident' }).click();
    await page.getByLabel('Title').fill(officerTitle);
    await page
      .getByLabel('What happened')
      .fill('A contractor whose access had not been revoked exported the CRM and billing tables.');
    await page.getByLabel('Discovered at').fill(localInput(new Date(now + 3 * 24 * HOUR))); // in the future: refused
    await page.getByLabel('Exposed from (optional)').fill(localInput(new Date(now - 10 * 24 * HOUR)));
    await page.getByLabel('Exposed until (optional)').fill(localInput(new Date(now - 24 * HOUR)));
    await page.getByRole('checkbox', { name: 'crm' }).check();
    await page.getByRole('checkbox', { name: 'billing' }).check();
    await page.getByRole('checkbox', { name: 'Email' }).check();
    await page.getByRole('checkbox', { name: 'Payment card' }).check();
    await page.getByRole('button', { name: 'Open incident' }).click();

    const dateError = page.locator('[data-field="discoveredAt"] .field-error');
    await dateError.waitFor();
    expect(await dateError.textContent()).toBe('must not be in the future');
    expect(await page.getByLabel('Discovered at').getAttribute('aria-invalid')).toBe('true');
    // The field is focused, and the error is its description, so a screen reader reads it.
    expect(await page.evaluate('document.activeElement?.id')).toBe('discoveredAt');
    expect(await page.getByLabel('Discovered at').getAttribute('aria-describedby')).toContain(
      'discoveredAt-error',
    );
    expect(await page.getByRole('alert').first().textContent()).toContain('correct the field marked above');
    expect(await incidentsCount()).toBe(0);

    await page.getByLabel('Discovered at').fill(localInput(new Date(now - 2 * HOUR)));
    await page.getByRole('button', { name: 'Open incident' }).click();
    await page.waitForURL(/#\/incidents\/[0-9a-f-]{36}$/);
    officerIncidentId = page.url().split('/').at(-1)!;
    await page.getByRole('heading', { level: 1, name: officerTitle }).waitFor();

    // On 201 the workflow is already running.
    const description = await system.client.workflow.getHandle(`incident-${officerIncidentId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(
      await page.getByRole('link', { name: 'Workflow in the Temporal UI' }).getAttribute('href'),
    ).toContain(`/workflows/incident-${officerIncidentId}`);
    expect(await page.getByRole('link', { name: 'Sent mail in the mail catcher' }).getAttribute('href')).toBe(
      MAIL_CATCHER,
    );
    // The timeline shows the opening, by name.
    await page.locator('#timeline li[data-action="incident_opened"]', { hasText: 'Test officer' }).waitFor();
    // The page follows the workflow without a reload.
    await page.locator('#incident-status', { hasText: 'Awaiting approval' }).waitFor({ timeout: 60_000 });
    await page.locator('#obligations tbody tr').first().waitFor();

    // An officer has no approval queue, and is told so when going there anyway.
    await page.goto(`${base}/console/#/approvals`);
    await page.getByRole('heading', { level: 1, name: 'Not for your role' }).waitFor();
  });

  it('shows compliance each variant as customers will see it, refuses the opener, and follows the approved notice to 100 %', async () => {
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.compliance),
      payload: {
        title: complianceTitle,
        description: 'A billing export with card numbers was readable by every employee for a week.',
        discoveredAt: new Date(now - HOUR).toISOString(),
        systems: ['billing'],
        dataCategories: ['payment_card'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    complianceIncidentId = opened.json().id;
    await eventually(async () => (await incidentStatus(complianceIncidentId)) === 'awaiting_approval');
    await eventually(async () => (await incidentStatus(officerIncidentId)) === 'awaiting_approval');

    const page = await signIn(system.tokens.compliance);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Approval queue' })
      .click();
    const own = page.locator(`article[data-incident-id="${complianceIncidentId}"]`);
    const theirs = page.locator(`article[data-incident-id="${officerIncidentId}"]`);
    await theirs.waitFor();

    // Every variant: the HTML in a sandboxed frame, the text part, and how many receive it.
    const affected = (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${officerIncidentId}`,
        headers: bearer(system.tokens.admin),
      })
    ).json().counts.affected as number;
    expect(affected).toBe(CUSTOMERS); // every customer is in crm with an email
    const summaries = await theirs.locator('details.variant > summary').allTextContents();
    expect(summaries.length).toBeGreaterThan(1); // English and German at least
    const recipients = summaries.map((s) => Number(/— (\d+) recipients?/.exec(s)?.[1]));
    expect(recipients.reduce((a, b) => a + b, 0)).toBe(affected);
    const frame = theirs.locator('iframe.mail-frame').first();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const html = theirs.frameLocator('iframe.mail-frame').first().locator('body');
    expect(await html.textContent()).toMatch(/FR-\d{4}-\d{4}/);
    expect(await theirs.locator('pre.mail-text').first().textContent()).toMatch(/FR-\d{4}-\d{4}/);
    await screenshot(page, 'approval-queue');

    // The opener tries: the server refuses, and the console says why.
    await own.getByRole('button', { name: 'Approve' }).click();
    const refusal = own.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'Refused by the server: The officer who opened the incident may not decide on its notice',
    );

    // Rejecting needs a comment: the server's answer lands beside the comment field.
    await theirs.getByRole('button', { name: 'Reject' }).click();
    await theirs.getByRole('alert').waitFor();
    expect(await theirs.getByLabel('Comment').getAttribute('aria-invalid')).toBe('true');

    await theirs.getByLabel('Comment').fill('Checked against the incident report.');
    await theirs.getByRole('button', { name: 'Approve' }).click();
    await theirs
      .getByRole('status')
      .filter({ hasText: 'Approved version 1: delivery has started.' })
      .waitFor();
    await theirs.getByRole('link', { name: 'Follow the incident' }).click();

    await page.locator('#delivered-percent', { hasText: '100 %' }).waitFor({ timeout: 90_000 });
    await page.locator('#incident-status', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#delivery li[data-segment="sent"] strong').textContent()).toBe(
      String(CUSTOMERS),
    );
    await page
      .locator('#timeline li[data-action="notice_approved"]', { hasText: 'Test compliance' })
      .waitFor();
    expect(smtp.messages.filter((m) => m.messageId.includes(officerIncidentId))).toHaveLength(CUSTOMERS);

    // The affected customers are searchable.
    await page.getByLabel('Search', { exact: true }).fill('console7@example.com');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#affected-results tbody tr').first().waitFor();
    await eventually(async () => (await page.locator('#affected-results tbody tr').count()) === 1, 10_000);
    expect(await page.locator('#affected-results tbody tr').textContent()).toContain('Customer 7');
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () => (await page.locator('#affected-results tbody tr').count()) === 20, 10_000);
    await page.getByRole('button', { name: 'Show more' }).click();
    await eventually(
      async () => (await page.locator('#affected-results tbody tr').count()) === CUSTOMERS,
      10_000,
    );

    await screenshot(page, 'incident');
    await page.evaluate('window.scrollTo(0, 0)');
    const top = await screenshot(page, 'incident-top', { fullPage: false });
    // The README's picture: refreshed on request only, so that a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(top, join(repoRoot, 'docs', 'screenshots', 'incident.png'));
    }
  });

  it('lists the incidents with their deadlines and progress', async () => {
    const page = officerPage;
    await page.goto(`${base}/console/#/incidents`);
    const row = page.locator(`tr[data-incident-id="${officerIncidentId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`${CUSTOMERS} of ${CUSTOMERS}`);
    expect(await row.textContent()).toContain('Test officer');
    await page.locator(`tr[data-incident-id="${complianceIncidentId}"] .due`).waitFor();
    // The countdown ticks.
    const due = page.locator(`tr[data-incident-id="${complianceIncidentId}"] .due`);
    const before = await due.textContent();
    await eventually(async () => (await due.textContent()) !== before, 5000);
    expect(await due.getAttribute('class')).toMatch(/due--(critical|soon|later)/);
    await screenshot(page, 'incidents');
  });

  it('finds a customer by reference code for support', async () => {
    const affected = (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${officerIncidentId}/affected?search=console2@example.com`,
        headers: bearer(system.tokens.admin),
      })
    ).json().items[0];
    const page = await signIn(system.tokens.support);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Incidents',
      'Customer lookup',
      'Law rules',
    ]);
    await nav.getByRole('link', { name: 'Customer lookup' }).click();
    await page.getByLabel('Reference code or email address').fill(affected.referenceCode);
    await page.getByRole('button', { name: 'Look up' }).click();
    const found = page.locator('article.case');
    await found.first().waitFor();
    expect(await found.first().textContent()).toContain('console2@example.com');
    expect(await found.first().textContent()).toContain(officerTitle);
    await screenshot(page, 'support-lookup');
  });

  it('lets compliance pre-approve the standard notice, and lists the law rules', async () => {
    const page = await signIn(system.tokens.compliance2);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Incidents',
      'Open incident',
      'Approval queue',
      'Customer lookup',
      'Standard notice',
      'Law rules',
    ]);
    await nav.getByRole('link', { name: 'Standard notice' }).click();
    await page.getByText('No standard notice is pre-approved').waitFor();
    await page.getByLabel('What happened').fill('short');
    await page
      .getByLabel('What we are doing')
      .fill('We secured the affected systems and are investigating with outside experts.');
    await page.getByRole('button', { name: 'Pre-approve' }).click();
    await page.locator('#std-whatHappened-error:not([hidden])').waitFor();
    expect(await page.getByLabel('What happened').getAttribute('aria-invalid')).toBe('true');
    await page
      .getByLabel('What happened')
      .fill('We found that some of your personal information may have been exposed.');
    await page.getByRole('button', { name: 'Pre-approve' }).click();
    // One person's approval is a proposal; another compliance user confirms the same text.
    await page
      .locator('#standard-proposal', { hasText: 'some of your personal information may have been exposed' })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Confirm as second approver' }).count()).toBe(0);
    const second = await signIn(system.tokens.compliance);
    await second
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Standard notice' })
      .click();
    await second.getByRole('button', { name: 'Confirm as second approver' }).click();
    await second
      .locator('#standard-current', { hasText: 'some of your personal information may have been exposed' })
      .waitFor();
    await page.reload();
    await page
      .locator('#standard-current', { hasText: 'some of your personal information may have been exposed' })
      .waitFor();
    const stored = await system.app.inject({
      method: 'GET',
      url: '/api/notice-templates/preapproved',
      headers: bearer(system.tokens.officer),
    });
    expect(stored.json().content.whatHappened).toBe(
      'We found that some of your personal information may have been exposed.',
    );
    await screenshot(page, 'standard-notice');

    await nav.getByRole('link', { name: 'Law rules' }).click();
    await page.getByLabel('Filter').fill('US-CA');
    const rows = page.locator('tbody tr');
    await eventually(async () => (await rows.count()) > 0 && (await rows.count()) < 10, 5000);
    for (const text of await rows.allTextContents()) expect(text).toContain('US-CA');
    await screenshot(page, 'rules');
  });

  it('lets an admin add a user, shows the token once, and deactivates the user', async () => {
    const page = await signIn(system.tokens.admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByLabel('Email').fill('new.analyst@example.com');
    await page.getByLabel('Name').fill('New Analyst');
    await page.getByLabel('Role').selectOption('support');
    await page.getByRole('button', { name: 'Add and issue a token' }).click();
    await page.getByText('shown only this once').waitFor();
    const token = (await page.locator('#user-token').textContent())!.trim();
    expect(token.length).toBeGreaterThan(10);
    const me = await fetch(`${base}/api/me`, { headers: bearer(token) });
    expect(me.status).toBe(200);
    await page.locator('#users-list', { hasText: 'new.analyst@example.com' }).waitFor();
    await screenshot(page, 'users');
    await page.getByRole('button', { name: 'Deactivate new.analyst@example.com' }).click();
    await page.getByText('no longer works').waitFor();
    expect((await fetch(`${base}/api/me`, { headers: bearer(token) })).status).toBe(401);
  });

  it('sends a rejected notice back for revision, and takes the new wording on the incident page', async () => {
    const reviewer = await signIn(system.tokens.compliance2);
    await reviewer
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Approval queue' })
      .click();
    const card = reviewer.locator(`article[data-incident-id="${complianceIncidentId}"]`);
    await card.getByLabel('Comment').fill('Say which card data was involved.');
    await card.getByRole('button', { name: 'Reject' }).click();
    await card.getByRole('status').filter({ hasText: 'Rejected version 1' }).waitFor();
    await eventually(async () => (await incidentStatus(complianceIncidentId)) === 'drafting');

    const page = officerPage;
    await page.goto(`${base}/console/#/incidents/${complianceIncidentId}`);
    await page.getByRole('heading', { name: 'Revise the wording' }).waitFor();
    expect(await page.locator('#notice blockquote').first().textContent()).toBe(
      'Say which card data was involved.',
    );
    await page
      .getByLabel('What happened')
      .fill('A billing export with card numbers and expiry dates was readable by every employee.');
    await page.getByRole('button', { name: 'Send for approval' }).click();
    await page
      .locator('#notice', { hasText: 'Version 2 · Waiting for approval' })
      .waitFor({ timeout: 30_000 });
    await page.locator('#incident-status', { hasText: 'Awaiting approval' }).waitFor({ timeout: 30_000 });
  });

  const incidentsCount = async () =>
    (await db.pool.query(`SELECT count(*)::int AS n FROM incidents`)).rows[0].n as number;
});
