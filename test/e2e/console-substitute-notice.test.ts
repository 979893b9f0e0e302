import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import { customerWith } from '../helpers/factories';
import { bearer, eventually, importInventory } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * The substitute notice on the console's incident page, in a real browser against the whole system:
 * the workflow finds California's conditions met (one person with no contact details at all) and
 * drafts the website and media texts; compliance approves them from the page, the website notice is
 * then served publicly without anyone's data, and the media notice is recorded from the page. The
 * officer who opened the incident sees the section without the decision buttons.
 */
describe.skipIf(!browserAvailable())('console substitute notice', () => {
  let world: BrowserWorld;
  let system: TestSystem;
  let base: string;
  let incidentId: string;
  let page: Page;

  const PEOPLE = [
    customerWith('email_with_consent', { externalId: 'cs-1', fullName: 'Consuela Website', region: 'US-CA' }),
    customerWith('email_with_consent', { externalId: 'cs-2', fullName: 'Cornelius Media', region: 'US-CA' }),
    customerWith('none', { externalId: 'cs-3', fullName: 'Cassius Nowhere', region: 'US-CA' }),
  ];

  const overview = async () =>
    (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incidentId}/substitute-notices`,
        headers: bearer(system.tokens.compliance),
      })
    ).json();

  async function openIncidentPage(token: string): Promise<Page> {
    const tab = await world.signIn(token);
    await tab.goto(`${base}/console/#/incidents/${incidentId}`);
    await tab.locator('#substitute-notice [data-substitute]').first().waitFor();
    return tab;
  }

  beforeAll(async () => {
    world = await startBrowserWorld();
    ({ system, base } = world);
    await importInventory(
      system,
      PEOPLE.map((p) => ({ country: 'US', email: `${p.externalId}@example.com`, ...p })),
      PEOPLE.map((p) => ({ customerExternalId: p.externalId, system: 'crm', categories: ['ssn'] })),
    );
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title: 'Customer file left on a public share',
        description: 'A file with names and social security numbers was readable on a public share.',
        discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
        systems: ['crm'],
        dataCategories: ['ssn'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    incidentId = opened.json().id;
    // The workflow's assessSubstituteNotice, after channel planning, drafts both texts.
    await eventually(async () => {
      const o = await overview();
      return o.website && o.media;
    });
  });

  afterAll(() => world?.close());

  it('shows the officer the substitute notice without the decision buttons', async () => {
    const officer = await openIncidentPage(system.tokens.officer);
    const section = officer.locator('#substitute-notice');
    expect(await section.locator('h3').first().textContent()).toContain('US-CA');
    expect(await section.textContent()).toContain('people without sufficient contact details');
    expect(await section.getByRole('button', { name: 'Approve this text' }).count()).toBe(0);
    await officer.close();
  });

  it('approves the website text from the page: the posting goes up, naming nobody', async () => {
    page = await openIncidentPage(system.tokens.compliance);
    const website = page.locator('#substitute-text-website');
    await website.getByRole('button', { name: 'Approve this text' }).click();
    await page.locator('#substitute-status').getByText('Text approved.').waitFor();
    await page.locator('#substitute-text-website').getByText('Posted at').waitFor();

    const { posting } = await overview();
    expect(posting.live).toBe(true);
    const publicPage = await system.app.inject({
      method: 'GET',
      url: `/incident-notice/${posting.publicId}`,
    });
    expect(publicPage.statusCode).toBe(200);
    expect(publicPage.body).toContain('Customer file left on a public share');
    for (const p of PEOPLE) {
      expect(publicPage.body).not.toContain(p.fullName!);
      expect(publicPage.body).not.toContain(p.externalId);
    }
  });

  it('records the media notice from the page once its text is approved', async () => {
    const mediaText = page.locator('#substitute-text-media');
    await mediaText.getByRole('button', { name: 'Approve this text' }).click();
    // The status still says so from the website text: wait for the media text's own badge.
    await mediaText.locator('.badge--approved').waitFor();
    const form = page.locator('#substitute-record-form');
    await form.getByLabel('Element').selectOption({ label: 'US-CA · Notice to the media' });
    await form.getByLabel('Outlet, number or method').fill('Sacramento Bee; KQED');
    await form.getByLabel('Evidence').fill('Publication proofs filed as PR-77');
    await form.getByRole('button', { name: 'Record' }).click();
    await page.locator('#substitute-status').getByText('Notice to the media recorded.').waitFor();

    const [row] = (await overview()).items;
    const media = row.elements.find((e: { kind: string }) => e.kind === 'media');
    expect(media).toMatchObject({
      channel: 'Sacramento Bee; KQED',
      evidence: 'Publication proofs filed as PR-77',
    });
    expect(media.recordedByName).toBeTruthy();
  });

  it('has no serious or critical accessibility violations in the section, with its forms open', async () => {
    await page.locator('#substitute-text-website').getByRole('button', { name: 'Revise' }).click();
    await page.locator('#substitute-revise-substitute_website').waitFor();
    const { violations, passes } = await new AxeBuilder({ page }).include('#substitute-notice').analyze();
    expect(passes.length).toBeGreaterThan(0);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
