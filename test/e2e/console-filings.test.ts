import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateCache } from '../../core/mail/template-cache';
import { draftMissingPackets } from '../../core/use-cases/packets';
import { browserAvailable, openIncidentOnCustomers, screenshot, startBrowserWorld } from '../helpers/browser';
import { approvePacketByApi } from '../helpers/filings';
import type { ApiCall } from '../helpers/filings';
import type { BrowserWorld } from '../helpers/browser';
import { bearer, eventually } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Filings and determinations on the console, in a real browser against the whole system: a German
 * and a Californian incident gets a filing packet per authority; the incident page lists each with
 * its state; the approval queue lists a packet beside the customer notices and a compliance user
 * who did not open the incident approves it there; the filing is recorded from the incident page
 * with a reference and a receipt uploaded from a file (its SHA-256 kept); the French packet is sent
 * by email from the page to a test SMTP server (the relay's answer shown); a determination is
 * proposed by one compliance user and approved by a second. Each step is checked through the API,
 * and axe finds no serious or critical violation in the sections or the queue.
 */

const HOUR = 3_600_000;
/** The French supervisory authority takes filings by email (configured: FILING_EMAILS). */
const FR_AUTHORITY = 'notifications@cnil.example';
const RECEIPT = Buffer.from('%PDF-1.4\n% BfDI portal confirmation, case DE-2026-0042\n%%EOF\n');

interface Packet {
  id: string;
  jurisdiction: string;
  obligationAudience: string | null;
  state: string;
  version: number;
  sequence: number;
  contentHash: string;
  obligationId: string;
  filing: { reference: string | null; receiptSha256: string | null; channel: string } | null;
}

describe.skipIf(!browserAvailable())('console filings and determinations', () => {
  let world: BrowserWorld;
  let system: TestSystem;
  let base: string;
  let incidentId: string;

  const get = async (url: string, token = system.tokens.compliance) => {
    const res = await system.app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const packets = async () => (await get(`/api/incidents/${incidentId}/packets`)).items as Packet[];
  const germanPacket = async () => {
    const found = (await packets()).find(
      (p) => p.jurisdiction === 'DE' && p.obligationAudience === 'regulator' && p.sequence === 1,
    );
    if (!found) throw new Error('no packet for the German supervisory authority');
    return found;
  };

  async function incidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${base}/console/#/incidents/${incidentId}`);
    await tab.locator('#filings tbody tr').first().waitFor();
    return tab;
  }

  async function seriousViolations(page: Page, include: string): Promise<string[]> {
    const { violations, passes } = await new AxeBuilder({ page }).include(include).analyze();
    expect(passes.length).toBeGreaterThan(0);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  beforeAll(async () => {
    world = await startBrowserWorld({ FILING_EMAILS: JSON.stringify({ 'FR.regulator': FR_AUTHORITY }) });
    ({ system, base } = world);
    incidentId = await openIncidentOnCustomers(
      system,
      [
        ['de', 3],
        ['fr', 2],
        ['ca', 3],
      ],
      {
        title: 'Payroll export on a misconfigured bucket',
        description: 'A payroll export with names and social security numbers was readable publicly.',
        discoveredAt: new Date(Date.now() - 2 * HOUR),
        categories: ['name', 'ssn'],
      },
    );
    await eventually(async () => {
      const o = await get(`/api/incidents/${incidentId}/obligations`);
      return o.items.some((x: { audience: string }) => x.audience === 'regulator');
    });
    // The workflow drafts the packets after the assessment; drafting again is idempotent, so the
    // test does not depend on when the workflow gets there.
    await draftMissingPackets(
      { pool: world.db.pool, templates: new TemplateCache(world.db.pool), config: system.config },
      incidentId,
    );
    await eventually(async () => (await packets()).some((p) => p.jurisdiction === 'DE'));
  }, 180_000);

  afterAll(() => world?.close());

  it("lists each authority's packet with its state on the incident page", async () => {
    const page = await incidentPage(system.tokens.officer);
    const german = await germanPacket();
    const row = page.locator(`#filings tr[data-packet-id="${german.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('DE');
    expect(await row.getAttribute('data-state')).toBe(german.state);
    expect(['draft', 'awaiting_approval']).toContain(german.state);
    await row.getByRole('button', { name: /^Open/ }).click();
    const detail = page.locator('#packet-detail');
    await detail.waitFor();
    // The elements the law asks for, each with its statute (GDPR Art. 33(3)).
    expect(await detail.locator('[data-element]').count()).toBeGreaterThan(2);
    expect(await detail.textContent()).toContain('Art. 33');
    // The officer sees no decision form.
    expect(await detail.locator('form.decision').count()).toBe(0);

    // The officer explains the delay (an element compliance writes): a new version, for someone else to approve.
    await detail.getByRole('button', { name: 'Edit elements' }).click();
    const form = page.locator('#packet-revise');
    await form.locator('#packet-revise-delay_reasons').fill('The forensic report arrived on day four.');
    expect(await seriousViolations(page, '#filings')).toEqual([]);
    await form.getByRole('button', { name: 'Save as a new version' }).click();
    await page.locator('#filings-status').getByText('someone else must approve it').waitFor();
    const revised = await germanPacket();
    expect(revised.version).toBe(german.version + 1);
    await page
      .locator('#packet-detail [data-element="delay_reasons"]', { hasText: 'forensic report arrived' })
      .waitFor();

    // Both versions are listed, each with its hash.
    await page.locator('#packet-versions summary', { hasText: `Versions (${revised.version})` }).click();
    expect(await page.locator('#packet-versions').textContent()).toContain(revised.contentHash);

    // The JSON export names the version shown and its hash.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#packet-detail').getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(exported).toMatchObject({ packetId: revised.id, contentHash: revised.contentHash });
    await page.close();
  });

  it('lists the packet in the approval queue beside the customer notices, and approves it there', async () => {
    const german = await germanPacket();
    // A required element an officer would fill in first: fill every empty one through the API.
    if (german.state === 'draft') {
      const detail = await get(`/api/incidents/${incidentId}/packets/${german.id}`);
      const elements = (detail.packet.content.packet.elements ?? []) as {
        key: string;
        value: string;
        required: boolean;
      }[];
      const missing = Object.fromEntries(
        elements.filter((e) => e.required && !e.value).map((e) => [e.key, `Filled in for ${e.key}`]),
      );
      const revised = await system.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/packets/${german.id}/revision`,
        headers: bearer(system.tokens.compliance),
        payload: { elements: missing },
      });
      expect(revised.statusCode, revised.body).toBe(200);
    }
    const waiting = await eventually(async () => {
      const p = await germanPacket();
      return p.state === 'awaiting_approval' ? p : null;
    });

    // compliance2 neither opened the incident nor wrote the packet's values.
    const page = await world.signIn(system.tokens.compliance2);
    await page.goto(`${base}/console/#/approvals`);
    const card = page.locator(`#packet-approval-list article[data-packet-id="${waiting.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('Payroll export on a misconfigured bucket');
    expect(await card.textContent()).toContain(waiting.contentHash);
    expect(await seriousViolations(page, '#packet-approval-list')).toEqual([]);
    await screenshot(page, 'approval-queue-packets');

    await card.getByRole('button', { name: /^Approve packet/ }).click();
    await card.getByText('Packet approved').waitFor();
    await eventually(async () => (await germanPacket()).state === 'approved');
    await page.close();
  });

  it('records the filing from the incident page with a reference and an uploaded receipt', async () => {
    const german = await germanPacket();
    const page = await incidentPage(system.tokens.compliance);
    await page
      .locator(`#filings tr[data-packet-id="${german.id}"]`)
      .getByRole('button', { name: /^Open/ })
      .click();
    await page.locator('#packet-detail').getByRole('button', { name: 'Record filing' }).click();
    const form = page.locator('#packet-filing');
    await form.getByLabel('Filed through').selectOption('portal');
    await form.getByLabel('Filed at').fill('2026-03-05T10:30');
    await form.getByLabel('Reference number').fill('DE-2026-0042');
    await form.getByLabel('Receipt').setInputFiles({
      name: 'bfdi-confirmation.pdf',
      mimeType: 'application/pdf',
      buffer: RECEIPT,
    });
    expect(await seriousViolations(page, '#filings')).toEqual([]);
    await form.getByRole('button', { name: 'Record filing' }).click();
    await page.locator('#filings-status').getByText('recorded with reference DE-2026-0042').waitFor();
    const row = page.locator(`#filings tr[data-packet-id="${german.id}"]`);
    await row.locator('.filing-reference', { hasText: 'DE-2026-0042' }).waitFor();
    await screenshot(page, 'incident-filings');

    const filed = await germanPacket();
    expect(filed.state).toBe('filed');
    expect(filed.filing).toMatchObject({
      channel: 'portal',
      reference: 'DE-2026-0042',
      receiptSha256: createHash('sha256').update(RECEIPT).digest('hex'),
    });
    // The obligation is met with that proof.
    const obligations = await get(`/api/incidents/${incidentId}/obligations`);
    const obligation = obligations.items.find((o: { id: string }) => o.id === filed.obligationId);
    expect(obligation?.status).toBe('met');

    // More information later (GDPR Art. 33(4)): a supplement, a packet of its own on the same obligation.
    await page.locator('#packet-detail').getByRole('button', { name: 'Supplement…' }).click();
    await page
      .locator('#packet-supplement')
      .getByLabel('What the supplement adds or corrects')
      .fill('The forensic report: the export was read twice from one address.');
    await page.locator('#packet-supplement').getByRole('button', { name: 'Draft supplement' }).click();
    await page.locator('#filings-status').getByText('drafted').waitFor();
    const supplement = await eventually(async () =>
      (await packets()).find((p) => p.jurisdiction === 'DE' && p.sequence === 2),
    );
    await page
      .locator(`#filings tr[data-packet-id="${supplement.id}"]`, { hasText: 'supplement 1' })
      .waitFor();
    await page.close();
  });

  it('sends the approved French packet by email from the page, and shows the relay’s answer', async () => {
    const api: ApiCall = (method, url, token, payload) =>
      system.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
    await approvePacketByApi(
      api,
      incidentId,
      { ruleId: 'FR.regulator', jurisdiction: 'FR' },
      { reviser: system.tokens.compliance2, approver: system.tokens.compliance },
    );
    const french = (await packets()).find((p) => p.jurisdiction === 'FR' && p.sequence === 1)!;
    expect(french.state).toBe('approved');
    const page = await incidentPage(system.tokens.compliance);
    const row = page.locator(`#filings tr[data-packet-id="${french.id}"]`);
    await row.getByRole('button', { name: /^Open/ }).click();
    const detail = page.locator('#packet-detail');
    expect(await detail.textContent()).toContain(FR_AUTHORITY);
    await detail.getByRole('button', { name: 'Send by email' }).click();
    await page.locator('#packet-send').getByRole('button', { name: 'Send now' }).click();
    await page.locator('#filings-status').getByText(`is being sent to ${FR_AUTHORITY}`).waitFor();

    await world.smtp.waitFor(1);
    expect(world.smtp.acceptedByRecipient.get(FR_AUTHORITY)).toBe(1);
    // The page polls: the row shows the proof once the relay answered.
    await row.locator('.filing-proof', { hasText: 'Relay: 250' }).waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-state')).toBe('filed');
    expect(await row.textContent()).toContain('Email sent by Forthright');
    await page.close();
  });

  it('proposes a determination as one compliance user and approves it as a second', async () => {
    const proposer = await incidentPage(system.tokens.compliance);
    await proposer.getByRole('button', { name: 'Propose a determination' }).click();
    const form = proposer.locator('#determination-form');
    await form.getByLabel('Determination').selectOption('no_risk_of_harm');
    await form.locator('label.checkbox', { hasText: 'US-CA · Individuals' }).locator('input').check();
    await form.getByLabel('Reason').fill('The bucket was never listed and access logs show no download.');
    await form.getByLabel('Facts that support it').fill('Access logs: no GET on the object\nBucket unlisted');
    expect(await seriousViolations(proposer, '#determinations')).toEqual([]);
    await form.getByRole('button', { name: 'Propose' }).click();
    await proposer.locator('#determinations-status').getByText('Proposed: No risk of harm').waitFor();
    const row = proposer.locator('#determinations tr[data-status="proposed"]');
    await row.waitFor();
    const determinationId = await row.getAttribute('data-determination-id');
    await proposer.close();

    const approver = await incidentPage(system.tokens.compliance2);
    const proposed = approver.locator(`#determinations tr[data-determination-id="${determinationId}"]`);
    await proposed.getByRole('button', { name: /^Decide/ }).click();
    await approver
      .locator('#determination-decision')
      .getByRole('button', { name: 'Approve determination' })
      .click();
    await approver.locator('#determinations-status').getByText('Determination approved').waitFor();
    await approver
      .locator(`#determinations tr[data-determination-id="${determinationId}"][data-status="approved"]`)
      .waitFor();

    const { items } = await get(`/api/incidents/${incidentId}/determinations`);
    expect(items.find((d: { id: string }) => d.id === determinationId)).toMatchObject({
      status: 'approved',
      kind: 'no_risk_of_harm',
      proposedBy: system.staff.compliance.id,
      decidedBy: system.staff.compliance2.id,
    });
    // The obligation it covers is not required, with the reason shown beside it.
    const californians = (await get(`/api/incidents/${incidentId}/obligations`)).items.find(
      (o: { jurisdiction: string; audience: string }) =>
        o.jurisdiction === 'US-CA' && o.audience === 'individuals',
    );
    expect(californians.status).toBe('not_required');
    await approver
      .locator(`#obligations tr[data-obligation-id="${californians.id}"] .not-required-reason`, {
        hasText: 'access logs show no download',
      })
      .waitFor();
    await approver.close();
  });

  it('exports the evidence dossier with every packet, the proof files and the determination', async () => {
    const res = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/dossier`,
      headers: bearer(system.tokens.compliance),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      manifest: { files: { name: string; sha256: string }[] };
      files: { name: string; base64: string }[];
    };
    const files = new Map(body.files.map((f) => [f.name, Buffer.from(f.base64, 'base64')]));
    for (const f of body.manifest.files)
      expect(createHash('sha256').update(files.get(f.name)!).digest('hex'), f.name).toBe(f.sha256);
    const dossier = JSON.parse(files.get('dossier.json')!.toString('utf8'));
    const proofs = dossier.filings as {
      jurisdiction: string;
      channel: string;
      messageId: string | null;
      files: { receipt: string | null; message: string | null };
    }[];
    // The German receipt as uploaded, and the French email as the relay got it.
    const german = proofs.find((f) => f.jurisdiction === 'DE' && f.channel === 'portal')!;
    expect(files.get(german.files.receipt!)!.equals(RECEIPT)).toBe(true);
    const french = proofs.find((f) => f.jurisdiction === 'FR' && f.channel === 'email')!;
    const eml = files.get(french.files.message!)!.toString('utf8');
    expect(eml).toContain(`Message-ID: ${french.messageId}`);
    expect(eml).toContain(FR_AUTHORITY);
    expect(dossier.packets.length).toBeGreaterThan(2);
    expect(dossier.determinations).toEqual([
      expect.objectContaining({ kind: 'no_risk_of_harm', status: 'approved', effect: expect.any(Array) }),
    ]);
    expect(dossier.determinations[0].effect.length).toBeGreaterThan(0);
  });
});
