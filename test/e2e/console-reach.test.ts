import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChannels } from '../../core/use-cases/channels';
import { browserAvailable, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import { customerWith } from '../helpers/factories';
import { bearer, eventually, importInventory } from '../helpers/system';

/**
 * The incident page in a real browser says how each person's notice goes and why (the delivery
 * section), how far each individuals' obligation is reached and what happens next to those not yet
 * reached (the obligations section), and lists exactly those people on request (the affected list).
 */
describe.skipIf(!browserAvailable())('console reach', () => {
  let world: BrowserWorld;
  let incidentId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { system } = world;
    // Texas allows email only with E-SIGN consent: one consented, one with only an address, one
    // with neither (no lawful channel), one with an email but no consent and an address (both).
    // (The API takes the email addresses as given: none is made up.)
    const customers = [
      customerWith('email_with_consent', {
        externalId: 'R-EMAIL',
        email: 'rae@example.com',
        fullName: 'Rae Email',
        country: 'US',
        region: 'US-TX',
      }),
      customerWith('address_only', {
        externalId: 'R-LETTER',
        fullName: 'Len Letter',
        country: 'US',
        region: 'US-TX',
      }),
      customerWith('none', { externalId: 'R-NONE', fullName: 'Nia None', country: 'US', region: 'US-TX' }),
      customerWith('email_without_consent', {
        externalId: 'R-BOTH',
        email: 'bo@example.com',
        fullName: 'Bo Both',
        country: 'US',
        region: 'US-TX',
      }),
    ];
    await importInventory(
      system,
      customers,
      customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'reach-crm',
        categories: ['name', 'ssn'],
      })),
    );
    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title: 'Reach test export',
        description: 'An export with names and social security numbers was found.',
        discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
        systems: ['reach-crm'],
        dataCategories: ['name', 'ssn'],
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    incidentId = opened.json().id;
    const individuals = async () =>
      (
        await system.app.inject({
          method: 'GET',
          url: `/api/incidents/${incidentId}/obligations`,
          headers: bearer(system.tokens.officer),
        })
      )
        .json()
        .items.find((o: { audience: string }) => o.audience === 'individuals');
    await eventually(async () => Boolean(await individuals()));
    // The workflow plans the channels after assessing; planning again is a no-op (records are planned once).
    await planChannels({ pool: world.db.pool, config: system.config }, incidentId);
  });

  afterAll(() => world?.close());

  it('shows how the notices go, the reach of the obligation and who is not yet reached', async () => {
    const page = await world.signIn(world.system.tokens.officer);
    await page.goto(`${world.base}/console/#/incidents/${incidentId}`);

    // How the notices go, and why.
    const plan = page.locator('#channel-plan');
    await plan.waitFor();
    const rows = plan.locator('tbody tr');
    const reasons: Record<string, string | null> = {};
    for (let i = 0; i < (await rows.count()); i++) {
      const r = rows.nth(i);
      reasons[`${await r.getAttribute('data-channel')}/${await r.getAttribute('data-reason')}`] =
        await r.textContent();
    }
    expect(Object.keys(reasons).sort(), JSON.stringify(reasons)).toEqual([
      'email/email_consented',
      'email_and_letter/no_consent',
      'letter/no_email',
      'none/no_contact',
    ]);
    expect(reasons['none/no_contact']).toContain('No lawful channel: substitute notice');

    // The Texas obligation: nobody reached yet, each group with what happens next.
    const reach = page.locator('#obligations .reach');
    await reach.first().waitFor();
    const items = reach.first().locator('li');
    const states: [string | null, string | null][] = [];
    for (let i = 0; i < (await items.count()); i++)
      states.push([await items.nth(i).getAttribute('data-state'), await items.nth(i).textContent()]);
    expect(Object.fromEntries(states)).toMatchObject({
      awaiting_email: expect.stringContaining('Waiting for the email: 1'),
      awaiting_letter: expect.stringContaining('Waiting for a letter to be posted: 2'),
      no_channel: expect.stringMatching(
        /No lawful channel: substitute notice: 1 — Covered once the substitute notice/,
      ),
    });

    // Who is not yet reached, with their channel.
    await page.getByLabel('Only people not yet reached').check();
    await eventually(async () => (await page.locator('#affected-results tbody tr').count()) === 4, 10_000);
    const none = page.locator('#affected-results tbody tr', { hasText: 'Nia None' });
    expect(await none.textContent()).toContain('neither an email nor a postal address');
  });
});
