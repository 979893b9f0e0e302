import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLetterFile } from '../../core/letters/batch';
import { TemplateCache } from '../../core/mail/template-cache';
import { finishLetterBatch, openLetterBatch } from '../../core/use-cases/letters';
import { browserAvailable, screenshot, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import { newLetterIncident } from '../helpers/letters';

/**
 * The incident page's Letters section in a real browser against the API: an officer sees the batch
 * and downloads its manifest (audited), records the mail house's confirmation by uploading its CSV
 * (the person becomes notified) and imports returned mail (the person falls to substitute notice);
 * support sees no Letters section at all.
 */
describe.skipIf(!browserAvailable())('console letters', () => {
  let world: BrowserWorld;
  let incidentId: string;
  let references: string[];

  async function openIncidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${world.base}/console/#/incidents/${incidentId}`);
    await tab.locator('#timeline').waitFor();
    return tab;
  }
  const statusOf = async (reference: string) =>
    (
      await world.db.pool.query<{ status: string; channel: string }>(
        `SELECT status, channel FROM affected_customers WHERE incident_id = $1 AND reference_code = $2`,
        [incidentId, reference],
      )
    ).rows[0];

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { db, system } = world;
    // The letters as the letter workflow leaves them, through the same use cases (no workflow here).
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config: system.config };
    ({ incidentId } = await newLetterIncident(deps, [
      { externalId: 'CL1', fullName: 'Console Letter One' },
      { externalId: 'CL2', fullName: 'Console Letter Two' },
    ]));
    const opened = await openLetterBatch(deps, { incidentId, key: 'console' });
    await renderLetterFile(deps, { batchId: opened!.batchId, fileNo: 1 });
    await finishLetterBatch(deps, opened!.batchId);
    const { rows } = await db.pool.query<{ reference_code: string }>(
      `SELECT reference_code FROM affected_customers WHERE incident_id = $1 ORDER BY customer_id`,
      [incidentId],
    );
    references = rows.map((r) => r.reference_code);
  }, 180_000);

  afterAll(() => world?.close());

  it('shows support no letters', async () => {
    const tab = await openIncidentPage(world.system.tokens.support);
    expect(await tab.locator('#letters').count()).toBe(0);
    await tab.context().close();
  });

  it('lets an officer download the manifest, record posting and import returned mail', async () => {
    const tab = await openIncidentPage(world.system.tokens.officer);
    const section = tab.locator('#letters');
    await section.getByRole('cell', { name: 'Ready for the mail house' }).waitFor();

    const download = tab.waitForEvent('download');
    await section.getByRole('button', { name: 'manifest.csv' }).click();
    const manifest = readFileSync(await (await download).path(), 'utf8');
    expect(manifest).toContain('Console Letter One');
    expect(manifest).toContain(references[0]);

    // The mail house's confirmation, uploaded as a file: one person posted.
    await section.locator('#posted-csv').setInputFiles({
      name: 'posted.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`reference,posted_on\n${references[0]},2026-12-01\n`),
    });
    await section.getByRole('button', { name: 'Record posted' }).click();
    await tab.locator('#letters-status .notice--success').waitFor();
    expect(await tab.locator('#letters-status').textContent()).toContain('1 letters recorded posted');
    expect(await statusOf(references[0]!)).toEqual({ status: 'notified', channel: 'letter' });

    // A bad returned-mail file: the 400's message beside the field.
    await section.locator('#returned-csv').setInputFiles({
      name: 'returned.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('reference\nX\n'),
    });
    await section.getByRole('button', { name: 'Import returned mail' }).click();
    // The message appears once the API has answered: wait for it rather than read at once.
    const error = section.locator('#returned-csv-error');
    await error.filter({ hasText: /\S/ }).waitFor();
    expect(await error.textContent()).toMatch(/no column "reason"/);

    await section.locator('#returned-csv').setInputFiles({
      name: 'returned.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`reference,reason\n${references[1]},moved away\n`),
    });
    await section.getByRole('button', { name: 'Import returned mail' }).click();
    await tab.locator('#letters-status .notice--success').waitFor();
    expect(await statusOf(references[1]!)).toEqual({ status: 'undeliverable', channel: 'none' });
    await screenshot(tab, 'incident-letters');

    const { rows } = await world.db.pool.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE incident_id = $1 AND action IN
         ('letters_downloaded', 'letters_posted', 'returned_mail_imported') ORDER BY id`,
      [incidentId],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'letters_downloaded',
      'letters_posted',
      'returned_mail_imported',
    ]);
    await tab.context().close();
  });
});
