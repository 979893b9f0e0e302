import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as affected from '../../core/db/affected';
import * as notices from '../../core/db/notices';
import { inTransaction } from '../../core/db/pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { planChannels } from '../../core/use-cases/channels';
import { exportDossier } from '../../core/use-cases/dossier';
import { assess } from '../../core/use-cases/obligations';
import { carriedOutSubstitutes } from '../../core/use-cases/substitute-notice';
import { assessSubstituteNotice } from '../../core/use-cases/substitute-texts';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
  recordSent,
} from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * Substitute notice end to end on the real stack (PostgreSQL, the API): a California incident over
 * the statute's threshold (a letter each would cost more than $250,000, and one person has no contact
 * details at all) gets a substitute notice of e-mail, a 30-day website posting and statewide media;
 * the website and media texts are drafted for approval, decided four-eyes, the website posting is
 * served publicly without anyone's personal data, and the notice stays open until every element is
 * recorded.
 */
describe('substitute notice (API)', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let config: Readonly<Config>;
  let compliance: StaffMember;
  let secondCompliance: StaffMember;
  let officer: StaffMember;
  let incidentId: string;

  const PEOPLE = [
    { externalId: 'SUB-ALICE', fullName: 'Alice Substitute', kind: 'email_with_consent' },
    { externalId: 'SUB-BOB', fullName: 'Bob Substitute', kind: 'address_only' },
    { externalId: 'SUB-CAROL', fullName: 'Carol Substitute', kind: 'none' },
  ] as const;

  // Alice is emailed; Bob and Carol would need a letter each, at $150,000: over California's
  // $250,000 (Cal. Civ. Code § 1798.82(j)(3)).
  const ENV = { NOTICE_COST_PER_LETTER_USD: '150000', PUBLIC_BASE_URL: 'https://notices.example.com' };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    compliance = await newUser(db.pool, { role: 'compliance', email: 'sub-compliance@staff.example.com' });
    secondCompliance = await newUser(db.pool, {
      role: 'compliance',
      email: 'sub-compliance-2@staff.example.com',
    });
    officer = await newUser(db.pool, { role: 'officer', email: 'sub-officer@staff.example.com' });
    await importInventory(db.pool, {
      customers: PEOPLE.map((p) =>
        customerWith(p.kind, { externalId: p.externalId, fullName: p.fullName, region: 'US-CA' }),
      ),
      holdings: PEOPLE.map((p) => ({
        customerExternalId: p.externalId,
        system: 'billing-sub',
        categories: ['ssn'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      openedBy: officer.user,
      systems: ['billing-sub'],
      dataCategories: ['ssn'],
      title: 'Billing database copied',
      description: 'An attacker copied part of our billing database.',
    }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
    await planChannels({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  const overview = async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/substitute-notices`,
      headers: bearer(compliance.token),
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const decide = (who: StaffMember, noticeId: string, contentHash: string) =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/texts/${noticeId}/decision`,
      headers: bearer(who.token),
      payload: { decision: 'approve', contentHash },
    });
  const publicPage = (publicId: string) => app.inject({ method: 'GET', url: `/incident-notice/${publicId}` });

  it('finds California’s conditions met and drafts the website and media texts', async () => {
    const templates = new TemplateCache(db.pool);
    const result = await assessSubstituteNotice({ pool: db.pool, templates, config }, incidentId);
    expect(result).toMatchObject({ open: 1, carriedOut: 0, drafted: 2 });
    // Retried, it drafts nothing twice.
    expect(await assessSubstituteNotice({ pool: db.pool, templates, config }, incidentId)).toMatchObject({
      drafted: 0,
    });

    const { items, website, media, posting } = await overview();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      ruleId: 'US-CA.individuals',
      jurisdiction: 'US-CA',
      citation: 'Cal. Civ. Code § 1798.82(j)(3)',
      reasons: ['cost', 'insufficient_contact'],
      residents: 3,
      unreachable: 1,
      status: 'open',
    });
    expect(
      items[0].elements.map((e: { kind: string; minDays: number | null }) => [e.kind, e.minDays]),
    ).toEqual([
      ['email', null],
      ['website', 30],
      ['media', null],
    ]);
    expect(website.notice).toMatchObject({ audience: 'substitute_website', status: 'pending_approval' });
    expect(media.notice).toMatchObject({ audience: 'substitute_media', status: 'pending_approval' });
    expect(media.rendered.text).toContain('Billing database copied');
    expect(media.rendered.text).toContain('Social Security number');
    expect(posting).toMatchObject({ live: false, startsAt: null });
    // Nothing is up before the text is approved.
    expect((await publicPage(posting.publicId)).statusCode).toBe(404);
  });

  it('keeps the substitute texts out of the individuals’ notice list', async () => {
    expect(await notices.listForIncident(db.pool, incidentId)).toEqual([]);
  });

  it('refuses the officer who opened the incident, and a reviser deciding on their own text', async () => {
    const { website } = await overview();
    const byOfficer = await decide(officer, website.notice.id, website.notice.contentHash);
    expect(byOfficer.statusCode).toBe(403);

    const revised = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/texts`,
      headers: bearer(secondCompliance.token),
      payload: {
        audience: 'substitute_media',
        whatHappened: 'An attacker copied part of our billing database on 1 December.',
        whatWeAreDoing: 'We closed the access and are working with investigators.',
      },
    });
    expect(revised.statusCode).toBe(201);
    expect(revised.json()).toMatchObject({ version: 2, revisedBy: secondCompliance.user.id });
    const own = await decide(secondCompliance, revised.json().id, revised.json().contentHash);
    expect(own.statusCode).toBe(403);
    expect(own.json().message).toMatch(/revised/);
  });

  it('refuses a decision on other text than the one reviewed (the content hash)', async () => {
    const { website } = await overview();
    const res = await decide(compliance, website.notice.id, 'a'.repeat(64));
    expect(res.statusCode).toBe(409);
  });

  it('puts the approved website text up on a public page without anyone’s personal data', async () => {
    const { website } = await overview();
    const res = await decide(compliance, website.notice.id, website.notice.contentHash);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'approved' });

    const { items, posting } = await overview();
    expect(posting.live).toBe(true);
    expect(posting.url).toBe(`https://notices.example.com/incident-notice/${posting.publicId}`);
    const days = (Date.parse(posting.endsAt) - Date.parse(posting.startsAt)) / 86_400_000;
    expect(days).toBe(30);
    const element = items[0].elements.find((e: { kind: string }) => e.kind === 'website');
    expect(element).toMatchObject({ startsAt: posting.startsAt, endsAt: posting.endsAt, channel: 'website' });

    const page = await publicPage(posting.publicId);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('Notice of a data security incident');
    expect(page.body).toContain('California');
    expect(page.body).toMatch(/stays on this page until \w+ \d+, \d{4}/);
    const people = await affected.listPage(db.pool, incidentId, { after: 0, limit: 10 });
    expect(people).toHaveLength(3);
    for (const person of people) {
      expect(page.body).not.toContain(person.fullName);
      expect(page.body).not.toContain(person.externalId);
      expect(page.body).not.toContain(person.referenceCode);
      if (person.email) expect(page.body).not.toContain(person.email);
    }
  });

  it('stays open until the e-mail went out and the media notice is recorded', async () => {
    const templates = new TemplateCache(db.pool);
    const notice = await approvedNotice({ pool: db.pool, templates, config }, incidentId, compliance.user);
    let [row] = (await overview()).items;
    expect(row.status).toBe('open');
    expect(row.elements.find((e: { kind: string }) => e.kind === 'email').recordedAt).toBeNull();

    // Alice, the one person reached by e-mail, is sent hers: the e-mail element is done.
    await recordSent({ pool: db.pool, config }, { incidentId, noticeId: notice.id, count: 3 });
    expect(await inTransaction(db.pool, (tx) => carriedOutSubstitutes(tx, incidentId))).toEqual([]);
    [row] = (await overview()).items;
    expect(row.elements.find((e: { kind: string }) => e.kind === 'email').recordedAt).not.toBeNull();
    expect(row.status).toBe('open');

    const recordMedia = () =>
      app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/substitute-notices/${row.id}/elements`,
        headers: bearer(compliance.token),
        payload: {
          kind: 'media',
          on: new Date().toISOString(),
          channel: 'Los Angeles Times; San Francisco Chronicle',
          evidence: 'Tear sheets filed as MEDIA-2026-12',
        },
      });
    // The media text is not approved yet: its publication cannot be recorded.
    const early = await recordMedia();
    expect(early.statusCode).toBe(409);
    const { media } = await overview();
    expect(media.notice.revisedBy).toBe(secondCompliance.user.id);
    expect((await decide(compliance, media.notice.id, media.notice.contentHash)).statusCode).toBe(200);

    const recorded = await recordMedia();
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({ status: 'carried_out' });
    expect(await inTransaction(db.pool, (tx) => carriedOutSubstitutes(tx, incidentId))).toEqual([
      'US-CA.individuals',
    ]);
    const again = await recordMedia();
    expect(again.statusCode).toBe(409);
  });

  it('puts what was due and what was recorded in the evidence dossier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'substitute-dossier-'));
    await exportDossier({ pool: db.pool }, compliance.actor, { incidentId, dir });
    const dossier = JSON.parse(readFileSync(join(dir, 'dossier.json'), 'utf8'));
    const actions = dossier.recordedActions.map((d: { action: string }) => d.action);
    for (const action of [
      'substitute_notice_reviewed',
      'substitute_posting_live',
      'substitute_element_recorded',
      'substitute_notice_carried_out',
    ])
      expect(actions).toContain(action);
  });

  it('refuses to record by hand what Forthright records itself, naming the field', async () => {
    const [row] = (await overview()).items;
    const res = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/${row.id}/elements`,
      headers: bearer(compliance.token),
      payload: { kind: 'website', on: new Date().toISOString(), channel: 'web', evidence: 'posted' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('kind');
  });

  it('replaces a posted website text with an approved correction, keeping the posting’s period', async () => {
    const before = (await overview()).posting;
    const revised = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/texts`,
      headers: bearer(officer.token),
      payload: {
        audience: 'substitute_website',
        whatHappened: 'Corrected: an attacker copied part of our billing database on 2 December.',
        whatWeAreDoing: 'We closed the access and are working with investigators.',
      },
    });
    expect(revised.statusCode).toBe(201);
    expect((await decide(compliance, revised.json().id, revised.json().contentHash)).statusCode).toBe(200);
    const after = (await overview()).posting;
    expect(after).toMatchObject({
      startsAt: before.startsAt,
      endsAt: before.endsAt,
      noticeId: revised.json().id,
    });
    expect((await publicPage(after.publicId)).body).toContain('Corrected: an attacker copied');
  });

  it('answers 410 Gone once the posting period is over', async () => {
    const { posting } = await overview();
    // Stands for the 30 days having passed: the one write here no product function makes.
    await db.pool.query(
      `UPDATE substitute_postings SET starts_at = starts_at - interval '31 days', ends_at = ends_at - interval '31 days'
       WHERE incident_id = $1`,
      [incidentId],
    );
    const page = await publicPage(posting.publicId);
    expect(page.statusCode).toBe(410);
    expect(page.body).not.toContain('Billing database copied');
    expect((await publicPage('no-such-notice')).statusCode).toBe(404);
  });
});

/**
 * HIPAA's substitute notice for 10 or more unreachable patients (45 CFR 164.404(d)(2)(ii)): a web
 * posting for 90 days *or* major media, plus a toll-free number for 90 days. The posting satisfies
 * the first (media is then not needed); the toll-free line is recorded with its first day and runs
 * 90 days from it.
 */
describe('substitute notice (API): HIPAA, 10 unreachable', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let compliance: StaffMember;
  let incidentId: string;
  const ENV = { COMPANY_REGIMES: 'hipaa' };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    compliance = await newUser(db.pool, { role: 'compliance', email: 'hipaa-compliance@staff.example.com' });
    const patients = Array.from({ length: 10 }, (_, i) =>
      customerWith('none', { externalId: `PAT-${i}`, region: 'US-TX' }),
    );
    await importInventory(db.pool, {
      customers: patients,
      holdings: patients.map((p) => ({
        customerExternalId: p.externalId,
        system: 'ehr',
        categories: ['medical'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['ehr'], dataCategories: ['medical'] }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
    await planChannels({ pool: db.pool, config }, incidentId);
    await assessSubstituteNotice(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      incidentId,
    );
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  const hipaa = async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/substitute-notices`,
      headers: bearer(compliance.token),
    });
    return res.json();
  };

  it('asks for a posting or media, and a 90-day toll-free line; carried out with the posting and the line', async () => {
    const overview = await hipaa();
    const row = overview.items.find((s: { ruleId: string }) => s.ruleId === 'US-HIPAA.individuals');
    expect(row).toMatchObject({ citation: '45 CFR 164.404(d)(2)(ii)', unreachable: 10, status: 'open' });
    expect(row.elements.map((e: { kind: string; choice: number | null }) => [e.kind, e.choice])).toEqual([
      ['website', 0],
      ['media', 0],
      ['toll_free', null],
    ]);

    const on = new Date('2026-12-08T15:00:00Z');
    const line = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/${row.id}/elements`,
      headers: bearer(compliance.token),
      payload: {
        kind: 'toll_free',
        on: on.toISOString(),
        channel: '1-800-555-0100',
        evidence: 'Carrier order 4411',
      },
    });
    expect(line.statusCode).toBe(200);
    const tollFree = line.json().elements.find((e: { kind: string }) => e.kind === 'toll_free');
    expect(Date.parse(tollFree.endsAt) - Date.parse(tollFree.startsAt)).toBe(90 * 86_400_000);
    expect(line.json().status).toBe('open');

    const decided = await app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/substitute-notices/texts/${overview.website.notice.id}/decision`,
      headers: bearer(compliance.token),
      payload: { decision: 'approve', contentHash: overview.website.notice.contentHash },
    });
    expect(decided.statusCode).toBe(200);
    const after = (await hipaa()).items.find((s: { ruleId: string }) => s.ruleId === 'US-HIPAA.individuals');
    expect(after.status).toBe('carried_out');
    expect(after.elements.find((e: { kind: string }) => e.kind === 'media').recordedAt).toBeNull();
    expect((await hipaa()).posting.endsAt).toBeTruthy();
  });
});
