import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { customerPageRoutes } from '../../api/routes/customer-page';
import { TemplateCache } from '../../core/mail/template-cache';
import { defaultTemplatesDir, loadTemplateSources } from '../../core/mail/templates';
import { CATALOG, MARKETING, unescapeHtml } from '../core/mail/fixtures';
import { PEOPLE, deliveredWorld, pageTokenIn, referenceIn } from './delivered-incidents';
import type { DeliveredWorld } from './delivered-incidents';

/** The visible words of a page, for phrase checks (tags dropped, entities undone, spaces collapsed). */
const wordsOf = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

/**
 * The record a token from a received letter leads to: the database keeps only the token's SHA-256
 * (migration 013), so a test finds a record the way the page does, by the hash of the emailed token.
 */
const BY_TOKEN = `a.page_token_hash = encode(sha256(convert_to($1::text, 'UTF8')), 'hex')`;

/** The received letter's body as the page should embed it. */
const letterBody = (html: string) => /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!.trim();

describe('customer page /n/:token', () => {
  let world: DeliveredWorld;
  const get = (url: string, remoteAddress?: string) =>
    world.system.app.inject({ method: 'GET', url, ...(remoteAddress ? { remoteAddress } : {}) });
  const acknowledge = (token: string) =>
    world.system.app.inject({
      method: 'POST',
      url: `/n/${token}/acknowledge`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });

  beforeAll(async () => {
    world = await deliveredWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('shows the notice as received, what was exposed, the steps, questions and a contact route with the reference', async () => {
    const mail = world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling);
    const token = pageTokenIn(mail);
    const reference = referenceIn(mail);
    const page = await get(`/n/${token}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.body;
    const words = wordsOf(html);

    // The letter itself, byte for byte as the customer's mail client got it.
    expect(html).toContain(letterBody(mail.html));
    expect(html).toContain(`<html lang="en">`);
    expect(html).toContain(`<title>${mail.subject}</title>`);
    // What of theirs was exposed: the union over crm and billing, with the masked card.
    for (const category of ['name', 'email'] as const)
      expect(words).toContain(CATALOG.en.categories[category]);
    expect(words).toContain(`${CATALOG.en.categories.payment_card} (ending in 4242)`);
    expect(words).not.toContain(CATALOG.en.categories.ssn);
    // The steps for those categories, in the customer's own voice.
    expect(words).toContain(CATALOG.en.advice.payment_card.self);
    expect(words).toContain('Common questions');
    // Contact: the reference code travels in the mailto subject; the phone is a tel: link.
    expect(words).toContain(reference);
    expect(unescapeHtml(html)).toContain(
      `href="mailto:privacy@example.com?subject=Reference%20${reference}"`,
    );
    expect(html).toContain('href="tel:+18005550100"');
    // The acknowledgement works without script: a plain form posting back to the page.
    expect(html).toContain(`<form method="post" action="/n/${token}/acknowledge">`);
    // Nothing runs, loads or leads elsewhere (the only address is the page's own, in the letter).
    expect(html).not.toMatch(/<script|<img|<iframe|<link|<object|<embed/i);
    expect(html.replaceAll(world.system.config.http.publicBaseUrl, '')).not.toMatch(/https?:\/\//);
    expect(words).not.toMatch(MARKETING);
  });

  it('is served uncached, without a referrer, under a CSP that allows only its own stylesheet', async () => {
    const token = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling));
    const page = await get(`/n/${token}`);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
    const styles = [...page.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(styles[0]!).digest('base64')}'`);
  });

  it("is in the customer's language, and speaks to a deceased customer's representative as such", async () => {
    const german = await get(
      `/n/${pageTokenIn(world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling))}`,
    );
    expect(german.statusCode).toBe(200);
    expect(german.body).toContain('<html lang="de">');
    const words = wordsOf(german.body);
    expect(words).toContain('Ihr Referenzcode');
    expect(words).toContain(CATALOG.de.categories.email);
    expect(words).toContain('Ich habe dies gelesen');
    expect(words).not.toContain('Common questions');
    expect(words).not.toMatch(MARKETING);

    const forRuth = await get(
      `/n/${pageTokenIn(world.messageTo(PEOPLE.ruth, world.incidents.crmAndBilling))}`,
    );
    expect(forRuth.statusCode).toBe(200);
    const ruthWords = wordsOf(forRuth.body);
    expect(ruthWords).toContain('registered representative of the late Harold Hale');
    expect(ruthWords).toContain("What of Harold Hale's information was involved");
    expect(ruthWords).toContain(
      CATALOG.en.advice.identity.representative
        .replaceAll('{name}', 'Harold Hale')
        .replaceAll('{company}', 'Example Corp'),
    );
    expect(ruthWords).not.toContain('What of your information');
  });

  it('records the acknowledgement once, with one audit event, and shows it', async () => {
    const token = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.billingOnly));
    const row = async () =>
      (
        await world.db.pool.query(
          `SELECT a.acknowledged_at, a.incident_id, a.customer_id FROM affected_customers a WHERE ${BY_TOKEN}`,
          [token],
        )
      ).rows[0];
    expect((await row()).acknowledged_at).toBeNull();

    const first = await acknowledge(token);
    expect(first.statusCode, first.body).toBe(303);
    expect(first.headers.location).toBe(`/n/${token}`);
    const { acknowledged_at: at, incident_id: incidentId, customer_id: customerId } = await row();
    expect(at).toBeInstanceOf(Date);

    await new Promise((r) => setTimeout(r, 20));
    const second = await acknowledge(token);
    expect(second.statusCode).toBe(303);
    expect((await row()).acknowledged_at).toEqual(at);

    const events = await world.db.pool.query(
      `SELECT actor, detail FROM audit_events WHERE incident_id = $1 AND action = 'notice_acknowledged'`,
      [incidentId],
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]).toMatchObject({ actor: 'customer', detail: { customerId } });

    // Acknowledging one incident's notice does not acknowledge another's.
    const other = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling));
    expect(
      (
        await world.db.pool.query(`SELECT acknowledged_at FROM affected_customers a WHERE ${BY_TOKEN}`, [
          other,
        ])
      ).rows[0].acknowledged_at,
    ).toBeNull();

    const page = await get(`/n/${token}`);
    expect(wordsOf(page.body)).toContain('You told us on');
    // No acknowledgement form any more (the question form stays).
    expect(page.body).not.toContain('/acknowledge">');
  });

  it('answers any wrong link with the same plain 404 page that reveals nothing', async () => {
    const real = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling));
    const wrong = [
      randomBytes(32).toString('hex'),
      randomBytes(32).toString('hex'),
      `${real.slice(0, 63)}${real.endsWith('0') ? '1' : '0'}`,
      'abc',
      real.toUpperCase(),
    ];
    const answers = await Promise.all([
      ...wrong.map((t) => get(`/n/${t}`)),
      get(`/n/${real}/extra`),
      get('/n/'),
    ]);
    for (const a of answers) {
      expect(a.statusCode).toBe(404);
      expect(a.headers['content-type']).toMatch(/^text\/html/);
      expect(a.headers['cache-control']).toBe('no-store');
      expect(a.body).toBe(answers[0]!.body);
    }
    const body = answers[0]!.body;
    expect(wordsOf(body)).toContain('Page not found');
    expect(body).not.toMatch(/FR-\d{4}-\d{4}|Alice|alice@|Exposed|incident/i);
    const ack = await acknowledge(wrong[0]!);
    expect(ack.statusCode).toBe(404);
    expect(ack.body).toBe(body);
  });

  it('limits rapid guessing to 30 requests a minute per address', async () => {
    const address = '198.51.100.7';
    for (let i = 0; i < 30; i++) {
      const r = await get(`/n/${randomBytes(32).toString('hex')}`, address);
      expect(r.statusCode).toBe(404);
    }
    const limited = await get(`/n/${randomBytes(32).toString('hex')}`, address);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(wordsOf(limited.body)).toContain('Too many requests');
    // Only misses are limited (issue 20): a valid link from the same address is still served, and
    // other addresses are unaffected.
    const token = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling));
    expect((await get(`/n/${token}`, address)).statusCode).toBe(200);
    expect((await get(`/n/${token}`, '198.51.100.8')).statusCode).toBe(200);
  });

  it('stores no working token: the record holds a random value and the hash of the emailed token', async () => {
    const mail = world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling);
    const token = pageTokenIn(mail);
    const { rows } = await world.db.pool.query(
      `SELECT a.page_seed, a.page_token_hash, a.page_expires_at, d.sent_at, to_jsonb(a)::text AS record
       FROM affected_customers a JOIN deliveries d USING (incident_id, customer_id) WHERE ${BY_TOKEN}`,
      [token],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row.page_token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.page_seed).toMatch(/^[0-9a-f]{64}$/);
    expect(row.page_seed).not.toBe(token);
    // No column of any record, delivery or stored send context holds a token that works.
    expect(row.record).not.toContain(token);
    for (const table of ['affected_customers', 'deliveries', 'notice_send_contexts']) {
      const all = await world.db.pool.query(
        `SELECT count(*)::int AS n FROM ${table} t WHERE to_jsonb(t)::text LIKE $1`,
        [`%${token}%`],
      );
      expect(all.rows[0].n, table).toBe(0);
    }
    // The link works for PAGE_TOKEN_DAYS (400 by default) from the sending.
    const days = (row.page_expires_at.getTime() - row.sent_at.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(399.9);
    expect(days).toBeLessThan(400.1);
    // The emailed link opens the page.
    expect((await get(`/n/${token}`)).statusCode).toBe(200);
  });

  it('answers an expired link with the expired page (410), in every language and revealing nothing', async () => {
    const token = pageTokenIn(world.messageTo(PEOPLE.ruth, world.incidents.crmAndBilling));
    const expire = (at: string) =>
      world.db.pool.query(`UPDATE affected_customers a SET page_expires_at = ${at} WHERE ${BY_TOKEN}`, [
        token,
      ]);
    const before = await world.db.pool.query(
      `SELECT page_expires_at FROM affected_customers a WHERE ${BY_TOKEN}`,
      [token],
    );
    await expire(`now() - interval '1 second'`);
    try {
      const page = await get(`/n/${token}`);
      expect(page.statusCode).toBe(410);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      const words = wordsOf(page.body);
      for (const phrase of [
        'This link has expired',
        'Este enlace ha caducado',
        'Ce lien a expiré',
        'Dieser Link ist abgelaufen',
      ])
        expect(words).toContain(phrase);
      expect(page.body).not.toMatch(/FR-\d{4}-\d{4}|Ruth|Harold|ruth@|Exposed|incident/i);
      const ack = await acknowledge(token);
      expect(ack.statusCode).toBe(410);
      expect(ack.body).toBe(page.body);
    } finally {
      await world.db.pool.query(`UPDATE affected_customers a SET page_expires_at = $2 WHERE ${BY_TOKEN}`, [
        token,
        before.rows[0].page_expires_at,
      ]);
    }
    expect((await get(`/n/${token}`)).statusCode).toBe(200);
  });

  it('keeps a link sent before migration 013 working: its raw token hashed in place, no random value', async () => {
    const token = pageTokenIn(world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling));
    const { rows } = await world.db.pool.query(
      `SELECT incident_id, customer_id, page_seed, page_token_hash FROM affected_customers a WHERE ${BY_TOKEN}`,
      [token],
    );
    const record = rows[0];
    // What migration 013 leaves of a record whose raw token was emailed.
    const raw = randomBytes(32).toString('hex');
    const set = (seed: string | null, hash: string) =>
      world.db.pool.query(
        `UPDATE affected_customers SET page_seed = $3, page_token_hash = $4 WHERE incident_id = $1 AND customer_id = $2`,
        [record.incident_id, record.customer_id, seed, hash],
      );
    await set(null, createHash('sha256').update(raw).digest('hex'));
    try {
      const page = await get(`/n/${raw}`);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).toContain(`/n/${raw}/acknowledge`);
      expect(wordsOf(page.body)).toContain(`${CATALOG.en.categories.payment_card} (ending in 4242)`);
    } finally {
      await set(record.page_seed, record.page_token_hash);
    }
  });

  it('takes its limit from the route options', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(customerPageRoutes, {
      config: world.system.config,
      pool: world.db.pool,
      temporal: world.system.client,
      logger: undefined as never,
      templates: new TemplateCache(world.db.pool),
      limits: { viewsPerLink: 3, windowMs: 60_000 },
    } as Parameters<typeof customerPageRoutes>[1]);
    const token = pageTokenIn(world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling));
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await app.inject({ method: 'GET', url: `/n/${token}` })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    await (app as unknown as App).close();
  });
});

describe('templates/page', () => {
  const dir = join(defaultTemplatesDir(), 'page');

  it('exists in every language the notices do, and never prints unescaped output', () => {
    const languages = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(languages.sort()).toEqual(Object.keys(CATALOG).sort());
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const f of files) {
      const text = readFileSync(join(f.parentPath, f.name), 'utf8');
      expect(text, f.name).not.toMatch(/\{\{\{|\{\{&/);
      expect(text, f.name).not.toMatch(/<script/i);
      expect(wordsOf(text.replace(/\{\{[^}]*\}\}/g, ' ')), f.name).not.toMatch(MARKETING);
    }
  });

  it('is not part of the mail template snapshot', () => {
    expect(Object.keys(loadTemplateSources()).some((p) => p.startsWith('page/'))).toBe(false);
  });
});
