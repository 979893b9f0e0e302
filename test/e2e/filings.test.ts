import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  reviewedNotice,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Issue 15's acceptance on the whole stack (API, worker on the Temporal dev server, PostgreSQL, an
 * SMTP server): a multi-jurisdiction incident — EU residents in three member states, the UK,
 * California (501, over its Attorney General threshold), Maryland, Florida (600), HIPAA patients —
 * gets a filing packet per authority with the elements its law asks for; a lead-authority
 * determination leaves one EU supervisory filing; packets are approved four-eyes; Maryland's Attorney
 * General, who must hear first, holds delivery until the filing is recorded with a reference and a
 * receipt; Florida's is sent by email to a real SMTP server; every obligation is met only with proof;
 * and California's copy is due 15 days after the notices actually went out, not the planned time.
 */

const FLORIDA_AG_EMAIL = 'breach-filings@fl-ag.test';
const since = '2025-06-01T00:00:00Z';

interface Obligation {
  id: string;
  ruleId: string;
  jurisdiction: string;
  audience: string;
  status: string;
  reason: string | null;
  dueAt: string | null;
  affectedCount: number;
}

interface Packet {
  id: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
  status: string;
  state: string;
  contentHash: string;
  missing: string[];
  approvedId: string | null;
  obligationStatus: string | null;
  content: {
    packet: {
      family: string;
      counts: { statute: number };
      elements: { key: string; value: string; required: boolean }[];
    };
  };
  filing: { status: string; reference: string | null; receiptSha256: string | null } | null;
}

/** `count` customers of one US state with an email they consented to notices at. */
function residents(prefix: string, region: string, count: number) {
  return Array.from({ length: count }, (_, i) =>
    customerWith('email_with_consent', {
      externalId: `${prefix}-${i}`,
      email: `${prefix.toLowerCase()}-${i}@example.com`,
      fullName: `${prefix} Resident ${i}`,
      region,
      country: 'US',
    }),
  );
}

const europeans = [
  { externalId: 'DE-1', email: 'hans@example.de', fullName: 'Hans Müller', country: 'DE', locale: 'de' },
  { externalId: 'DE-2', email: 'greta@example.de', fullName: 'Greta Schulz', country: 'DE', locale: 'de' },
  { externalId: 'FR-1', email: 'amelie@example.fr', fullName: 'Amélie Durand', country: 'FR', locale: 'fr' },
  { externalId: 'IE-1', email: 'siobhan@example.ie', fullName: 'Siobhán Byrne', country: 'IE' },
  { externalId: 'GB-1', email: 'oliver@example.co.uk', fullName: 'Oliver Smith', country: 'GB' },
].map((p) => customerWith('email_without_consent', { ...p, region: null }));

const CUSTOMERS = [
  ...europeans,
  ...residents('CA', 'US-CA', 501),
  ...residents('MD', 'US-MD', 2),
  ...residents('FL', 'US-FL', 600),
];
// The company is a HIPAA covered entity (COMPANY_REGIMES=hipaa), so its customers' records are
// protected health information: HHS hears within 60 days (more than 500), and the media of each
// state with more than 500 (45 CFR 164.406, 164.408). Three Floridians are also clinic patients.
const PATIENTS = ['FL-0', 'FL-1', 'FL-2'];

const HOLDINGS = [
  ...CUSTOMERS.map((c) => ({
    customerExternalId: c.externalId,
    system: 'crm',
    categories: ['name', 'email', 'ssn'],
    from: since,
  })),
  ...PATIENTS.map((id) => ({
    customerExternalId: id,
    system: 'clinic',
    categories: ['medical'],
    from: since,
  })),
];

describe('filing packets, determinations and proof of filing', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;
  let californiaPlannedDue: number;

  const request = async (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    payload?: object,
    expected = method === 'GET' ? 200 : [200, 201, 202],
  ) => {
    const response = await system.app.inject({ method, url, headers: bearer(token), payload });
    const ok = Array.isArray(expected) ? expected : [expected];
    expect(ok, `${method} ${url}: ${response.body}`).toContain(response.statusCode);
    return response.json();
  };
  const obligations = async () =>
    (await request('GET', `/api/incidents/${incidentId}/obligations`, system.tokens.officer))
      .items as Obligation[];
  const obligation = async (ruleId: string, jurisdiction: string) =>
    (await obligations()).find((o) => o.ruleId === ruleId && o.jurisdiction === jurisdiction)!;
  const packets = async () =>
    (await request('GET', `/api/incidents/${incidentId}/packets`, system.tokens.officer)).items as Packet[];
  const packet = async (ruleId: string, jurisdiction: string) =>
    (await packets()).find(
      (p) => p.ruleId === ruleId && p.jurisdiction === jurisdiction && p.sequence === 1,
    )!;
  const emailedToCustomers = () => smtp.messages.filter((m) => m.messageId.includes(incidentId)).length;

  /** Fills what compliance must supply (an officer revises), then a compliance user approves the hash. */
  async function approvePacket(ruleId: string, jurisdiction: string): Promise<Packet> {
    let current = await packet(ruleId, jurisdiction);
    if (current.missing.length > 0) {
      const elements = Object.fromEntries(
        current.missing.map((key) => [key, `Established by the investigation (${key}).`]),
      );
      await request(
        'POST',
        `/api/incidents/${incidentId}/packets/${current.id}/revision`,
        system.tokens.officer,
        {
          elements,
        },
      );
      current = await packet(ruleId, jurisdiction);
      expect(current.missing).toEqual([]);
    }
    // The officer who opened the incident may not approve what is filed about it.
    await request(
      'POST',
      `/api/incidents/${incidentId}/packets/${current.id}/decision`,
      system.tokens.officer,
      { decision: 'approve', contentHash: current.contentHash },
      403,
    );
    const decided = await request(
      'POST',
      `/api/incidents/${incidentId}/packets/${current.id}/decision`,
      system.tokens.compliance,
      { decision: 'approve', contentHash: current.contentHash },
    );
    expect(decided.outcome).toBe('approved');
    const approved = await packet(ruleId, jurisdiction);
    expect(approved.state).toBe('approved');
    return approved;
  }

  /** Records a portal filing with the authority's reference and its confirmation as the receipt. */
  async function recordPortalFiling(approved: Packet, reference: string) {
    const receipt = Buffer.from(`%PDF-1.4\n% confirmation ${reference} from the authority's portal\n`);
    const filing = await request(
      'POST',
      `/api/incidents/${incidentId}/packets/${approved.approvedId}/filing`,
      system.tokens.compliance,
      {
        channel: 'portal',
        filedAt: new Date().toISOString(),
        reference,
        receipt: {
          filename: `${reference}.pdf`,
          contentType: 'application/pdf',
          base64: receipt.toString('base64'),
        },
      },
    );
    return { filing, receiptSha256: createHash('sha256').update(receipt).digest('hex') };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, {
      COMPANY_REGIMES: 'hipaa',
      FILING_EMAILS: JSON.stringify({ 'US-FL.regulator': FLORIDA_AG_EMAIL }),
    });
    await importInventory(system, CUSTOMERS, HOLDINGS);
    const opened = await request('POST', '/api/incidents', system.tokens.officer, {
      title: 'Customer database copied',
      description: 'An attacker copied the customer database, including social security numbers.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      occurredFrom: since,
      systems: ['crm', 'clinic'],
      dataCategories: ['name', 'email', 'ssn', 'medical'],
    });
    incidentId = opened.id as string;
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'awaiting_approval', 120_000);
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('drafts a packet for every authority, with the elements its law asks for', async () => {
    const open = (await obligations()).filter((o) => o.audience !== 'individuals' && o.status === 'pending');
    const drafted = await packets();
    const key = (o: { ruleId: string; jurisdiction: string }) => `${o.ruleId}@${o.jurisdiction}`;
    expect(
      drafted
        .filter((p) => p.sequence === 1)
        .map(key)
        .sort(),
    ).toEqual(expect.arrayContaining(open.map(key).sort()));
    for (const [ruleId, jurisdiction] of [
      ['DE.regulator', 'DE'],
      ['FR.regulator', 'FR'],
      ['IE.regulator', 'IE'],
      ['GB.regulator', 'GB'],
      ['US-MD.regulator', 'US-MD'],
      ['US-FL.regulator', 'US-FL'],
      ['US-HIPAA.regulator', 'US-HIPAA'],
      ['US-HIPAA.media', 'US-FL'],
    ]) {
      expect(open.map(key), `${ruleId} is owed: ${open.map(key).join(' ')}`).toContain(
        `${ruleId}@${jurisdiction}`,
      );
    }
    const elementsOf = async (ruleId: string, jurisdiction: string) =>
      (await packet(ruleId, jurisdiction)).content.packet.elements.map((e) => e.key);
    // GDPR Art. 33(3)(a)–(d): nature, categories and approximate numbers, DPO, consequences, measures.
    expect(await elementsOf('IE.regulator', 'IE')).toEqual(
      expect.arrayContaining([
        'nature',
        'data_subject_categories',
        'people_count',
        'data_categories',
        'record_count',
        'dpo_contact',
        'likely_consequences',
        'measures',
      ]),
    );
    // HHS's breach report: type and location of the breach, safeguards, and the notice given.
    expect(await elementsOf('US-HIPAA.regulator', 'US-HIPAA')).toEqual(
      expect.arrayContaining([
        'breach_type',
        'breach_location',
        'safeguards',
        'people_count',
        'individual_notice',
      ]),
    );
    // A state Attorney General: the state's residents counted as the statute counts, a copy of the notice.
    const florida = await packet('US-FL.regulator', 'US-FL');
    expect(florida.content.packet.counts.statute).toBe(600);
    expect(florida.content.packet.elements.map((e) => e.key)).toEqual(
      expect.arrayContaining(['people_count', 'notice_copy']),
    );
  });

  it('leaves one EU supervisory filing once compliance determines the lead authority (four eyes)', async () => {
    const proposed = await request(
      'POST',
      `/api/incidents/${incidentId}/determinations`,
      system.tokens.compliance,
      {
        kind: 'lead_supervisory_authority',
        leadJurisdiction: 'IE',
        reason: 'Our main establishment in the Union is in Dublin (GDPR Art. 56(1)).',
      },
    );
    // The proposer may not approve their own determination.
    await request(
      'POST',
      `/api/incidents/${incidentId}/determinations/${proposed.id}/decision`,
      system.tokens.compliance,
      { decision: 'approve' },
      403,
    );
    await request(
      'POST',
      `/api/incidents/${incidentId}/determinations/${proposed.id}/decision`,
      system.tokens.compliance2,
      {
        decision: 'approve',
      },
    );
    const eu = (await obligations()).filter(
      (o) => o.audience === 'regulator' && ['DE', 'FR', 'IE'].includes(o.jurisdiction),
    );
    expect(eu.filter((o) => o.status === 'pending').map((o) => o.jurisdiction)).toEqual(['IE']);
    for (const o of eu.filter((x) => x.jurisdiction !== 'IE')) {
      expect(o.status).toBe('not_required');
      expect(o.reason).toMatch(/Lead supervisory authority under GDPR Art\. 56/);
    }
    // The lead's filing counts every person in the member states it now speaks for.
    expect(eu.find((o) => o.jurisdiction === 'IE')!.affectedCount).toBe(4);
    // The UK is outside the one-stop shop: its filing stays.
    expect((await obligation('GB.regulator', 'GB')).status).toBe('pending');
  });

  it('holds delivery for the Maryland Attorney General until the filing is recorded with proof', async () => {
    californiaPlannedDue = Date.parse((await obligation('US-CA.regulator', 'US-CA')).dueAt!);
    // An approved packet is not a filing: Florida's obligation stays open until it is sent.
    await approvePacket('US-FL.regulator', 'US-FL');
    expect((await obligation('US-FL.regulator', 'US-FL')).status).toBe('pending');

    await request('POST', `/api/incidents/${incidentId}/approval`, system.tokens.compliance, {
      decision: 'approve',
      ...(await reviewedNotice(system, incidentId)),
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'awaiting_filing', 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(emailedToCustomers()).toBe(0);

    const maryland = await approvePacket('US-MD.regulator', 'US-MD');
    expect((await obligation('US-MD.regulator', 'US-MD')).status).toBe('pending');
    const { filing, receiptSha256 } = await recordPortalFiling(maryland, 'MD-OAG-2026-0457');
    expect(filing).toMatchObject({ status: 'recorded', reference: 'MD-OAG-2026-0457', receiptSha256 });
    expect((await obligation('US-MD.regulator', 'US-MD')).status).toBe('met');
    expect((await packet('US-MD.regulator', 'US-MD')).state).toBe('filed');

    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 180_000);
    expect(emailedToCustomers()).toBe(CUSTOMERS.length);
  }, 300_000);

  it('counts California’s regulator copy from when the notices actually went out', async () => {
    const { rows } = await db.pool.query<{ first: Date }>(
      `SELECT min(d.sent_at) AS first FROM deliveries d
       JOIN affected_customers a ON a.incident_id = d.incident_id AND a.customer_id = d.customer_id
       WHERE d.incident_id = $1 AND a.jurisdiction = 'US-CA' AND d.status = 'sent'`,
      [incidentId],
    );
    const expected = rows[0]!.first.getTime() + 15 * 86_400_000;
    await eventually(async () => {
      const due = Date.parse((await obligation('US-CA.regulator', 'US-CA')).dueAt!);
      return Math.abs(due - expected) < 60_000;
    }, 30_000);
    // Sent within minutes of discovery, not at the planned 72 hours: the copy is due sooner.
    expect(expected).toBeLessThan(californiaPlannedDue);
  });

  it('sends Florida’s packet by email exactly once, and only the relay’s answer meets the obligation', async () => {
    const florida = await packet('US-FL.regulator', 'US-FL');
    await request(
      'POST',
      `/api/incidents/${incidentId}/packets/${florida.approvedId}/send`,
      system.tokens.compliance,
      {},
    );
    await eventually(async () => (await obligation('US-FL.regulator', 'US-FL')).status === 'met', 60_000);
    const toAuthority = smtp.messages.filter((m) => m.envelopeTo.includes(FLORIDA_AG_EMAIL));
    expect(toAuthority).toHaveLength(1);
    const filings = (await request('GET', `/api/incidents/${incidentId}/filings`, system.tokens.officer))
      .items as {
      ruleId: string;
      status: string;
      relayResponse: string | null;
      messageId: string | null;
    }[];
    const sent = filings.find((f) => f.ruleId === 'US-FL.regulator')!;
    expect(sent.status).toBe('sent');
    expect(sent.relayResponse).toMatch(/^250/);
    expect(toAuthority[0]!.messageId).toContain(sent.messageId!.replace(/[<>]/g, ''));
    // Asking again sends nothing more.
    await request(
      'POST',
      `/api/incidents/${incidentId}/packets/${florida.approvedId}/send`,
      system.tokens.compliance,
      {},
      [200, 202, 409],
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.messages.filter((m) => m.envelopeTo.includes(FLORIDA_AG_EMAIL))).toHaveLength(1);
  });

  it('meets the lead authority’s obligation only with a reference and a receipt', async () => {
    const ireland = await approvePacket('IE.regulator', 'IE');
    expect((await obligation('IE.regulator', 'IE')).status).toBe('pending');
    // Without the receipt: a 400 that names it, and nothing recorded.
    const incomplete = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/packets/${ireland.approvedId}/filing`,
      headers: bearer(system.tokens.compliance),
      payload: { channel: 'portal', filedAt: new Date().toISOString(), reference: 'DPC-BN-1234' },
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().field).toBe('receipt');
    expect((await obligation('IE.regulator', 'IE')).status).toBe('pending');

    const { receiptSha256 } = await recordPortalFiling(ireland, 'DPC-BN-1234');
    expect((await obligation('IE.regulator', 'IE')).status).toBe('met');
    const filed = await packet('IE.regulator', 'IE');
    expect(filed.filing).toMatchObject({ reference: 'DPC-BN-1234', receiptSha256 });
  });
});
