import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as affected from '../../core/db/affected';
import * as notices from '../../core/db/notices';
import type { Pool } from '../../core/db/pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { planChannels } from '../../core/use-cases/channels';
import { RenderedPages } from '../../core/use-cases/customer-page';
import { assess } from '../../core/use-cases/obligations';
import {
  assessSubstituteNotice,
  decideSubstituteText,
  reviseSubstituteText,
  showSubstitutePosting,
  substituteOverview,
} from '../../core/use-cases/substitute-texts';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';

// The substitute notice's posting is one page everybody who hears of the breach may read, often
// many from one carrier NAT or office proxy: like the customer page (issue 20), its limits stop
// scanning, not people. A posting that is up is never refused; misses are throttled.

describe('substitute notice page limits: misses are throttled, readers are not', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let compliance: StaffMember;
  let reviser: StaffMember;
  const apis: Awaited<ReturnType<typeof startApiOnly>>[] = [];
  // A letter each would cost more than California's $250,000: a substitute notice is due.
  const ENV = { NOTICE_COST_PER_LETTER_USD: '150000' };

  const api = async (overrides: Record<string, string> = {}) => {
    const started = await startApiOnly(db, { ...ENV, ...overrides });
    apis.push(started);
    return started.app;
  };
  const get = (app: App, publicId: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url: `/incident-notice/${publicId}`, remoteAddress });
  const unknownId = () => randomBytes(16).toString('base64url');
  const deps = () => ({ pool: db.pool, templates, config });

  /** An incident of three Californians whose approved website text is up; its id and posting. */
  const livePosting = async (tag: string) => {
    const people = (['email_with_consent', 'address_only', 'none'] as const).map((kind, i) =>
      customerWith(kind, { externalId: `${tag}-${i}`, fullName: `Person ${tag} ${i}`, region: 'US-CA' }),
    );
    await importInventory(db.pool, {
      customers: people,
      holdings: people.map((p) => ({
        customerExternalId: p.externalId,
        system: `billing-${tag}`,
        categories: ['ssn'],
      })),
    });
    const { incident } = await newIncident(db.pool, {
      systems: [`billing-${tag}`],
      dataCategories: ['ssn'],
      title: 'Billing database copied',
    });
    await identifyAffected(db.pool, incident.id);
    await assess({ pool: db.pool, config }, incident.id);
    await planChannels({ pool: db.pool, config }, incident.id);
    await assessSubstituteNotice(deps(), incident.id);
    const { website } = await substituteOverview(deps(), incident.id);
    await approve(incident.id, website!.notice.id, website!.notice.contentHash);
    const { posting } = await substituteOverview(deps(), incident.id);
    expect(posting?.live).toBe(true);
    return { incidentId: incident.id, publicId: posting!.publicId };
  };
  const approve = (incidentId: string, noticeId: string, contentHash: string) =>
    decideSubstituteText(deps(), compliance.actor, {
      incidentId,
      noticeId,
      contentHash,
      decision: 'approve',
      comment: null,
    });

  let live: { incidentId: string; publicId: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    templates = new TemplateCache(db.pool);
    compliance = await newUser(db.pool, { role: 'compliance', email: 'limits-compliance@staff.example.com' });
    reviser = await newUser(db.pool, { role: 'officer', email: 'limits-officer@staff.example.com' });
    live = await livePosting('LIVE');
  }, 120_000);
  afterAll(async () => {
    for (const a of apis) await a.close();
    await db?.drop();
  });

  it('serves the posting 300 times to one address, whatever the miss limits', async () => {
    const app = await api({ PAGE_MISS_LIMIT_PER_ADDRESS: '5', PAGE_MISS_LIMIT_TOTAL: '5' });
    const nat = '203.0.113.90';
    const codes: number[] = [];
    for (let i = 0; i < 300; i += 20)
      codes.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => get(app, live.publicId, nat)))).map(
          (r) => r.statusCode,
        ),
      );
    expect(codes).toEqual(Array(300).fill(200));
    const page = await get(app, live.publicId, nat);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Notice of a data security incident');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("form-action 'none'");
  });

  it('throttles 300 unknown ids from one address after the limit, and still serves the posting to it', async () => {
    const app = await api({ PAGE_MISS_LIMIT_PER_ADDRESS: '25' });
    const scanner = '203.0.113.91';
    const codes: number[] = [];
    for (let i = 0; i < 300; i++) {
      // Every kind of miss counts: unknown, malformed, a real id in the wrong case, a deeper path.
      const id =
        i % 4 === 0
          ? unknownId()
          : i % 4 === 1
            ? 'no-such-notice'
            : i % 4 === 2
              ? live.publicId.toUpperCase()
              : `${live.publicId}/extra`;
      codes.push((await get(app, id, scanner)).statusCode);
    }
    expect(codes.slice(0, 25)).toEqual(Array(25).fill(404));
    expect(codes.slice(25)).toEqual(Array(275).fill(429));
    const limited = await get(app, unknownId(), scanner);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(limited.body).toContain('Too many requests');

    // The address is throttled for misses only: the posting still answers it.
    for (let i = 0; i < 5; i++) expect((await get(app, live.publicId, scanner)).statusCode).toBe(200);
    // And nobody else's misses are throttled.
    expect((await get(app, unknownId(), '203.0.113.92')).statusCode).toBe(404);
  });

  it('throttles misses in total too (a scanner on many addresses), never the posting', async () => {
    const app = await api({ PAGE_MISS_LIMIT_TOTAL: '10' });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await get(app, unknownId(), `198.51.100.${i + 1}`)).statusCode);
    expect(codes).toEqual([...Array(10).fill(404), 429, 429]);
    expect((await get(app, live.publicId, '198.51.100.200')).statusCode).toBe(200);
  });

  it('renders the page once per posted version: after that, one indexed lookup a request', async () => {
    const statements: string[] = [];
    const pool = new Proxy(db.pool, {
      get(target, prop, receiver) {
        if (prop === 'query')
          return (query: string | { text: string }, values?: unknown[]) => {
            statements.push(typeof query === 'string' ? query : query.text);
            return target.query(query as string, values);
          };
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Pool;
    let renders = 0;
    const counting = {
      get: async (version: string) => {
        renders += 1;
        return templates.get(version);
      },
    } as unknown as TemplateCache;
    const page = { pool, templates: counting, rendered: new RenderedPages() };
    const { incidentId, publicId } = await livePosting('CACHE');

    const first = await showSubstitutePosting(page, publicId);
    expect(first).toContain('Billing database copied');
    expect(renders).toBe(1);
    statements.length = 0;
    for (let i = 0; i < 50; i++) expect(await showSubstitutePosting(page, publicId)).toBe(first);
    expect(renders).toBe(1);
    expect(statements).toHaveLength(50);
    expect(new Set(statements).size).toBe(1);
    expect(statements[0]).toMatch(/WHERE public_id = \$1/);

    // An approved correction replaces the posted text: the next request renders it, once.
    const revised = await reviseSubstituteText(deps(), reviser.actor, {
      incidentId,
      audience: 'substitute_website',
      whatHappened: 'Corrected: an attacker copied part of our billing database on 2 December.',
      whatWeAreDoing: 'We closed the access and are working with investigators.',
    });
    await approve(incidentId, revised.id, revised.contentHash);
    const corrected = await showSubstitutePosting(page, publicId);
    expect(corrected).toContain('Corrected: an attacker copied');
    expect(await showSubstitutePosting(page, publicId)).toBe(corrected);
    expect(renders).toBe(2);
    expect((await notices.get(db.pool, revised.id))?.status).toBe('approved');
  });

  it('answers 410 after the end date, counted as a miss, with nobody’s personal data on any page', async () => {
    const app = await api({ PAGE_MISS_LIMIT_PER_ADDRESS: '3' });
    const ending = await livePosting('ENDED');
    const before = await get(app, ending.publicId, '203.0.113.93');
    expect(before.statusCode).toBe(200);
    // Stands for the 30 days having passed: the one write here no product function makes.
    await db.pool.query(
      `UPDATE substitute_postings SET starts_at = starts_at - interval '31 days', ends_at = ends_at - interval '31 days'
       WHERE incident_id = $1`,
      [ending.incidentId],
    );
    const codes: number[] = [];
    const bodies: string[] = [before.body];
    for (let i = 0; i < 4; i++) {
      const res = await get(app, ending.publicId, '203.0.113.93');
      codes.push(res.statusCode);
      bodies.push(res.body);
    }
    expect(codes).toEqual([410, 410, 410, 429]);
    expect(bodies[1]).not.toContain('Billing database copied');
    // The other posting is still up, to the same address.
    expect((await get(app, live.publicId, '203.0.113.93')).statusCode).toBe(200);

    for (const incidentId of [ending.incidentId, live.incidentId]) {
      const people = await affected.listPage(db.pool, incidentId, { after: 0, limit: 10 });
      expect(people).toHaveLength(3);
      for (const body of bodies)
        for (const person of people) {
          expect(body).not.toContain(person.fullName);
          expect(body).not.toContain(person.externalId);
          expect(body).not.toContain(person.referenceCode);
          if (person.email) expect(body).not.toContain(person.email);
        }
    }
  });
});
