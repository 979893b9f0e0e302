import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, screenshot, startBrowserWorld } from '../helpers/browser';
import type { BrowserWorld } from '../helpers/browser';
import { eventually, importInventory, incidentStatus, openAndApprove } from '../helpers/system';

/**
 * Questions without repeating oneself (issue 17 item 5) in real browsers against the whole system:
 * a customer asks on their page with JavaScript switched off (a plain form under the page's CSP),
 * support finds the question in the console's lookup by the reference code with its history,
 * answers it there, and the answer reaches the SMTP server once.
 */
/** Serious and critical axe violations on the page as it is now, one line each. */
async function axeFaults(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${n.target.join(' ')}`));
}

describe.skipIf(!browserAvailable())('questions: customer page and console lookup', () => {
  let world: BrowserWorld;
  let incidentId: string;
  const EMAIL = 'quinn@example.com';

  beforeAll(async () => {
    world = await startBrowserWorld();
    await importInventory(
      world.system,
      [{ externalId: 'Q1', fullName: 'Quinn Quest', email: EMAIL, country: 'US', region: 'US-TX' }],
      [
        {
          customerExternalId: 'Q1',
          system: 'crm',
          categories: ['name', 'email'],
          from: '2025-01-01T00:00:00Z',
        },
      ],
    );
    incidentId = await openAndApprove(world.system, {
      title: 'Support mailbox exposed',
      description: 'A misconfigured mailbox exposed customer records.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      systems: ['crm'],
      dataCategories: ['name', 'email'],
    });
    await eventually(async () => (await incidentStatus(world.system, incidentId)) === 'completed', 90_000);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('takes a question on the page without script, and support answers it once from the lookup', async () => {
    const notice = world.smtp.messages.find((m) => m.envelopeTo.includes(EMAIL))!;
    const token = /\/n\/([0-9a-f]{64})\b/.exec(notice.text)![1]!;
    const reference = notice.headers['x-forthright-reference']!;

    // The customer, with JavaScript off: the form works as plain HTML, under the page's own CSP.
    const context = await world.browser.newContext({ javaScriptEnabled: false });
    const customer = await context.newPage();
    const violations: string[] = [];
    // The form must pass the CSP's form-action. (The embedded letter's one inline style attribute,
    // `style="margin:0"` in the notice templates, is blocked by style-src and logged: cosmetic, and
    // not this form's.)
    customer.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text()) && !/Applying inline style/.test(m.text()))
        violations.push(m.text());
    });
    await customer.goto(`${world.base}/n/${token}`);
    await customer.getByRole('heading', { name: 'Ask us a question' }).waitFor();
    await customer.getByLabel('Your question').fill('Was my password exposed too?');
    await customer.getByRole('button', { name: 'Send my question' }).click();
    await customer.waitForURL(`${world.base}/n/${token}#ask`);
    const asked = customer.locator('#ask .asked');
    expect(await asked.count()).toBe(1);
    expect(await asked.textContent()).toContain('Was my password exposed too?');
    expect(await asked.textContent()).toContain('We will answer by email');
    expect(violations).toEqual([]);
    await screenshot(customer, 'customer-page-question');

    // Support finds it by the reference code the customer quotes, with its history.
    const page = await world.signIn(world.system.tokens.support);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Customer lookup' })
      .click();
    // It is in the queue of questions waiting, by its reference code; one click looks it up.
    const waiting = page.getByRole('region', { name: 'Questions waiting for an answer (1)' });
    await waiting.waitFor();
    await waiting.getByRole('button', { name: `Look up ${reference}` }).click();
    expect(await page.getByLabel('Reference code or email address').inputValue()).toBe(reference);
    const question = page.locator('article.question');
    await question.waitFor();
    expect(await question.locator('.question-body').textContent()).toBe('Was my password exposed too?');
    expect(await question.textContent()).toContain('Waiting for an answer');
    await question.getByText('History (1)').click();
    expect(await question.locator('ol.history').textContent()).toContain(
      'Customer asked a question on their page — the customer',
    );

    // The queue, the question, its history and the answer form: no serious accessibility fault.
    expect(await axeFaults(page)).toEqual([]);
    await question
      .getByLabel('Answer', { exact: true })
      .fill('No. Passwords were not in the exposed mailbox.');
    await question.getByRole('button', { name: 'Answer', exact: true }).click();
    await question.getByText('Answer queued').waitFor();

    const answers = () => world.smtp.messages.filter((m) => m.messageId.includes('<answer.'));
    await eventually(async () => answers().length === 1, 60_000);
    // The lookup runs again and shows it answered, with who answered and the relay's reply.
    await eventually(async () =>
      (await page.locator('article.question').textContent())?.includes('Answered by email'),
    );
    const answered = page.locator('article.question');
    expect(await answered.textContent()).toContain('Test support');
    expect(await answered.textContent()).toContain(EMAIL);
    expect(await answered.locator('form').count()).toBe(0);
    await page.getByRole('region', { name: 'Questions waiting for an answer (0)' }).waitFor();
    await screenshot(page, 'support-lookup-question-answered');

    expect(answers()).toHaveLength(1);
    expect(answers()[0]!.envelopeTo).toEqual([EMAIL]);
    expect(answers()[0]!.text).toContain('No. Passwords were not in the exposed mailbox.');

    // The customer's page shows the answer.
    await customer.goto(`${world.base}/n/${token}`);
    expect(await customer.locator('#ask .asked').textContent()).toContain(
      'Passwords were not in the exposed mailbox',
    );
    await context.close();
    // …and, read with script on (for axe), the page with its question and answer has no serious fault.
    const checked = await (await world.browser.newContext()).newPage();
    await checked.goto(`${world.base}/n/${token}`);
    expect(await axeFaults(checked)).toEqual([]);
  });
});
