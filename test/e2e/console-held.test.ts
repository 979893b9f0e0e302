import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeMessageId } from '../../core/domain/ids';
import { TemplateCache } from '../../core/mail/template-cache';
import { recordIncidentStatus } from '../../core/use-cases/incidents';
import { recordRestore } from '../../core/use-cases/restores';
import { browserAvailable, screenshot, startBrowserWorld, type BrowserWorld } from '../helpers/browser';
import { importEmailHolders, newDeliveredIncident } from '../helpers/factories';

/**
 * The incident page's "Held after a restore" section (api/console/public/views/incident/held.js):
 * an incident part-way through delivery when its database was restored, five people of whom two
 * were recorded sent; the fence holds the other three. Compliance sees them with their
 * Message-IDs, confirms two sent from the relay's log and releases the last; officers see the
 * list without the forms, support not at all. The end-to-end restore is test/e2e/backup-restore.test.ts.
 */
describe.runIf(browserAvailable())('console: notices held after a restore', () => {
  let world: BrowserWorld;
  let incidentId: string;
  let held: number[];

  async function openIncidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${world.base}/console/#/incidents/${incidentId}`);
    await tab.locator('#timeline').waitFor();
    return tab;
  }

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { db, system } = world;
    await importEmailHolders(
      db.pool,
      Array.from({ length: 5 }, (_, i) => ({ externalId: `H${i}`, country: 'DE', region: null })),
    );
    const { incident } = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config: system.config },
      // The system's own staff (a factory user of the same address would be given a new token).
      { sent: 2, approver: system.staff.compliance, incident: { openedBy: system.staff.officer } },
    );
    incidentId = incident.id;
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'delivering');
    const fence = await recordRestore(
      { pool: db.pool, config: system.config },
      { backupLabel: `console-${incidentId}`, backupTakenAt: null },
    );
    expect(fence.restore.held).toBe(3);
    const { rows } = await db.pool.query<{ customerId: number }>(
      `SELECT customer_id::int AS "customerId" FROM deliveries WHERE incident_id = $1 AND status = 'held' ORDER BY customer_id`,
      [incidentId],
    );
    held = rows.map((r) => r.customerId);
  }, 180_000);

  afterAll(() => world?.close());

  it('shows support nothing and officers the list without the forms', async () => {
    const support = await openIncidentPage(world.system.tokens.support);
    expect(await support.locator('#held').count()).toBe(0);
    await support.context().close();
    const officer = await openIncidentPage(world.system.tokens.officer);
    await officer.locator('#held').getByText('3 notices are held').waitFor();
    expect(await officer.locator('#held form').count()).toBe(0);
    await officer.context().close();
  });

  it('lets compliance confirm sent from the relay’s Message-IDs and release the rest', async () => {
    const tab = await openIncidentPage(world.system.tokens.compliance);
    const section = tab.locator('#held');
    await section.getByText('3 notices are held').waitFor();
    const domain = /@([^>\s]+)/.exec(world.system.config.mail.from)![1]!;
    const ids = held.map((c) => noticeMessageId(incidentId, c, domain));
    for (const id of ids) await section.getByRole('cell', { name: id }).waitFor();
    await section.page().locator('#timeline').getByText('by the restore').first().waitFor();
    await screenshot(tab, 'console-held');

    await section.getByLabel('Message-IDs the relay accepted').fill(`${ids[0]}\n${ids[1]}\n<nobody@x>`);
    await section.getByLabel('Where the evidence comes from').fill('relay log of the day');
    await section.getByRole('button', { name: 'Confirm sent' }).click();
    await section.getByText('2 recorded sent. 1 matched no held notice.').waitFor();
    await section.getByText('1 notice is held').waitFor();

    await section.getByLabel('Why these may be sent again').fill('not in the relay log');
    await section.getByRole('button', { name: 'Release and send' }).click();
    // Nothing is held any more: the section goes away; the released notice is sent by a delivery pass.
    await section.waitFor({ state: 'hidden' });
    await world.smtp.waitFor(1, 60_000);
    const { rows } = await world.db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM deliveries WHERE incident_id = $1 GROUP BY status ORDER BY status`,
      [incidentId],
    );
    expect(rows.filter((r) => r.status === 'held')).toEqual([]);
    await tab.context().close();
  });
});
