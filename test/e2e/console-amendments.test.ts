import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, screenshot, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import { bearer, eventually, importInventory, incidentStatus, openAndApprove } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Issue 17 on the console's incident page, in a real browser against the whole system: an officer
 * amends the incident through the form (a reason too short is refused beside its field; then the
 * billing system is added), the new version is listed with what changed and, once its workflow
 * applied it, the person it newly affects; a compliance user proposes withdrawing the incident as a
 * false alarm, a second approves it in Determinations, and the page shows the withdrawn state with
 * the reason while the actions that no longer apply (amend, withdraw, compliance's obligation tools)
 * are gone. Each step is checked through the API; axe finds no serious or critical violation.
 */

const HOUR = 3_600_000;

describe.skipIf(!browserAvailable())('console amendments and withdrawal', () => {
  let world: BrowserWorld;
  let system: TestSystem;
  let base: string;
  let incidentId: string;
  /** The second incident, delivered and then amended (the last two tests). */
  let delivered: string;

  const get = async (url: string, token = system.tokens.compliance) => {
    const res = await system.app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  async function incidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${base}/console/#/incidents/${incidentId}`);
    await tab.locator('#amendments-list').locator('p, table').first().waitFor();
    return tab;
  }

  async function seriousViolations(page: Page, include: string): Promise<string[]> {
    // A notice preview's frame is sandboxed without scripts, so axe cannot run inside it (it would
    // wait for ever); its HTML is the customer's, checked on the customer page (console-accessibility).
    const { violations, passes } = await new AxeBuilder({ page })
      .include(include)
      .exclude('iframe.mail-frame')
      .analyze();
    expect(passes.length).toBeGreaterThan(0);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  beforeAll(async () => {
    world = await startBrowserWorld();
    ({ system, base } = world);
    const customers = [
      {
        externalId: 'am-crm',
        fullName: 'Amelia Crm',
        email: 'am-crm@example.com',
        country: 'US',
        region: 'US-CT',
      },
      {
        externalId: 'am-billing',
        fullName: 'Bertram Billing',
        email: 'am-billing@example.com',
        country: 'US',
        region: 'US-CT',
      },
    ];
    await importInventory(system, customers, [
      { customerExternalId: 'am-crm', system: 'crm', categories: ['name', 'ssn'] },
      { customerExternalId: 'am-billing', system: 'billing', categories: ['name', 'ssn'] },
    ]);
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title: 'CRM export found on a file share',
        description: 'A CRM export with names and social security numbers was found on a shared drive.',
        discoveredAt: new Date(Date.now() - 2 * HOUR).toISOString(),
        systems: ['crm'],
        dataCategories: ['name', 'ssn'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    incidentId = opened.json().id;
    // Amendable once identification is done and the notice drafted (before its approval).
    await eventually(async () =>
      ['drafting', 'awaiting_approval'].includes((await get(`/api/incidents/${incidentId}`)).status),
    );
  }, 180_000);

  afterAll(() => world?.close());

  it('amends the incident through the form: the version is listed with what changed and whom it adds', async () => {
    const page = await incidentPage(system.tokens.officer);
    await page.getByRole('button', { name: 'Amend incident…' }).click();
    const form = page.locator('#amend-form');
    await form.waitFor();
    expect(await seriousViolations(page, '#amendments')).toEqual([]);

    // Too short a reason: refused by the server, said beside the field, nothing recorded.
    await form.getByLabel('Reason for the amendment').fill('billing');
    await form.locator('label.checkbox', { hasText: 'billing' }).locator('input').check();
    await form.getByRole('button', { name: 'Record the amendment' }).click();
    await form.locator('#amend-reason-error', { hasText: 'at least 10 characters' }).waitFor();
    expect(await form.getByLabel('Reason for the amendment').getAttribute('aria-invalid')).toBe('true');
    expect((await get(`/api/incidents/${incidentId}/amendments`)).items).toEqual([]);

    await form
      .getByLabel('Reason for the amendment')
      .fill('Forensics found the billing database was reached through the same account.');
    await form.getByRole('button', { name: 'Record the amendment' }).click();
    await page
      .locator('#amendments-status')
      .getByText(/Amended: version 2 recorded|Amendment 2 applied/)
      .waitFor();

    const row = page.locator('#amendments-list tr[data-version="2"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('the billing database was reached');
    const systems = row.locator('li[data-fact="systems"]');
    expect(await systems.locator('.before').textContent()).toBe('crm');
    expect((await systems.locator('.after').textContent())?.split(', ').sort()).toEqual(['billing', 'crm']);
    // Only what changed was sent: the other facts are the same in both versions.
    const [v2] = (await get(`/api/incidents/${incidentId}/amendments`)).items;
    expect(v2).toMatchObject({ version: 2, amendedBy: system.staff.officer.id });
    expect(v2.after.systems.sort()).toEqual(['billing', 'crm']);
    expect(v2.after.dataCategories).toEqual(v2.before.dataCategories);
    expect(v2.after.description).toBe(v2.before.description);

    // Its workflow re-identifies: Bertram (billing) is newly affected; the page polls until it shows.
    await row.locator('li[data-count="added"]', { hasText: '1 newly affected' }).waitFor({ timeout: 60_000 });
    expect(await row.locator('li[data-count="removed"]').textContent()).toContain('0 no longer affected');
    await screenshot(page, 'console-amendment');
    await page.close();
  });

  it('imports a code pool from a file: one code for two eligible people shows the low-pool warning', async () => {
    const page = await incidentPage(system.tokens.compliance);
    const section = page.locator('#codes');
    await section.locator('#codes-figures').waitFor();
    await section.getByRole('button', { name: 'Import codes…' }).click();
    const form = page.locator('#codes-form');
    // No file chosen: said beside the file field, nothing sent.
    await form.getByLabel('Where people enrol').fill('https://enroll.example.com/forthright');
    await form.getByRole('button', { name: 'Import' }).click();
    await form.locator('#codes-file-error', { hasText: 'Choose the vendor' }).waitFor();
    const enrollBy = new Date(Date.now() + 90 * 24 * HOUR).toISOString().slice(0, 10);
    await form.getByLabel('Vendor’s file (CSV)').setInputFiles({
      name: 'vendor-codes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `provider,product,term_months,enroll_by,code,minor\nIdShield,Credit monitoring,24,${enrollBy},IDS-0001,no\n`,
      ),
    });
    expect(await seriousViolations(page, '#codes')).toEqual([]);
    await form.getByRole('button', { name: 'Import' }).click();
    await page.locator('#codes-form-status').getByText('Imported 1 code in 1 pool.').waitFor();
    await section.locator('tr[data-pool-id]', { hasText: 'IdShield — Credit monitoring' }).waitFor();

    const codes = await get(`/api/incidents/${incidentId}/remediation-codes`);
    expect(codes.pools).toHaveLength(1);
    // Connecticut asks for identity-theft protection for exposed SSNs: both people are eligible.
    expect(codes.eligible.adults).toBe(2);
    expect(codes.short.adults).toBe(1);
    await section.locator('.notice--warning', { hasText: 'Not enough codes' }).waitFor();
    expect(await section.locator('dd[data-figure="short"]').textContent()).toBe('1');
    await page.close();
  });

  it('withdraws the incident with two compliance users: the page shows it withdrawn and offers nothing that no longer applies', async () => {
    const proposer = await incidentPage(system.tokens.compliance);
    await proposer.getByRole('button', { name: 'Withdraw incident (false alarm / duplicate)…' }).click();
    const form = proposer.locator('#withdraw-form');
    await form.getByLabel('A false alarm: no personal data was in fact exposed').check();
    await form
      .getByLabel('Reason')
      .fill('The export held synthetic test records only (checked against the CRM).');
    expect(await seriousViolations(proposer, '#withdrawal')).toEqual([]);
    await form.getByRole('button', { name: 'Propose the withdrawal' }).click();
    await proposer.locator('#withdrawal-banner', { hasText: 'Withdrawal proposed' }).waitFor();
    await proposer.close();

    const approver = await incidentPage(system.tokens.compliance2);
    const proposed = approver.locator('#determinations tr[data-status="proposed"]');
    await proposed.getByRole('button', { name: /^Decide/ }).click();
    await approver
      .locator('#determination-decision')
      .getByRole('button', { name: 'Approve determination' })
      .click();
    const banner = approver.locator('#withdrawal-banner .withdrawn-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain('False alarm: The export held synthetic test records only');
    // The workflow ends 'withdrawn'; the page shows the status once it has.
    await approver.locator('#incident-status', { hasText: 'Withdrawn' }).waitFor({ timeout: 60_000 });
    await approver.locator('#amend-unavailable', { hasText: 'withdrawn' }).waitFor();
    expect(await approver.getByRole('button', { name: 'Amend incident…' }).count()).toBe(0);
    expect(await approver.getByRole('button', { name: /^Withdraw incident/ }).count()).toBe(0);
    expect(await approver.locator('#obligation-tools').isHidden()).toBe(true);
    expect(await approver.getByRole('button', { name: 'Propose a determination' }).isHidden()).toBe(true);
    expect(await approver.getByRole('link', { name: 'Review it in the approval queue' }).count()).toBe(0);
    expect(await approver.getByRole('button', { name: 'Import codes…' }).count()).toBe(0);

    const incident = await get(`/api/incidents/${incidentId}`);
    expect(incident.status).toBe('withdrawn');
    const { items } = await get(`/api/incidents/${incidentId}/determinations`);
    expect(items.find((d: { kind: string }) => d.kind === 'incident_withdrawal')).toMatchObject({
      status: 'approved',
      proposedBy: system.staff.compliance.id,
      decidedBy: system.staff.compliance2.id,
    });
    const obligations = (await get(`/api/incidents/${incidentId}/obligations`)).items as { status: string }[];
    expect(obligations.length).toBeGreaterThan(0);
    expect(obligations.every((o) => o.status === 'not_required')).toBe(true);

    expect(await seriousViolations(approver, '#withdrawal')).toEqual([]);
    expect(await seriousViolations(approver, '#amendments')).toEqual([]);
    await screenshot(approver, 'console-withdrawn');
    await approver.close();
  });
  it('after delivery, approves the notice for an amendment’s newly affected on the page: only they get an email', async () => {
    delivered = await openAndApprove(system, {
      title: 'CRM mailbox forwarded outside',
      description: 'A CRM mailbox with names and social security numbers was forwarded outside the company.',
      discoveredAt: new Date(Date.now() - HOUR).toISOString(),
      systems: ['crm'],
      dataCategories: ['name', 'ssn'],
    });
    await eventually(async () => (await incidentStatus(system, delivered)) === 'completed');
    // Staff alerts go to the same server (no code pool for these Connecticut people): counted by recipient.
    await eventually(async () => world.smtp.acceptedByRecipient.get('am-crm@example.com'));

    const officer = await world.signIn(system.tokens.officer);
    await officer.goto(`${base}/console/#/incidents/${delivered}`);
    await officer.getByRole('button', { name: 'Amend incident…' }).click();
    const form = officer.locator('#amend-form');
    await form
      .getByLabel('Reason for the amendment')
      .fill('The forwarding rule also copied the billing mailbox (mail server logs).');
    await form.locator('label.checkbox', { hasText: 'billing' }).locator('input').check();
    await form.getByRole('button', { name: 'Record the amendment' }).click();
    await officer
      .locator('#amendments-status')
      .getByText(/Amended: version 2 recorded|Amendment 2 applied/)
      .waitFor();
    await officer.close();

    // The amendment's workflow drafts the newly affected's notice; compliance decides on it here.
    const page = await world.signIn(system.tokens.compliance);
    await page.goto(`${base}/console/#/incidents/${delivered}`);
    const article = page.locator('#amendment-notice article[data-status="pending_approval"]');
    await article.waitFor({ timeout: 60_000 });
    expect(await article.locator('h3').textContent()).toContain('amendment 2 newly affects');
    expect(await seriousViolations(page, '#amendments')).toEqual([]);
    await article.getByRole('button', { name: 'Approve this notice' }).click();
    await page.locator('#amendments-status').getByText('Notice approved').waitFor();

    await eventually(async () => world.smtp.acceptedByRecipient.get('am-billing@example.com'));
    expect(world.smtp.acceptedByRecipient.get('am-billing@example.com')).toBe(1);
    expect(world.smtp.acceptedByRecipient.get('am-crm@example.com')).toBe(1);
    const [v2] = (await get(`/api/incidents/${delivered}/amendments`)).items;
    expect(v2).toMatchObject({ version: 2, added: 1, grown: 0, removed: 0, delivers: true });
    await page.locator('#amendment-notice article[data-status="approved"]').waitFor();
    await page.close();
  }, 180_000);
  it('writes an update on the page and approves it as a second person: everyone notified gets it once', async () => {
    const officer = await world.signIn(system.tokens.officer);
    await officer.goto(`${base}/console/#/incidents/${delivered}`);
    await officer.getByRole('button', { name: 'Write an update…' }).click();
    const form = officer.locator('#follow-up-form');
    await form.getByLabel('Name').fill('investigation-concluded');
    await form
      .getByLabel('Text')
      .fill(
        'Our investigation has concluded. The forwarding rule was removed and no further mail left the company.',
      );
    expect(await seriousViolations(officer, '#mailings')).toEqual([]);
    await form.getByRole('button', { name: 'Send for approval' }).click();
    const text = officer.locator('#follow-up-texts article[data-key="investigation-concluded"]');
    await text.waitFor();
    expect(await text.getAttribute('data-status')).toBe('pending_approval');
    // The writer may not approve: officers are not offered the decision at all.
    expect(await text.getByRole('button', { name: 'Approve this text' }).count()).toBe(0);
    await officer.close();

    const page = await world.signIn(system.tokens.compliance);
    await page.goto(`${base}/console/#/incidents/${delivered}`);
    const pending = page.locator('#follow-up-texts article[data-key="investigation-concluded"]');
    expect(await pending.textContent()).toContain('Our investigation has concluded.');
    await pending.getByRole('button', { name: 'Approve this text' }).click();
    await page.locator('#mailings-status').getByText('Text approved').waitFor();

    // Its workflow selects everyone notified and sends: the page lists the mailing with its counts.
    const row = page.locator('#mailings-list tr[data-kind="update"]');
    await row.and(page.locator('[data-status="finished"]')).waitFor({ timeout: 60_000 });
    const { items } = await get(`/api/incidents/${delivered}/mailings`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'update', key: 'investigation-concluded', status: 'finished' });
    expect(items[0].sent).toBe(items[0].recipients);
    expect(await row.textContent()).toContain(`${items[0].recipients}`);
    await eventually(async () => world.smtp.acceptedByRecipient.get('am-crm@example.com') === 2);
    expect(world.smtp.acceptedByRecipient.get('am-crm@example.com')).toBe(2);
    expect(await seriousViolations(page, '#mailings')).toEqual([]);
    await page.close();
  }, 120_000);
});
