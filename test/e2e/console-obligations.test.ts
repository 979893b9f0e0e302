import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  localInput,
  openIncidentOnCustomers,
  screenshot,
  startBrowserWorld,
} from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import type { TestDatabase } from '../helpers/db';
import { TemplateCache } from '../../core/mail/template-cache';
import { actorOf } from '../helpers/factories';
import { approvedFilingPacket } from '../helpers/filings';
import { bearer, eventually } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * What compliance records against an incident's obligations from the console's incident page —
 * a filing (with its approved packet, a reference and a receipt), a law-enforcement hold and its lifting, a delay reason, a re-assessment — in a real
 * browser against the whole system, each checked through the API and the audit trail. The tests
 * run in order on one incident, as a compliance officer would on the day.
 */

const HOUR = 3_600_000;
const AUDIENCES: Record<string, string> = {
  individuals: 'Individuals',
  regulator: 'Regulator',
  consumer_reporting_agencies: 'Consumer reporting agencies',
  media: 'Media',
};

interface Obligation {
  id: string;
  ruleId: string;
  jurisdiction: string;
  audience: string;
  status: string;
  dueAt: string | null;
  metAt: string | null;
  delayReason: string | null;
  heldSince: string | null;
}

describe.skipIf(!browserAvailable())('console obligation actions', () => {
  let world: BrowserWorld;
  let db: TestDatabase;
  let system: TestSystem;
  let base: string;
  let incidentId: string;
  let page: Page;
  // Whole minutes, so that what a datetime-local can hold is exactly this instant.
  const discoveredAt = new Date(Math.floor((Date.now() - 2 * HOUR) / 60_000) * 60_000);

  /** A signed-in tab of its own, on the incident page. */
  async function openIncidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${base}/console/#/incidents/${incidentId}`);
    await tab.locator('#obligations tbody tr').first().waitFor();
    return tab;
  }

  const obligations = async () =>
    (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incidentId}/obligations`,
        headers: bearer(system.tokens.support),
      })
    ).json().items as Obligation[];
  const find = (items: Obligation[], jurisdiction: string, audience: string) => {
    const found = items.find((o) => o.jurisdiction === jurisdiction && o.audience === audience);
    if (!found) throw new Error(`no ${jurisdiction} ${audience} obligation in ${JSON.stringify(items)}`);
    return found;
  };
  const audit = async (action: string) =>
    (
      await db.pool.query(
        `SELECT actor, detail FROM audit_events WHERE incident_id = $1 AND action = $2 ORDER BY id`,
        [incidentId, action],
      )
    ).rows as { actor: string; detail: Record<string, unknown> }[];

  beforeAll(async () => {
    world = await startBrowserWorld();
    ({ db, system, base } = world);
    incidentId = await openIncidentOnCustomers(
      system,
      [
        ['ca', 6],
        ['de', 4],
      ],
      {
        title: 'CRM export found on a paste site',
        description: 'An export of the CRM with names and social security numbers was posted publicly.',
        discoveredAt,
        categories: ['name', 'ssn', 'email'],
      },
    );
    await eventually(async () => (await obligations()).length > 0);
  });

  afterAll(() => world?.close());

  it('shows an officer the obligations without the compliance actions', async () => {
    const officer = await openIncidentPage(system.tokens.officer);
    const obligationsCard = officer.locator('#obligations');
    expect(await obligationsCard.locator('thead th').allTextContents()).not.toContain('Actions');
    for (const name of [
      'File with its packet',
      'Record delay reason',
      'Law-enforcement hold',
      'Hold lifted',
      'Re-assess',
    ]) {
      expect(await officer.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await officer.locator('#obligation-tools').count()).toBe(0);
  });

  it('records a filing with its packet, after showing the missing proof beside its fields', async () => {
    const gdpr = find(await obligations(), 'DE', 'regulator');
    // The packet, approved through the use cases (a second compliance user fills it in).
    await approvedFilingPacket(
      { pool: db.pool, templates: new TemplateCache(db.pool), config: system.config },
      { incidentId, ruleId: gdpr.ruleId, jurisdiction: gdpr.jurisdiction },
      { reviser: actorOf(system.staff.compliance2), approver: actorOf(system.staff.compliance) },
    );
    page = await openIncidentPage(system.tokens.compliance);
    // Notice to individuals is met by the deliveries: no filing offered there.
    const individuals = find(await obligations(), 'US-CA', 'individuals');
    expect(await page.locator(`tr[data-obligation-id="${individuals.id}"]`).textContent()).not.toContain(
      'File with its packet',
    );

    await page.getByRole('button', { name: 'File with its packet for DE · Regulator' }).click();
    const detail = page.locator('#packet-detail');
    await detail.waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('packet-title');
    await detail.getByRole('button', { name: 'Record filing' }).click();
    const form = page.locator('#packet-filing');
    await form.getByRole('button', { name: 'Record filing' }).click();
    for (const name of ['filedAt', 'reference', 'receipt']) {
      await form.locator(`[data-field="${name}"] .field-error`).waitFor();
    }
    expect(await form.locator('[data-field="reference"] .field-error').textContent()).toBe('Required.');
    const reference = form.getByLabel('Reference number');
    expect(await reference.getAttribute('aria-invalid')).toBe('true');
    expect(await reference.getAttribute('aria-describedby')).toContain('packet-filing-reference-error');
    expect(await page.locator('#filings-status').getByRole('alert').textContent()).toContain(
      'Nothing was recorded',
    );
    expect(find(await obligations(), 'DE', 'regulator').status).toBe('pending');
    expect(await audit('filing_recorded')).toHaveLength(0);

    await form.getByLabel('Filed at').fill(localInput(new Date(Date.now() - HOUR)));
    await reference.fill('2026-BF-117');
    await form.getByLabel('Receipt').setInputFiles({
      name: 'bfdi.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% BfDI confirmation 2026-BF-117\n'),
    });
    await form.getByRole('button', { name: 'Record filing' }).click();
    await page.locator('#filings-status').getByText('recorded with reference 2026-BF-117').waitFor();
    const row = page.locator(`tr[data-obligation-id="${gdpr.id}"]`);
    await row.locator('.filing-note', { hasText: 'reference 2026-BF-117' }).waitFor();
    expect(await row.textContent()).toContain('filed ');
    expect(await row.locator('.badge').textContent()).toBe('Met');

    const stored = find(await obligations(), 'DE', 'regulator');
    expect(stored).toMatchObject({ id: gdpr.id, status: 'met' });
    expect(stored.metAt).not.toBeNull();
    const entries = await audit('filing_recorded');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: system.staff.compliance.id,
      detail: { obligationId: gdpr.id, reference: '2026-BF-117', channel: 'portal' },
    });
    await page
      .locator('#timeline li[data-action="filing_recorded"]', { hasText: 'Test compliance' })
      .waitFor();
  });

  it('records a law-enforcement hold that pauses the clocks the server says it may, then lifts it', async () => {
    await page.getByRole('button', { name: 'Law-enforcement hold' }).click();
    await page.getByRole('button', { name: 'Record hold' }).click();
    await page.locator('[data-field="reason"] .field-error', { hasText: 'Required.' }).waitFor();
    expect(await audit('law_enforcement_hold_recorded')).toHaveLength(0);

    const reason = 'FBI field office, letter of today: notice would impede the investigation; 30 days.';
    await page.getByLabel('Agency, request and reason').fill(reason);
    await page.getByRole('button', { name: 'Record hold' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Hold recorded: clock paused for US-CA · Individuals' })
      .waitFor();

    const items = await obligations();
    const caIndividuals = find(items, 'US-CA', 'individuals');
    expect(caIndividuals.heldSince).not.toBeNull();
    expect(caIndividuals.delayReason).toBe(reason);
    // GDPR sets no law-enforcement pause: the server leaves those clocks running.
    for (const o of items.filter((x) => x.jurisdiction === 'DE')) expect(o.heldSince).toBeNull();
    const held = items.filter((o) => o.heldSince);

    const banner = page.locator('#hold-status');
    await banner.getByText('Clocks paused by a law-enforcement hold').waitFor();
    const paused = /Paused: ([^.]*)\./.exec((await banner.textContent()) ?? '')?.[1] ?? '';
    expect(paused.split(', ').sort()).toEqual(
      held.map((o) => `${o.jurisdiction} · ${AUDIENCES[o.audience]}`).sort(),
    );
    expect(paused).not.toContain('DE');
    expect(await page.locator(`tr[data-obligation-id="${caIndividuals.id}"]`).textContent()).toContain(
      'Clock paused (law-enforcement hold)',
    );
    const recorded = await audit('law_enforcement_hold_recorded');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      actor: system.staff.compliance.id,
      detail: { reason, obligations: held.length, jurisdictions: ['US-CA'] },
    });
    await screenshot(page, 'incident-hold');

    await page.getByRole('button', { name: 'Hold lifted' }).click();
    await page.getByRole('button', { name: 'Lift the hold' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Hold lifted: the clocks are running again.' })
      .waitFor();
    await eventually(async () => (await banner.textContent()) === '', 10_000);
    const after = await obligations();
    expect(after.filter((o) => o.heldSince)).toHaveLength(0);
    expect(Date.parse(find(after, 'US-CA', 'individuals').dueAt!)).toBeGreaterThan(
      Date.parse(caIndividuals.dueAt!),
    );
    expect(await audit('law_enforcement_hold_lifted')).toMatchObject([
      { actor: system.staff.compliance.id, detail: { obligations: held.length, jurisdictions: ['US-CA'] } },
    ]);
    expect(await page.getByRole('button', { name: 'Hold lifted' }).count()).toBe(0);
  });

  it('records a delay reason on one obligation', async () => {
    const target = find(await obligations(), 'US-CA', 'individuals');
    await page.getByRole('button', { name: 'Record delay reason for US-CA · Individuals' }).click();
    const reason = 'Waiting for the forensic report to confirm which addresses are current.';
    await page.getByLabel('Why this obligation is late').fill(reason);
    await page.getByRole('button', { name: 'Record delay reason', exact: true }).click();
    await page.locator(`tr[data-obligation-id="${target.id}"]`, { hasText: `Delay: ${reason}` }).waitFor();
    expect(find(await obligations(), 'US-CA', 'individuals')).toMatchObject({
      delayReason: reason,
      heldSince: null,
    });
    expect(await audit('delay_reason_recorded')).toMatchObject([
      { detail: { obligationId: target.id, reason } },
    ]);
  });

  it('re-assesses with a corrected discovery time and shows the new obligations', async () => {
    const before = await obligations();
    const corrected = new Date(discoveredAt.getTime() - 24 * HOUR);
    await page.getByRole('button', { name: 'Re-assess' }).click();
    await page
      .getByLabel('Why re-assess')
      .fill('The logs show we discovered it a day earlier than first reported.');
    await page.getByLabel('Corrected discovery time (optional)').fill(localInput(corrected));
    await page.getByRole('button', { name: 'Re-assess', exact: true }).last().click();
    await page.getByRole('status').filter({ hasText: 'Re-assessed under rules' }).waitFor();

    const after = await obligations();
    expect(after.map((o) => o.id)).not.toEqual(before.map((o) => o.id));
    // The filing stays recorded; the due time follows the corrected discovery (GDPR: 72 hours).
    const gdpr = find(after, 'DE', 'regulator');
    expect(gdpr).toMatchObject({
      status: 'met',
      dueAt: new Date(corrected.getTime() + 72 * HOUR).toISOString(),
    });
    await page
      .locator(`tr[data-obligation-id="${gdpr.id}"] .filing-note`, { hasText: 'reference 2026-BF-117' })
      .waitFor();
    // The page shows the new rows, not the superseded ones.
    await eventually(async () => {
      const shown = await page
        .locator('#obligations tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-obligation-id')));
      return (
        shown.sort().join() ===
        after
          .map((o) => o.id)
          .sort()
          .join()
      );
    }, 10_000);
    expect(await audit('reassessment_requested')).toMatchObject([
      {
        actor: system.staff.compliance.id,
        detail: { discoveredAt: corrected.toISOString() },
      },
    ]);
    expect((await audit('obligations_assessed')).length).toBe(2);
    const superseded = await db.pool.query(
      `SELECT count(*)::int AS n FROM obligations WHERE incident_id = $1 AND superseded_at IS NOT NULL`,
      [incidentId],
    );
    expect(superseded.rows[0].n).toBe(before.length);
    await screenshot(page, 'incident-obligations');
  });
});
