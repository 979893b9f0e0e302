import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { withFixtureConsent } from '../helpers/factories';
import { approvePacketByApi } from '../helpers/filings';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, eventually, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Proof of filing through the API on the running system (worker, workflows, PostgreSQL, a real SMTP
 * server): the obligation to the German authority is met only once a filing is recorded with the
 * reference and the receipt (a recording without a receipt is a 400 naming it; the receipt comes
 * back byte for byte); the French authority, which takes email, receives the approved packet once.
 */
describe('filings API', () => {
  const FR_AUTHORITY = 'notifications@cnil.example';
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;

  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    system.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const tokens = () => ({ reviser: system.tokens.compliance, approver: system.tokens.compliance2 });

  const openIncident = async (title: string) => {
    const response = await api('POST', '/api/incidents', system.tokens.officer, {
      title,
      description: 'A CRM export with email addresses was reachable for a day.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      systems: ['crm'],
      dataCategories: ['email'],
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    await eventually(
      async () =>
        (await api('GET', `/api/incidents/${id}`, system.tokens.officer)).json().status ===
        'awaiting_approval',
    );
    return id;
  };
  const regulatorOf = async (id: string, jurisdiction: string) =>
    (
      (await api('GET', `/api/incidents/${id}/obligations`, system.tokens.compliance)).json().items as {
        id: string;
        jurisdiction: string;
        audience: string;
        status: string;
      }[]
    ).find((o) => o.jurisdiction === jurisdiction && o.audience === 'regulator')!;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, {
      FILING_EMAILS: JSON.stringify({ 'FR.regulator': FR_AUTHORITY }),
    });
    const customers = [
      ...[0, 1].map((i) => ({
        externalId: `de${i}`,
        fullName: `Dora ${i}`,
        email: `de${i}@example.de`,
        country: 'DE',
      })),
      ...[0, 1].map((i) => ({
        externalId: `fr${i}`,
        fullName: `Fleur ${i}`,
        email: `fr${i}@example.fr`,
        country: 'FR',
      })),
    ];
    await api('POST', '/api/inventory/customers', system.tokens.admin, customers.map(withFixtureConsent));
    await api(
      'POST',
      '/api/inventory/holdings',
      system.tokens.admin,
      customers.map((c) => ({ customerExternalId: c.externalId, system: 'crm', categories: ['email'] })),
    );
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('meets the obligation only with a recorded filing: reference and receipt, the receipt kept as uploaded', async () => {
    const id = await openIncident('Filing by portal');
    const packetId = await approvePacketByApi(
      api,
      id,
      { ruleId: 'DE.regulator', jurisdiction: 'DE' },
      tokens(),
    );
    expect(['pending', 'overdue']).toContain((await regulatorOf(id, 'DE')).status);
    const url = `/api/incidents/${id}/packets/${packetId}/filing`;
    const content = Buffer.from('%PDF-1.4\nBfDI: notification 2026-117 received\n');
    const body = {
      channel: 'portal',
      filedAt: new Date(Date.now() - 60_000).toISOString(),
      reference: 'BfDI-2026-117',
      receipt: {
        filename: 'bfdi-confirmation.pdf',
        contentType: 'application/pdf',
        base64: content.toString('base64'),
      },
    };

    // Without a receipt, or with one that is not base64, or by email: 400 naming the field.
    const { receipt: _omitted, ...noReceipt } = body;
    const missing = await api('POST', url, system.tokens.compliance, noReceipt);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe('receipt');
    const garbled = await api('POST', url, system.tokens.compliance, {
      ...body,
      receipt: { ...body.receipt, base64: 'not base64!' },
    });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json().field).toBe('receipt.base64');
    const tooLarge = await api('POST', url, system.tokens.compliance, {
      ...body,
      receipt: { ...body.receipt, base64: Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64') },
    });
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().field).toBe('receipt.base64');
    const byEmail = await api('POST', url, system.tokens.compliance, { ...body, channel: 'email' });
    expect(byEmail.statusCode).toBe(400);
    expect(byEmail.json().field).toBe('channel');
    const noReference = await api('POST', url, system.tokens.compliance, { ...body, reference: '' });
    expect(noReference.statusCode).toBe(400);
    expect(noReference.json().field).toBe('reference');
    expect((await api('POST', url, system.tokens.officer, body)).statusCode).toBe(403);
    expect(['pending', 'overdue']).toContain((await regulatorOf(id, 'DE')).status);

    const recorded = await api('POST', url, system.tokens.compliance, body);
    expect(recorded.statusCode, recorded.body).toBe(201);
    const filing = recorded.json();
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(filing).toMatchObject({
      status: 'recorded',
      channel: 'portal',
      reference: 'BfDI-2026-117',
      packetId,
      receiptSha256: sha256,
      receiptBytes: content.length,
      recordedByName: 'Test compliance',
    });
    expect((await regulatorOf(id, 'DE')).status).toBe('met');
    expect((await api('POST', url, system.tokens.compliance, body)).statusCode).toBe(409);
    // Sending it by email now: refused (filed already), with or without a body.
    const sendNow = await api(
      'POST',
      `/api/incidents/${id}/packets/${packetId}/send`,
      system.tokens.compliance,
    );
    expect(sendNow.statusCode, sendNow.body).toBe(409);
    // A recorded filing has no email to show.
    expect(
      (await api('GET', `/api/incidents/${id}/filings/${filing.id}/message`, system.tokens.compliance))
        .statusCode,
    ).toBe(404);

    const listed = (await api('GET', `/api/incidents/${id}/filings`, system.tokens.support)).json().items;
    expect(listed.map((f: { id: string }) => f.id)).toEqual([filing.id]);

    const receiptUrl = `/api/incidents/${id}/filings/${filing.id}/receipt`;
    const download = await api('GET', receiptUrl, system.tokens.officer);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-sha256']).toBe(sha256);
    expect(download.headers['content-disposition']).toContain('bfdi-confirmation.pdf');
    expect(download.rawPayload.equals(content)).toBe(true);
    expect((await api('GET', receiptUrl, system.tokens.support)).statusCode).toBe(403);
    expect(
      (
        await api(
          'GET',
          `/api/incidents/${id}/filings/00000000-0000-4000-8000-000000000000/receipt`,
          system.tokens.officer,
        )
      ).statusCode,
    ).toBe(404);

    const timeline = (await api('GET', `/api/incidents/${id}/timeline`, system.tokens.support))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(timeline).toContain('filing_recorded');
  });

  it('sends the approved packet to the authority by email once; the relay’s answer is the proof', async () => {
    const id = await openIncident('Filing by email');
    // Nothing to send before approval.
    const drafts = (await api('GET', `/api/incidents/${id}/packets`, system.tokens.compliance)).json()
      .items as {
      id: string;
      ruleId: string;
    }[];
    const draft = drafts.find((p) => p.ruleId === 'FR.regulator');
    if (draft) {
      expect(
        (await api('POST', `/api/incidents/${id}/packets/${draft.id}/send`, system.tokens.compliance, {}))
          .statusCode,
      ).toBe(409);
    }
    const packetId = await approvePacketByApi(
      api,
      id,
      { ruleId: 'FR.regulator', jurisdiction: 'FR' },
      tokens(),
    );
    const send = `/api/incidents/${id}/packets/${packetId}/send`;
    expect((await api('POST', send, system.tokens.officer, {})).statusCode).toBe(403);

    const before = smtp.acceptedByRecipient.get(FR_AUTHORITY) ?? 0;
    const started = await api('POST', send, system.tokens.compliance, {});
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ channel: 'email', recipient: FR_AUTHORITY, sequence: 1 });
    const filingId = started.json().id as string;

    await smtp.waitFor(1);
    await eventually(async () => (await regulatorOf(id, 'FR')).status === 'met');
    const filing = (await api('GET', `/api/incidents/${id}/filings`, system.tokens.compliance))
      .json()
      .items.find((f: { id: string }) => f.id === filingId);
    expect(filing).toMatchObject({ status: 'sent', attempts: 1, uncertain: false });
    expect(filing.relayResponse).toMatch(/^250/);
    const message = smtp.messages.find((m) => m.envelopeTo.includes(FR_AUTHORITY))!;
    expect(message.messageId).toBe(filing.messageId);
    // The copy kept is the message the relay took, byte for byte as hashed.
    const copy = await api('GET', `/api/incidents/${id}/filings/${filingId}/message`, system.tokens.officer);
    expect(copy.statusCode, copy.body).toBe(200);
    expect(copy.headers['content-type']).toBe('message/rfc822');
    expect(createHash('sha256').update(copy.rawPayload).digest('hex')).toBe(filing.messageSha256);
    expect(copy.headers['x-content-sha256']).toBe(filing.messageSha256);
    expect(copy.rawPayload.toString()).toContain(`Message-ID: ${filing.messageId}`);

    // Asked again once sent: refused, and nothing more goes out.
    const again = await api('POST', send, system.tokens.compliance, { resend: true });
    expect(again.statusCode).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.acceptedByRecipient.get(FR_AUTHORITY)).toBe(before + 1);
  });
});
