import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierManifest } from '../../core/dossier/schema';
import { browserAvailable, screenshot, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import type { TestDatabase } from '../helpers/db';
import { bearer, eventually, importInventory } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * The incident page's Export dossier button in a real browser against the whole system: compliance
 * gets the PDF, the JSON and the manifest as downloads whose hashes match the manifest, the export
 * is in the audit trail; an officer's page has no such button.
 */
describe.skipIf(!browserAvailable())('console evidence dossier', () => {
  let world: BrowserWorld;
  let db: TestDatabase;
  let system: TestSystem;
  let base: string;
  let incidentId: string;

  async function openIncidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${base}/console/#/incidents/${incidentId}`);
    await tab.locator('#timeline').waitFor();
    return tab;
  }

  beforeAll(async () => {
    world = await startBrowserWorld();
    ({ db, system, base } = world);
    const customers = Array.from({ length: 3 }, (_, i) => ({
      externalId: `dz${i}`,
      fullName: `Dossier Person ${i}`,
      email: `dz${i}@example.com`,
      country: 'DE',
    }));
    await importInventory(
      system,
      customers,
      customers.map((c) => ({ customerExternalId: c.externalId, system: 'crm', categories: ['email'] })),
    );
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title: 'Dossier from the console',
        description: 'A CRM export was found on a file share.',
        discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
        systems: ['crm'],
        dataCategories: ['email'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    incidentId = opened.json().id;
    // The workflow has identified the people and assessed the obligations.
    await eventually(async () => {
      const res = await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incidentId}/obligations`,
        headers: bearer(system.tokens.compliance),
      });
      return res.statusCode === 200 && res.json().items.length > 0;
    });
  });

  afterAll(() => world?.close());

  it('offers an officer no export', async () => {
    const tab = await openIncidentPage(system.tokens.officer);
    expect(await tab.locator('#dossier').count()).toBe(0);
    await tab.context().close();
  });

  it('downloads the PDF, the JSON and the manifest for compliance, hashes matching, audited', async () => {
    const tab = await openIncidentPage(system.tokens.compliance);
    const downloads: { name: string; bytes: Buffer }[] = [];
    const allThree = new Promise<void>((resolve) => {
      tab.on('download', (download) => {
        void download.path().then((path) => {
          downloads.push({ name: download.suggestedFilename(), bytes: readFileSync(path) });
          if (downloads.length === 3) resolve();
        });
      });
    });
    await tab.getByRole('button', { name: 'Export dossier' }).click();
    await allThree;
    await tab.locator('#dossier-status .notice--success').waitFor();
    await screenshot(tab, 'incident-dossier-exported');

    const byName = new Map(downloads.map((d) => [d.name, d.bytes]));
    expect([...byName.keys()].sort()).toEqual(['dossier.json', 'dossier.pdf', 'manifest.json']);
    expect(byName.get('dossier.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    const manifest = DossierManifest.parse(JSON.parse(byName.get('manifest.json')!.toString('utf8')));
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    for (const f of manifest.files) expect(sha256(byName.get(f.name)!)).toBe(f.sha256);
    const manifestSha256 = sha256(byName.get('manifest.json')!);
    await expect(tab.locator('#dossier-status code').textContent()).resolves.toBe(manifestSha256);

    const { rows } = await db.pool.query(
      `SELECT detail FROM audit_events WHERE incident_id = $1 AND action = 'dossier_exported'`,
      [incidentId],
    );
    expect(rows.map((r: { detail: { manifestSha256: string } }) => r.detail.manifestSha256)).toEqual([
      manifestSha256,
    ]);
    await tab.context().close();
  });
});
