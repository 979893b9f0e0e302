import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as affected from '../../../core/db/affected';
import * as audit from '../../../core/db/audit';
import * as deliveries from '../../../core/db/deliveries';
import * as obligations from '../../../core/db/obligations';
import { inTransaction } from '../../../core/db/pool';
import * as reach from '../../../core/db/reach';
import * as substitutes from '../../../core/db/substitute-notices';
import { deliverShardPass } from '../../../core/delivery';
import { SmtpPool } from '../../../core/mail/smtp-pool';
import { TemplateCache } from '../../../core/mail/template-cache';
import { recordBounce } from '../../../core/use-cases/bounces';
import { planChannels } from '../../../core/use-cases/channels';
import { finishDelivery } from '../../../core/use-cases/deliveries';
import { assess } from '../../../core/use-cases/obligations';
import { reachOf, settleReach } from '../../../core/use-cases/reach';
import { startApiOnly } from '../../helpers/app';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
  recordSent,
} from '../../helpers/factories';
import type { CustomerOverrides } from '../../helpers/factories';
import { startSmtpSink } from '../../helpers/smtp';
import { bearer } from '../../helpers/system';

/**
 * Channels and honest status on real PostgreSQL: `planChannels` decides each person's channel by the
 * rules that apply to them, in one statement; `settleReach` meets an individuals' obligation only
 * when everyone it counts is notified (or covered), and re-opens it when someone turns out unreached.
 */
describe('core/use-cases/channels and reach', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let hipaaConfig: Readonly<Config>;
  let templates: TemplateCache;

  /** An incident on its own system exposing SSNs (and `extra`), identified and assessed. */
  const incidentOver = async (system: string, customers: CustomerOverrides[], cfg = config) => {
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c) => ({
        customerExternalId: c.externalId,
        system,
        categories: ['ssn', 'medical'],
      })),
    });
    const { incident } = await newIncident(db.pool, {
      systems: [system],
      dataCategories: system.startsWith('hipaa') ? ['ssn', 'medical'] : ['ssn'],
      discoveredAt: new Date(Date.now() - 3_600_000),
    });
    await identifyAffected(db.pool, incident.id);
    await assess({ pool: db.pool, config: cfg }, incident.id);
    return incident.id;
  };

  /** Each person's channel and reason, by external id. */
  const channels = async (incidentId: string) => {
    const { rows } = await db.pool.query<{
      externalId: string;
      channel: string | null;
      reason: string | null;
    }>(
      `SELECT c.external_id AS "externalId", a.channel, a.channel_reason AS reason
       FROM affected_customers a JOIN customers c ON c.id = a.customer_id WHERE a.incident_id = $1`,
      [incidentId],
    );
    return Object.fromEntries(rows.map((r) => [r.externalId, [r.channel, r.reason]]));
  };

  const individuals = async (incidentId: string, jurisdiction: string) =>
    (await obligations.current(db.pool, incidentId)).find(
      (o) => o.audience === 'individuals' && o.jurisdiction === jurisdiction,
    )!;

  const actions = async (incidentId: string) =>
    (await audit.listForIncident(db.pool, incidentId)).map((e) => e.action);

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-reach-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    };
    config = loadConfig(env);
    hipaaConfig = loadConfig({ ...env, COMPANY_REGIMES: 'hipaa' });
    templates = new TemplateCache(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('plans each person by the rules that apply to them and their contact facts, in one pass', async () => {
    const id = await incidentOver('plan', [
      // California allows email only with E-SIGN consent.
      customerWith('email_with_consent', { externalId: 'CA-CONSENT', country: 'US', region: 'US-CA' }),
      customerWith('email_without_consent', { externalId: 'CA-NOCONSENT', country: 'US', region: 'US-CA' }),
      customerWith('address_only', { externalId: 'CA-ADDRESS', country: 'US', region: 'US-CA' }),
      customerWith('none', { externalId: 'CA-NOTHING', country: 'US', region: 'US-CA' }),
      { externalId: 'CA-EMAILONLY', country: 'US', region: 'US-CA', electronicConsent: null },
      // GDPR: any effective means, so email without consent counts.
      { externalId: 'DE-EMAIL', country: 'DE', electronicConsent: null },
      // New York: express consent.
      { externalId: 'NY-NOCONSENT', country: 'US', region: 'US-NY', electronicConsent: null },
      customerWith('email_with_consent', { externalId: 'NY-CONSENT', country: 'US', region: 'US-NY' }),
      // A deceased customer: their representative is emailed; without one, handled by hand.
      {
        externalId: 'CA-DECEASED',
        country: 'US',
        region: 'US-CA',
        status: 'deceased',
        representativeName: 'Rita Rep',
        representativeEmail: 'rita@example.org',
        electronicConsent: null,
      },
      { externalId: 'CA-DECEASED-NOREP', country: 'US', region: 'US-CA', status: 'deceased', email: null },
      // One person (one key) with records in Germany and California: the stricter rule decides.
      {
        externalId: 'MERGED-DE',
        country: 'DE',
        personKey: 'P-1',
        email: 'merged@example.org',
        electronicConsent: null,
      },
      {
        externalId: 'MERGED-CA',
        country: 'US',
        region: 'US-CA',
        personKey: 'P-1',
        email: 'merged@example.org',
        electronicConsent: null,
      },
    ]);

    const counts = await planChannels({ pool: db.pool, config }, id);
    expect(counts).toEqual({ email: 4, letter: 1, emailAndLetter: 1, none: 4 });
    expect(await channels(id)).toEqual({
      'CA-CONSENT': ['email', 'email_consented'],
      'CA-NOCONSENT': ['email_and_letter', 'no_consent'],
      'CA-ADDRESS': ['letter', 'no_email'],
      'CA-NOTHING': ['none', 'no_contact'],
      'CA-EMAILONLY': ['none', 'no_consent'],
      'DE-EMAIL': ['email', 'email_allowed'],
      'NY-NOCONSENT': ['none', 'no_consent'],
      'NY-CONSENT': ['email', 'email_consented'],
      'CA-DECEASED': ['email', 'representative_email'],
      'CA-DECEASED-NOREP': [null, null],
      // One person: the recipient record carries the channel, and its one notice must meet
      // California's rule too (no consent, no address: none); the merged record is covered by it.
      'MERGED-DE': ['none', 'no_consent'],
      'MERGED-CA': [null, null],
    });

    // A retry plans nothing again and writes no second entry.
    expect(await planChannels({ pool: db.pool, config }, id)).toEqual(counts);
    expect((await actions(id)).filter((a) => a === 'notice_channels_planned')).toHaveLength(1);
    // Some notice reaches everyone but the one handled by hand and those with no channel and no
    // email (those with an email are emailed, as part of the substitute notice: CA-EMAILONLY,
    // NY-NOCONSENT, MERGED-DE).
    expect(await reach.countNotifiable(db.pool, id)).toBe(9);
  });

  it('asks for first-class mail under HIPAA unless the patient agreed to email', async () => {
    const id = await incidentOver(
      'hipaa',
      [
        // Florida allows email freely; HIPAA does not, for a covered entity's patients.
        customerWith('email_without_consent', { externalId: 'FL-PATIENT', country: 'US', region: 'US-FL' }),
        customerWith('email_with_consent', { externalId: 'FL-AGREED', country: 'US', region: 'US-FL' }),
      ],
      hipaaConfig,
    );
    await planChannels({ pool: db.pool, config: hipaaConfig }, id);
    expect(await channels(id)).toEqual({
      'FL-PATIENT': ['email_and_letter', 'no_consent'],
      'FL-AGREED': ['email', 'email_consented'],
    });
  });

  it('counts a patient with records in two states once in HIPAA’s pooled notice, and in each state’s', async () => {
    const id = await incidentOver(
      'hipaa-merged',
      [
        customerWith('email_with_consent', { externalId: 'HM-CA', region: 'US-CA', personKey: 'HM-1' }),
        customerWith('email_with_consent', { externalId: 'HM-NY', region: 'US-NY', personKey: 'HM-1' }),
        customerWith('email_with_consent', { externalId: 'HM-TX', region: 'US-TX' }),
      ].map((c) => ({ ...c, country: 'US' })),
      hipaaConfig,
    );
    const items = await obligations.current(db.pool, id);
    const hipaa = items.find((o) => o.ruleId === 'US-HIPAA.individuals')!;
    expect(hipaa.affectedCount).toBe(2);
    expect(items.find((o) => o.ruleId === 'US-CA.individuals')?.affectedCount).toBe(1);
    expect(items.find((o) => o.ruleId === 'US-NY.individuals')?.affectedCount).toBe(1);
    const counts = (await reachOf(db.pool, id, items, [])).find((r) => r.obligationId === hipaa.id)!.counts;
    expect(counts.total).toBe(2);
    expect(counts.awaiting_email).toBe(2);
  });

  it('meets an obligation only when everyone is reached, shows the rest, and re-opens on a late failure', async () => {
    const id = await incidentOver('settle', [
      customerWith('email_with_consent', { externalId: 'S-EMAIL', country: 'US', region: 'US-TX' }),
      customerWith('email_without_consent', { externalId: 'S-BOTH', country: 'US', region: 'US-TX' }),
      customerWith('none', { externalId: 'S-NONE', country: 'US', region: 'US-TX' }),
      { externalId: 'S-DE', country: 'DE', electronicConsent: null },
    ]);
    await planChannels({ pool: db.pool, config }, id);
    const compliance = (await newUser(db.pool, { role: 'compliance' })).user;
    const notice = await approvedNotice({ pool: db.pool, templates, config }, id, compliance);
    // The email goes to those whose channel includes email, and no one else.
    const emailed = await recordSent(
      { pool: db.pool, config },
      { incidentId: id, noticeId: notice.id, count: 10 },
    );
    expect(emailed).toHaveLength(3);

    await finishDelivery({ pool: db.pool }, id);
    // Germany: its one person was emailed, which GDPR accepts: met.
    expect((await individuals(id, 'DE')).status).toBe('met');
    // Texas: one notified, one emailed but waiting for the lawful letter, one with no channel.
    const texas = await individuals(id, 'US-TX');
    expect(texas.status).toBe('pending');
    const [shown] = await reachOf(db.pool, id, [texas], []);
    expect(shown!.counts).toMatchObject({
      notified: 1,
      awaiting_letter: 1,
      no_channel: 1,
      covered: 0,
      total: 3,
    });
    expect(shown!.reached).toBe(false);
    // The emailed `email_and_letter` person is not read again by email delivery, and counts as a
    // sent email; the person without a channel is in none of the email counts.
    expect(await deliveries.countsForIncident(db.pool, id)).toMatchObject({
      sent: 3,
      pending: 0,
      undeliverable: 0,
    });
    expect(await deliveries.countUnfinished(db.pool, id, { shard: 0, shards: 1 })).toBe(0);

    // A substitute notice carried out covers the unreachable, not those still waiting for a letter.
    const [covered] = await reachOf(db.pool, id, [texas], ['US-TX.individuals']);
    expect(covered!.counts).toMatchObject({ covered: 1 });
    expect(covered!.reached).toBe(false);

    // The German person turns out unreached (a late bounce, written here as helper D's recordBounce
    // leaves a person without a postal address): the met obligation re-opens, audited.
    await db.pool.query(
      `UPDATE affected_customers a SET status = 'undeliverable' FROM customers c
       WHERE c.id = a.customer_id AND a.incident_id = $1 AND c.external_id = 'S-DE'`,
      [id],
    );
    const settled = await inTransaction(db.pool, (tx) => settleReach(tx, id));
    expect(settled).toMatchObject({ met: 0, reopened: 1 });
    expect(['pending', 'overdue']).toContain((await individuals(id, 'DE')).status);
    expect(await actions(id)).toContain('individuals_obligations_reopened');
    // Settling again changes nothing.
    expect(await inTransaction(db.pool, (tx) => settleReach(tx, id))).toMatchObject({ met: 0, reopened: 0 });
  });

  it('emails a person with no lawful channel but an email, without counting it as their notice', async () => {
    // Return paths, so a bounce can name the delivery it is about.
    const bounceConfig = loadConfig({
      FORTHRIGHT_DATA_DIR: config.dataDir,
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
      BOUNCE_DOMAIN: 'bounces.example.test',
    });
    const id = await incidentOver('nochannel', [
      customerWith('email_with_consent', { externalId: 'NC-EMAIL', country: 'US', region: 'US-CA' }),
      // California needs E-SIGN consent for email to count; no consent and no postal address.
      { externalId: 'NC-NOCONSENT', country: 'US', region: 'US-CA', electronicConsent: null },
      customerWith('none', { externalId: 'NC-NOTHING', country: 'US', region: 'US-CA' }),
    ]);
    await planChannels({ pool: db.pool, config }, id);
    expect(await channels(id)).toEqual({
      'NC-EMAIL': ['email', 'email_consented'],
      'NC-NOCONSENT': ['none', 'no_consent'],
      'NC-NOTHING': ['none', 'no_contact'],
    });
    // A notice is drafted for the two who are emailed; before sending both are pending emails.
    expect(await reach.countNotifiable(db.pool, id)).toBe(2);
    const compliance = (await newUser(db.pool, { role: 'compliance', email: 'c4@staff.example.com' })).user;
    const notice = await approvedNotice({ pool: db.pool, templates, config }, id, compliance);
    expect(await deliveries.countsForIncident(db.pool, id)).toMatchObject({ sent: 0, pending: 2 });
    expect(await deliveries.countUnfinished(db.pool, id, { shard: 0, shards: 1 })).toBe(2);
    // The substitute notice's e-mail element ("everyone with an email address sent theirs") waits for theirs too.
    const emailElement = async () => {
      const [r] = await substitutes.reachByJurisdiction(db.pool, id);
      return { emails: r!.emails, emailOutstanding: r!.emailOutstanding, unreachable: r!.unreachable };
    };
    expect(await emailElement()).toEqual({ emails: 2, emailOutstanding: 2, unreachable: 2 });

    // Sent through the product's own shard pass, over the wire to a real SMTP server.
    const sink = await startSmtpSink();
    const smtp = new SmtpPool({ url: sink.url, size: 1 });
    try {
      const send = async () => {
        let sent = 0;
        for (let after: number | null = 0; after !== null;) {
          const pass = await deliverShardPass(
            { pool: db.pool, smtp, templates, config: bounceConfig },
            { incidentId: id, noticeId: notice.id, shard: 0, shards: 1, after, onlyRetrying: false },
            { budgetMs: 60_000 },
          );
          sent += pass.sent;
          after = pass.next;
        }
        return sent;
      };
      expect(await send()).toBe(2);
      expect(Object.fromEntries(sink.acceptedByRecipient)).toEqual({
        'nc-email@example.com': 1,
        'nc-noconsent@example.com': 1,
      });
      // Nobody is read again: a second pass sends nothing.
      expect(await send()).toBe(0);
      expect(sink.acceptedCount).toBe(2);
      expect(await emailElement()).toEqual({ emails: 2, emailOutstanding: 0, unreachable: 2 });
      expect(await deliveries.countUnfinished(db.pool, id, { shard: 0, shards: 1 })).toBe(0);
      // The email counts say it went; the person without a channel or email is in none of them.
      expect(await deliveries.countsForIncident(db.pool, id)).toMatchObject({
        sent: 2,
        pending: 0,
        retrying: 0,
        undeliverable: 0,
      });
      await finishDelivery({ pool: db.pool }, id);

      // The email is not lawful notice: the channel and reason stay, and the person stays unreached.
      expect((await channels(id))['NC-NOCONSENT']).toEqual(['none', 'no_consent']);
      const california = await individuals(id, 'US-CA');
      expect(california.status).toBe('pending');
      const [shown] = await reachOf(db.pool, id, [california], []);
      expect(shown!.counts).toMatchObject({ notified: 1, no_channel: 2, covered: 0, total: 3 });
      expect(shown!.reached).toBe(false);
      // Only the substitute notice, carried out, covers them.
      const [covered] = await reachOf(db.pool, id, [california], ['US-CA.individuals']);
      expect(covered!.counts).toMatchObject({ covered: 2 });
      expect(covered!.reached).toBe(true);

      // Their email bounces later: recorded on the delivery; with no address there is no letter to
      // re-open them for, and they stay as they were.
      const message = sink.messages.find((m) => m.envelopeTo.includes('nc-noconsent@example.com'))!;
      const bounce = await recordBounce(
        { pool: db.pool, config: bounceConfig },
        {
          returnPath: message.envelopeFrom,
          outcome: 'failed',
          status: '5.1.1',
          diagnostic: 'no such user',
          via: 'webhook',
        },
      );
      expect(bounce).toMatchObject({ duplicate: false, reopenedFor: null });
      expect((await channels(id))['NC-NOCONSENT']).toEqual(['none', 'no_consent']);
      expect(await deliveries.countsForIncident(db.pool, id)).toMatchObject({ sent: 1, undeliverable: 1 });
      const [after] = await reachOf(db.pool, id, [california], []);
      expect(after!.counts).toMatchObject({ notified: 1, no_channel: 2, total: 3 });
      expect(await deliveries.countUnfinished(db.pool, id, { shard: 0, shards: 1 })).toBe(0);
    } finally {
      await smtp.close();
      await sink.close();
    }
  });

  it('falls back to a letter when an email is given up on and an address is known', async () => {
    const id = await incidentOver('fallback', [
      customerWith('email_with_consent', { externalId: 'F-ADDR', country: 'US', region: 'US-TX' }),
      { externalId: 'F-NOADDR', country: 'US', region: 'US-TX' },
    ]);
    await planChannels({ pool: db.pool, config }, id);
    const compliance = (await newUser(db.pool, { role: 'compliance', email: 'c2@staff.example.com' })).user;
    const notice = await approvedNotice({ pool: db.pool, templates, config }, id, compliance);
    // Both refused for good by the relay, as the shard pass records it.
    const lease = randomUUID();
    const page = await affected.pendingRecipients(db.pool, id, {
      shard: 0,
      shards: 1,
      after: 0,
      limit: 10,
      onlyRetrying: false,
    });
    const claimed = await deliveries.claim(
      db.pool,
      id,
      notice.id,
      lease,
      page.map((r) => ({ customerId: r.customerId, recipient: r.email!, messageId: `<${r.customerId}@t>` })),
    );
    await deliveries.markFailed(
      db.pool,
      id,
      lease,
      page.map((r) => ({
        id: claimed.get(r.customerId)!.id,
        customerId: r.customerId,
        permanent: true,
        reply: '550',
      })),
    );
    await finishDelivery({ pool: db.pool }, id);
    expect(await channels(id)).toEqual({
      'F-ADDR': ['letter', 'email_undeliverable'],
      'F-NOADDR': ['email', 'email_consented'],
    });
    const texas = await individuals(id, 'US-TX');
    const [r] = await reachOf(db.pool, id, [texas], []);
    expect(r!.counts).toMatchObject({ awaiting_letter: 1, undeliverable: 1, total: 2 });
    expect(texas.status).toBe('pending');
  });

  it('shows the reach per obligation, how notices go and who is unreached through the API', async () => {
    const id = await incidentOver('api', [
      customerWith('email_with_consent', { externalId: 'A-EMAIL', country: 'US', region: 'US-TX' }),
      customerWith('address_only', { externalId: 'A-LETTER', country: 'US', region: 'US-TX' }),
      customerWith('none', { externalId: 'A-NONE', country: 'US', region: 'US-TX' }),
    ]);
    await planChannels({ pool: db.pool, config }, id);
    const compliance = (await newUser(db.pool, { role: 'compliance', email: 'c3@staff.example.com' })).user;
    const notice = await approvedNotice({ pool: db.pool, templates, config }, id, compliance);
    await recordSent({ pool: db.pool, config }, { incidentId: id, noticeId: notice.id, count: 10 });
    await finishDelivery({ pool: db.pool }, id);

    const api = await startApiOnly(db);
    try {
      const officer = await newUser(db.pool, { role: 'officer', email: 'o3@staff.example.com' });
      const get = async (url: string) => {
        const response = await api.app.inject({ method: 'GET', url, headers: bearer(officer.token) });
        expect(response.statusCode, response.body).toBe(200);
        return response.json();
      };
      const { items } = await get(`/api/incidents/${id}/obligations`);
      const texas = items.find(
        (o: { audience: string; jurisdiction: string }) =>
          o.audience === 'individuals' && o.jurisdiction === 'US-TX',
      );
      expect(texas).toMatchObject({
        status: 'pending',
        reach: { notified: 1, awaiting_letter: 1, no_channel: 1, covered: 0, total: 3 },
      });
      // Other audiences carry no reach.
      for (const o of items.filter((o: { audience: string }) => o.audience !== 'individuals'))
        expect(o.reach).toBeNull();

      const delivery = await get(`/api/incidents/${id}/delivery`);
      // The email counts are the email's: the letter and the person without a channel are not pending emails.
      expect(delivery).toMatchObject({ sent: 1, pending: 0, retrying: 0, undeliverable: 0 });
      expect(delivery.channels).toEqual([
        { channel: 'email', reason: 'email_consented', count: 1 },
        { channel: 'letter', reason: 'no_email', count: 1 },
        { channel: 'none', reason: 'no_contact', count: 1 },
      ]);

      const unreached = await get(`/api/incidents/${id}/affected?unreached=true`);
      expect(unreached.items.map((r: { externalId: string }) => r.externalId).sort()).toEqual([
        'A-LETTER',
        'A-NONE',
      ]);
      expect(unreached.items.find((r: { externalId: string }) => r.externalId === 'A-LETTER')).toMatchObject({
        channel: 'letter',
        channelReason: 'no_email',
      });
      expect((await get(`/api/incidents/${id}/affected`)).items).toHaveLength(3);
    } finally {
      await api.close();
    }
  });
});
