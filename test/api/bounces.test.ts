import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBounceListener } from '../../api/bounce-listener';
import type { BounceListener } from '../../api/bounce-listener';
import { WEBHOOK_SECRET_HEADER } from '../../api/routes/bounces';
import { deliveryOfReturnPath, returnPathFor } from '../../core/delivery/return-path';
import { letterBatchWorkflowId } from '../../core/domain/ids';
import * as obligations from '../../core/db/obligations';
import { createLogger } from '../../core/logger';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { arf, deliverReport, dsn, plainBounce } from '../helpers/reports';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Bounces on the real stack: the worker sends the notices through a real SMTP relay (the sink,
 * which answers 250), then reports come back later, as remote mail servers send them, by SMTP to
 * Forthright's bounce listener at each notice's return path, or by a relay's webhook.
 */

const DOMAIN = 'bounces.example.test';
const SECRET = 'relay-webhook-secret-0123456789-abcdef';
const address = (street: string) => ({
  lines: [street],
  locality: 'Berlin',
  postalCode: '10115',
  country: 'DE',
});

// Germany: email is a lawful channel without consent (GDPR Art. 34 prescribes no form).
const PEOPLE = {
  ada: { email: 'ada@example.de', postalAddress: address('Adastraße 1') },
  ben: { email: 'ben@example.de', postalAddress: null },
  cleo: { email: 'cleo@example.de', postalAddress: address('Cleoweg 3') },
  dan: { email: 'dan@example.de', postalAddress: address('Danplatz 4') },
  eve: { email: 'eve@example.de', postalAddress: null },
  fay: { email: 'fay@example.de', postalAddress: address('Fayallee 6') },
  // Texas: email counts with the E-SIGN consent the test inventory gives everyone with an email.
  tex: { email: 'tex@example.com', postalAddress: null, country: 'US', region: 'US-TX' },
} as const;
type Person = keyof typeof PEOPLE;

let db: TestDatabase;
let smtp: SmtpSink;
let system: TestSystem;
let listener: BounceListener;
let incidentId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpSink();
  system = await startSystem(db, smtp.url, {
    BOUNCE_DOMAIN: DOMAIN,
    BOUNCE_WEBHOOK_SECRET: SECRET,
    // Each bounce's letter batch starts at once (and is found under its own key).
    BOUNCE_LETTER_GATHER_MINUTES: '0',
  });
  await importInventory(
    system,
    Object.entries(PEOPLE).map(([name, p]) => ({
      externalId: name,
      fullName: `${name[0]!.toUpperCase()}${name.slice(1)} Example`,
      email: p.email,
      country: 'country' in p ? p.country : 'DE',
      ...('region' in p ? { region: p.region } : {}),
      postalAddress: p.postalAddress,
    })),
    Object.keys(PEOPLE).map((name) => ({
      customerExternalId: name,
      system: 'crm',
      categories: ['name', 'email', 'payment_card'],
      from: '2025-01-01T00:00:00Z',
      maskedIdentifiers: { payment_card: '4242' },
    })),
  );
  incidentId = await openAndApprove(system, {
    title: 'Exposed CRM backup',
    description: 'A misconfigured backup exposed customer records to the internet.',
    // An hour ago: a re-opened obligation is within its deadline again (pending, not overdue).
    discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
    systems: ['crm'],
    // A payment card: high risk, so GDPR Art. 34 asks for notice to the individuals.
    dataCategories: ['name', 'email', 'payment_card'],
  });
  await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 90_000);
  listener = await startBounceListener(
    { config: system.config, pool: db.pool, temporal: system.client, logger: createLogger('silent', 'test') },
    { host: '127.0.0.1', port: 0 },
  );
}, 180_000);

afterAll(async () => {
  await listener?.close();
  await system?.stop();
  await smtp?.close();
  await db?.drop();
});

/** The envelope sender the relay saw for `who`'s notice. */
function returnPathOf(who: Person): string {
  const sent = smtp.messages.filter((m) => m.envelopeTo.includes(PEOPLE[who].email));
  expect(sent, `notices to ${who}`).toHaveLength(1);
  return sent[0]!.envelopeFrom;
}

interface Reach {
  deliveryId: number;
  delivery: string;
  person: string;
  channel: string | null;
  channelReason: string | null;
  lastReply: string | null;
  complained: boolean;
}

async function reachOf(who: Person): Promise<Reach> {
  const { rows } = await db.pool.query<Reach>(
    `SELECT d.id::int AS "deliveryId", d.status AS delivery, a.status AS person, a.channel,
            a.channel_reason AS "channelReason", d.last_reply AS "lastReply",
            d.complained_at IS NOT NULL AS complained
     FROM affected_customers a
     JOIN customers c ON c.id = a.customer_id
     JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     WHERE a.incident_id = $1 AND c.external_id = $2`,
    [incidentId, who],
  );
  expect(rows, `${who}'s record`).toHaveLength(1);
  return rows[0]!;
}

/** The statuses of the incident's obligations to notify individuals in `jurisdiction`. */
async function individualsObligations(jurisdiction: string): Promise<string[]> {
  return (await obligations.current(db.pool, incidentId))
    .filter((o) => o.audience === 'individuals' && o.jurisdiction === jurisdiction)
    .map((o) => o.status);
}

/** The incident's substitute notices that are not withdrawn, by jurisdiction, with why they are due. */
async function substituteNotices(): Promise<{ jurisdiction: string; status: string; reasons: string[] }[]> {
  const { rows } = await db.pool.query<{ jurisdiction: string; status: string; reasons: string[] }>(
    `SELECT jurisdiction, status, reasons FROM substitute_notices
     WHERE incident_id = $1 AND status <> 'withdrawn' ORDER BY jurisdiction`,
    [incidentId],
  );
  return rows;
}

/** The reports recorded in the audit trail about `who`'s notice. */
async function reportsAbout(
  who: Person,
): Promise<{ action: string; outcome: string; status: string | null }[]> {
  const { deliveryId } = await reachOf(who);
  const { rows } = await db.pool.query<{ action: string; outcome: string; status: string | null }>(
    `SELECT action, detail->>'outcome' AS outcome, detail->>'status' AS status FROM audit_events
     WHERE incident_id = $1 AND action IN ('email_bounced', 'email_report_recorded')
       AND (detail->>'deliveryId')::int = $2
     ORDER BY id`,
    [incidentId, deliveryId],
  );
  return rows;
}

const report = (who: Person, raw: (to: string) => string) =>
  deliverReport(listener.port, returnPathOf(who), raw(returnPathOf(who)));

const webhook = (body: object, secret: string | null = SECRET) =>
  system.app.inject({
    method: 'POST',
    url: '/api/bounces',
    headers: secret === null ? {} : { [WEBHOOK_SECRET_HEADER]: secret },
    payload: body,
  });

describe('return paths of sent notices', () => {
  it('sends each notice with its own VERP return path as the envelope sender, naming its delivery', async () => {
    for (const who of Object.keys(PEOPLE) as Person[]) {
      const from = returnPathOf(who);
      expect(from).toMatch(/^bounces\+[0-9a-z]+-[0-9a-f]{20}@bounces\.example\.test$/);
      expect(deliveryOfReturnPath(system.config.bounces, from)).toBe((await reachOf(who)).deliveryId);
    }
    // The From header people see and answer stays the company's.
    const notice = smtp.messages.find((m) => m.envelopeTo.includes(PEOPLE.ada.email))!;
    expect(notice.headers.from).toContain('privacy@example.com');
  });
});

describe('bounce listener (SMTP)', () => {
  it('re-opens a person with a postal address for a letter after a hard bounce, and starts a letter batch', async () => {
    expect(await reachOf('ada')).toMatchObject({ delivery: 'sent', person: 'notified' });
    expect(await individualsObligations('DE')).toEqual(['met']);
    const answer = await report('ada', (to) =>
      dsn({ to, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <ada@example.de>: User unknown' }),
    );
    expect(answer).toEqual({ accepted: true });
    const ada = await reachOf('ada');
    expect(ada).toMatchObject({
      delivery: 'bounced',
      person: 'pending',
      channel: 'letter',
      channelReason: 'email_bounced',
    });
    expect(ada.lastReply).toContain('5.1.1');
    expect(await reportsAbout('ada')).toEqual([
      { action: 'email_bounced', outcome: 'failed', status: '5.1.1' },
    ]);
    // Someone is unreached again: the individuals' obligation is re-opened in the same transaction.
    expect(await individualsObligations('DE')).toEqual(['pending']);
    // The letter batch for this bounce was started (BOUNCE_LETTER_GATHER_MINUTES=0: keyed by the delivery).
    const batch = system.client.workflow.getHandle(
      letterBatchWorkflowId(incidentId, `bounce-${ada.deliveryId}`),
    );
    expect((await batch.describe()).type).toBe('letterBatchWorkflow');
    // … and it prints her letter: she is the one person whose channel now includes one.
    expect(await batch.result()).toMatchObject({ letters: 1 });
    const { rows } = await db.pool.query<{ externalId: string }>(
      `SELECT c.external_id AS "externalId" FROM letters l JOIN customers c ON c.id = l.customer_id
       WHERE l.incident_id = $1`,
      [incidentId],
    );
    expect(rows).toEqual([{ externalId: 'ada' }]);
  });

  it('records a repeated DSN once, and a later "delivered" or second bounce changes nothing', async () => {
    const failed = (to: string) => dsn({ to, action: 'failed', status: '5.1.1' });
    expect(await report('ada', failed)).toEqual({ accepted: true });
    expect(await reportsAbout('ada')).toHaveLength(1);

    expect(await report('ada', (to) => dsn({ to, action: 'delivered', status: '2.0.0' }))).toEqual({
      accepted: true,
    });
    expect(await report('ada', (to) => dsn({ to, action: 'failed', status: '5.2.1' }))).toEqual({
      accepted: true,
    });
    expect(await reachOf('ada')).toMatchObject({ delivery: 'bounced', person: 'pending', channel: 'letter' });
    expect(await reportsAbout('ada')).toEqual([
      { action: 'email_bounced', outcome: 'failed', status: '5.1.1' },
      { action: 'email_report_recorded', outcome: 'delivered', status: '2.0.0' },
      { action: 'email_report_recorded', outcome: 'failed', status: '5.2.1' },
    ]);
  });

  it('leaves a person without a postal address undeliverable with no channel (substitute notice)', async () => {
    expect(await report('ben', (to) => dsn({ to, action: 'failed', status: '5.1.1' }))).toEqual({
      accepted: true,
    });
    expect(await reachOf('ben')).toMatchObject({
      delivery: 'bounced',
      person: 'undeliverable',
      channel: 'none',
      channelReason: 'email_bounced',
    });
  });

  it("lists the bounced with the undeliverable in the incident's delivery view, with the report's words", async () => {
    const response = await system.app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/delivery`,
      headers: bearer(system.tokens.officer),
    });
    expect(response.statusCode, response.body).toBe(200);
    const listed = response.json().undeliverableList as { externalId: string; reply: string }[];
    expect(listed.map((r) => r.externalId).sort()).toEqual(['ada', 'ben']);
    expect(listed.find((r) => r.externalId === 'ben')!.reply).toMatch(/^bounced after acceptance: 5\.1\.1/);
  });

  it('records a complaint (a feedback report) without changing reach: the person was reached', async () => {
    expect(await report('cleo', arf)).toEqual({ accepted: true });
    expect(await reachOf('cleo')).toMatchObject({ delivery: 'sent', person: 'notified', complained: true });
    expect(await reportsAbout('cleo')).toEqual([
      { action: 'email_report_recorded', outcome: 'complaint', status: null },
    ]);
  });

  it('changes nothing for a "delayed" DSN', async () => {
    const before = await reachOf('dan');
    expect(await report('dan', (to) => dsn({ to, action: 'delayed', status: '4.4.1' }))).toEqual({
      accepted: true,
    });
    expect(await reachOf('dan')).toEqual(before);
    expect(before).toMatchObject({ delivery: 'sent', person: 'notified' });
    expect(await reportsAbout('dan')).toEqual([
      { action: 'email_report_recorded', outcome: 'delayed', status: '4.4.1' },
    ]);
  });

  it('records a bounce with no delivery-status part as unknown, and guesses nothing from it', async () => {
    expect(await report('eve', plainBounce)).toEqual({ accepted: true });
    expect(await reachOf('eve')).toMatchObject({ delivery: 'sent', person: 'notified' });
    expect(await reportsAbout('eve')).toEqual([
      { action: 'email_report_recorded', outcome: 'unknown', status: null },
    ]);
  });

  it('refuses at RCPT TO every address it did not issue: forged or guessed tags, other ids, other names and domains', async () => {
    const fay = returnPathOf('fay');
    const [local, domain] = fay.split('@') as [string, string];
    const [prefix, tag] = local.split('-') as [string, string];
    const id = deliveryOfReturnPath(system.config.bounces, fay)!;
    const forged = [
      `${prefix}-${tag.slice(0, -1)}${tag.endsWith('0') ? '1' : '0'}@${domain}`, // one digit of the tag changed
      `bounces+${(id + 1).toString(36)}-${tag}@${domain}`, // fay's tag on the next delivery
      `bounces+${id.toString(36)}-${'0'.repeat(20)}@${domain}`,
      `postmaster@${domain}`,
      `${local}@example.com`,
    ];
    for (const to of forged) {
      const answer = await deliverReport(listener.port, to, dsn({ to, action: 'failed', status: '5.1.1' }));
      expect(answer, to).toMatchObject({ accepted: false, code: 550 });
    }
    expect(await reachOf('fay')).toMatchObject({ delivery: 'sent', person: 'notified' });
    expect(await reportsAbout('fay')).toEqual([]);
  });
});

describe('bounce listener and substitute notice', () => {
  it('makes a substitute notice due when a bounce leaves someone with no channel where the law says so (Texas)', async () => {
    expect((await substituteNotices()).filter((n) => n.jurisdiction === 'US-TX')).toEqual([]);
    expect(await report('tex', (to) => dsn({ to, action: 'failed', status: '5.1.1' }))).toEqual({
      accepted: true,
    });
    expect(await reachOf('tex')).toMatchObject({
      delivery: 'bounced',
      person: 'undeliverable',
      channel: 'none',
    });
    expect((await substituteNotices()).filter((n) => n.jurisdiction === 'US-TX')).toEqual([
      { jurisdiction: 'US-TX', status: 'open', reasons: ['insufficient_contact'] },
    ]);
    expect(await individualsObligations('US-TX')).toEqual(['pending']);
  });
});

describe('bounce webhook (POST /api/bounces)', () => {
  it('refuses a caller without the secret: the attack of a forged bounce fails and nothing is recorded', async () => {
    const body = { returnPath: returnPathOf('fay'), outcome: 'failed', status: '5.1.1' };
    for (const secret of [null, 'guess', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const response = await webhook(body, secret);
      expect(response.statusCode, String(secret)).toBe(401);
    }
    expect(await reachOf('fay')).toMatchObject({ delivery: 'sent', person: 'notified' });
    expect(await reportsAbout('fay')).toEqual([]);
  });

  it('answers bad input with a 400 naming the field, a forged return path included', async () => {
    const good = { returnPath: returnPathOf('fay'), outcome: 'failed', status: '5.1.1' };
    // A return path of the right shape whose tag was made with another key: not one Forthright issued.
    const forged = returnPathFor({ ...system.config.bounces, key: Buffer.alloc(32) }, 1);
    const cases: [object, string, string][] = [
      [{ ...good, status: '550' }, 'status', 'RFC 3463'],
      [{ ...good, outcome: 'bounced' }, 'outcome', 'outcome'],
      [{ returnPath: good.returnPath }, 'outcome', 'outcome'],
      [{ ...good, extra: true }, '(body)', 'extra'],
      [{ ...good, returnPath: forged }, 'returnPath', 'not a return path'],
    ];
    for (const [body, field, words] of cases) {
      const response = await webhook(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json(), JSON.stringify(body)).toMatchObject({ field });
      expect(response.json().message, JSON.stringify(body)).toContain(words);
    }
    expect(await reportsAbout('fay')).toEqual([]);
  });

  it("records a relay's bounce through the same use case, once", async () => {
    const body = {
      returnPath: returnPathOf('fay'),
      outcome: 'failed',
      status: '5.1.1',
      diagnostic: 'mailbox unknown',
    };
    const first = await webhook(body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ incidentId, outcome: 'failed', duplicate: false, reopenedFor: 'letter' });
    const again = await webhook(body);
    expect(again.json()).toMatchObject({ duplicate: true, reopenedFor: 'letter' });
    expect(await reachOf('fay')).toMatchObject({ delivery: 'bounced', person: 'pending', channel: 'letter' });
    expect(await reportsAbout('fay')).toEqual([
      { action: 'email_bounced', outcome: 'failed', status: '5.1.1' },
    ]);
  });
});
