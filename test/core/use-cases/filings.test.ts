import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as filingsDb from '../../../core/db/filings';
import * as notices from '../../../core/db/notices';
import * as obligations from '../../../core/db/obligations';
import { ConflictError, IncidentNotFoundError, NotFoundError, SmtpSendError } from '../../../core/errors';
import { SmtpPool } from '../../../core/mail/smtp-pool';
import { TemplateCache } from '../../../core/mail/template-cache';
import {
  filingReceipt,
  recordFiling,
  requestFilingEmail,
  sendFilingEmail,
} from '../../../core/use-cases/filings';
import type { FilingEmailDeps } from '../../../core/use-cases/filings';
import { assess } from '../../../core/use-cases/obligations';
import { packetSubject, renderPacketMail } from '../../../core/use-cases/packets';
import type { Actor } from '../../../core/use-cases/types';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { identifyAffected, importEmailHolders, newIncident, newUser } from '../../helpers/factories';
import { approvedFilingPacket } from '../../helpers/filings';
import { listenOnLoopback, startSmtpSink } from '../../helpers/smtp';
import type { SmtpSink } from '../../helpers/smtp';

/**
 * Proof of filing against real PostgreSQL and a real SMTP server: an obligation to an authority is
 * met only with proof — its approved packet sent by email (the relay's answer and the message kept)
 * or a filing recorded with the authority's reference and a receipt stored with its SHA-256. The
 * email goes exactly once: called again, after a refusal, after a temporary refusal of the whole
 * message and after an attempt lost past the commit point, the authority's server has one message
 * (or two only when compliance explicitly sends again one that may have arrived).
 */
describe('core/use-cases/filings', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let reviser: Actor;
  let approver: Actor;

  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const receipt = (text = 'Your notification 2026-117 was received.') => ({
    filename: 'confirmation.txt',
    contentType: 'text/plain',
    content: Buffer.from(text),
  });

  /** An incident with German and French customers, assessed; the French authority takes email at `email`. */
  const incidentFiling = async (email: string | null) => {
    const cfg: Readonly<Config> = { ...config, filing: { emails: email ? { 'FR.regulator': email } : {} } };
    const { incident } = await newIncident(db.pool, {
      dataCategories: ['email'],
      discoveredAt: new Date(Date.now() - 3_600_000),
    });
    await identifyAffected(db.pool, incident.id);
    await assess({ pool: db.pool, config: cfg }, incident.id);
    const obligationOf = async (jurisdiction: string) =>
      (await obligations.current(db.pool, incident.id)).find(
        (o) => o.jurisdiction === jurisdiction && o.audience === 'regulator',
      )!;
    const packetDeps = { pool: db.pool, templates, config: cfg };
    const approve = async (jurisdiction: string) =>
      approvedFilingPacket(packetDeps, await obligationOf(jurisdiction), { reviser, approver });
    const emailDeps: FilingEmailDeps = { pool: db.pool, smtp, templates, config: cfg };
    return { incident, obligationOf, approve, emailDeps, cfg };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink({
      fault: (recipient, attempt) => {
        if (recipient.startsWith('refuse-once@') && attempt === 1)
          return { at: 'rcpt', code: 550, message: 'No such mailbox' };
        if (recipient.startsWith('later@') && attempt === 1)
          return { at: 'data', code: 451, message: 'Try again later' };
        return undefined;
      },
    });
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-filings-')),
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      MAIL_FROM: 'Example Corp Privacy Office <privacy@example.com>',
      LOG_LEVEL: 'silent',
    });
    templates = new TemplateCache(db.pool);
    reviser = (await newUser(db.pool, { role: 'compliance', email: 'reviser@staff.example.com' })).actor;
    approver = (await newUser(db.pool, { role: 'compliance', email: 'approver@staff.example.com' })).actor;
    await importEmailHolders(db.pool, [
      ...[0, 1, 2].map((i) => ({ externalId: `DE${i}`, email: `de${i}@example.de`, country: 'DE' })),
      ...[0, 1, 2].map((i) => ({ externalId: `FR${i}`, email: `fr${i}@example.fr`, country: 'FR' })),
    ]);
  }, 60_000);

  afterAll(async () => {
    await smtp?.close();
    await sink?.close();
    await db?.drop();
  });

  it('meets the obligation only once a filing is recorded with its reference and receipt', async () => {
    const { incident, obligationOf, approve } = await incidentFiling(null);
    const packet = await approve('DE');
    expect((await obligationOf('DE')).status).toBe('pending');
    const input = {
      incidentId: incident.id,
      packetId: packet.id,
      channel: 'portal' as const,
      filedAt: new Date(Date.now() - 60_000),
      reference: 'BfDI-2026-117',
      receipt: receipt(),
    };

    // No proof, no filing: an empty receipt, a time still to come.
    await expect(
      recordFiling(db, approver, { ...input, receipt: { ...input.receipt, content: Buffer.alloc(0) } }),
    ).rejects.toMatchObject({ name: 'ValidationError', field: 'receipt.base64' });
    await expect(
      recordFiling(db, approver, { ...input, filedAt: new Date(Date.now() + 3_600_000) }),
    ).rejects.toMatchObject({ name: 'ValidationError', field: 'filedAt' });
    expect((await obligationOf('DE')).status).toBe('pending');

    const filing = await recordFiling(db, approver, input);
    expect(filing).toMatchObject({
      status: 'recorded',
      channel: 'portal',
      sequence: 1,
      reference: 'BfDI-2026-117',
      packetId: packet.id,
      packetHash: packet.contentHash,
      recordedBy: approver.id,
      receiptFilename: 'confirmation.txt',
      receiptSha256: sha256(input.receipt.content),
      receiptBytes: input.receipt.content.length,
    });
    expect((await obligationOf('DE')).status).toBe('met');
    const stored = await filingReceipt(db, { incidentId: incident.id, filingId: filing.id });
    expect(stored.content.equals(input.receipt.content)).toBe(true);
    expect(stored.sha256).toBe(sha256(stored.content));
    const entry = (await audit.listForIncident(db.pool, incident.id)).find(
      (e) => e.action === 'filing_recorded',
    );
    expect(entry?.detail).toMatchObject({
      filingId: filing.id,
      reference: 'BfDI-2026-117',
      receiptSha256: sha256(input.receipt.content),
      packetHash: packet.contentHash,
    });

    // Filed once: a second recording is refused, and this authority takes no email anyway.
    await expect(recordFiling(db, approver, input)).rejects.toBeInstanceOf(ConflictError);
    await expect(
      requestFilingEmail({ pool: db.pool, config }, approver, {
        incidentId: incident.id,
        packetId: packet.id,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('files a supplement as a further filing of the same obligation, only after the filing itself', async () => {
    const { incident, obligationOf, emailDeps } = await incidentFiling(null);
    const obligation = await obligationOf('DE');
    const people = { reviser, approver };
    const filingPacket = await approvedFilingPacket(emailDeps, obligation, people);
    const supplement = await approvedFilingPacket(emailDeps, obligation, people, 2);
    expect(supplement.subject).toBe(`${obligation.ruleId}@DE#2`);
    const record = (packetId: string, reference: string) =>
      recordFiling(db, approver, {
        incidentId: incident.id,
        packetId,
        channel: 'portal',
        filedAt: new Date(),
        reference,
        receipt: receipt(reference),
      });
    // Nothing filed yet: the supplement waits for the filing.
    await expect(record(supplement.id, 'BfDI-2026-118')).rejects.toThrow(/supplements/);
    await record(filingPacket.id, 'BfDI-2026-117');
    expect((await obligationOf('DE')).status).toBe('met');
    const second = await record(supplement.id, 'BfDI-2026-117/2');
    expect(second).toMatchObject({ sequence: 2, status: 'recorded', packetId: supplement.id });
    const all = await filingsDb.listForIncident(db.pool, incident.id);
    expect(all.map((f) => [f.sequence, f.reference])).toEqual([
      [1, 'BfDI-2026-117'],
      [2, 'BfDI-2026-117/2'],
    ]);
    expect((await obligationOf('DE')).status).toBe('met');
  });

  it('files only the approved packet of the incident', async () => {
    const { incident, obligationOf, approve } = await incidentFiling(null);
    await approve('DE');
    // The French packet is drafted, not approved.
    const fr = await obligationOf('FR');
    const [draft] = await notices.listForIncident(
      db.pool,
      incident.id,
      'filing_packet',
      packetSubject({ ...fr, sequence: 1 }),
    );
    const input = {
      incidentId: incident.id,
      packetId: draft!.id,
      channel: 'post' as const,
      filedAt: new Date(),
      reference: 'registered letter RR123',
      receipt: receipt('postal receipt'),
    };
    await expect(recordFiling(db, approver, input)).rejects.toBeInstanceOf(ConflictError);
    await expect(
      recordFiling(db, approver, { ...input, packetId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      recordFiling(db, approver, { ...input, incidentId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(IncidentNotFoundError);
    expect((await obligationOf('FR')).status).toBe('pending');
  });

  it('sends the approved packet by email once, keeping the message and the relay’s answer', async () => {
    const to = 'notifications@cnil.example';
    const { incident, obligationOf, approve, emailDeps, cfg } = await incidentFiling(to);
    const packet = await approve('FR');
    const claimed = await requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
      incidentId: incident.id,
      packetId: packet.id,
    });
    expect(claimed).toMatchObject({ status: 'sending', channel: 'email', recipient: to });
    expect(claimed.messageId).toBe(`<filing.${claimed.id}@example.com>`);
    expect((await obligationOf('FR')).status).toBe('pending');

    expect(await sendFilingEmail(emailDeps, claimed.id)).toEqual({ filingId: claimed.id, status: 'sent' });
    // Called again (a retried activity): nothing more is sent.
    expect(await sendFilingEmail(emailDeps, claimed.id)).toEqual({ filingId: claimed.id, status: 'sent' });
    expect(sink.acceptedByRecipient.get(to)).toBe(1);
    const message = sink.messages.find((m) => m.envelopeTo.includes(to))!;
    const mail = await renderPacketMail({ templates }, packet);
    expect(message.messageId).toBe(claimed.messageId);
    expect(message.subject).toBe(mail.subject);
    expect(message.envelopeFrom).toBe('privacy@example.com');

    const sent = (await filingsDb.get(db.pool, claimed.id))!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, uncertain: false });
    expect(sent.relayResponse).toMatch(/^250/);
    expect(sent.filedAt).not.toBeNull();
    const raw = (await filingsDb.message(db.pool, claimed.id))!;
    expect(sent.messageSha256).toBe(sha256(raw));
    expect(raw.toString()).toContain(`Message-ID: ${claimed.messageId}`);
    expect((await obligationOf('FR')).status).toBe('met');
    const actions = (await audit.listForIncident(db.pool, incident.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['filing_email_requested', 'filing_sent']));

    // Sent: neither sent again nor recorded over.
    await expect(
      requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
        incidentId: incident.id,
        packetId: packet.id,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      recordFiling(db, approver, {
        incidentId: incident.id,
        packetId: packet.id,
        channel: 'portal',
        filedAt: new Date(),
        reference: 'x',
        receipt: receipt(),
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('sends again after a temporary refusal of the whole message, and the authority gets one', async () => {
    const to = 'later@authority.example';
    const { incident, obligationOf, approve, emailDeps, cfg } = await incidentFiling(to);
    const packet = await approve('FR');
    const claimed = await requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
      incidentId: incident.id,
      packetId: packet.id,
    });
    // 451 after the final ".": refused, not lost; the commit is undone and the attempt throws to retry.
    await expect(sendFilingEmail(emailDeps, claimed.id)).rejects.toBeInstanceOf(SmtpSendError);
    expect(await filingsDb.get(db.pool, claimed.id)).toMatchObject({
      status: 'sending',
      committedAt: null,
      relayResponse: expect.stringMatching(/^451/),
    });
    expect(sink.acceptedByRecipient.get(to)).toBeUndefined();
    expect((await sendFilingEmail(emailDeps, claimed.id)).status).toBe('sent');
    expect(sink.acceptedByRecipient.get(to)).toBe(1);
    expect(await filingsDb.get(db.pool, claimed.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await obligationOf('FR')).status).toBe('met');
  });

  it('marks a refused email failed, the obligation still open, and sends it when asked again', async () => {
    const to = 'refuse-once@authority.example';
    const { incident, obligationOf, approve, emailDeps, cfg } = await incidentFiling(to);
    const packet = await approve('FR');
    const request = () =>
      requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
        incidentId: incident.id,
        packetId: packet.id,
      });
    const claimed = await request();
    expect((await sendFilingEmail(emailDeps, claimed.id)).status).toBe('failed');
    expect(await filingsDb.get(db.pool, claimed.id)).toMatchObject({
      status: 'failed',
      uncertain: false,
      relayResponse: expect.stringMatching(/^550/),
    });
    expect((await obligationOf('FR')).status).toBe('pending');
    const again = await request();
    expect(again).toMatchObject({ id: claimed.id, status: 'sending', messageId: claimed.messageId });
    expect((await sendFilingEmail(emailDeps, again.id)).status).toBe('sent');
    expect(sink.acceptedByRecipient.get(to)).toBe(1);
    expect((await obligationOf('FR')).status).toBe('met');
    const actions = (await audit.listForIncident(db.pool, incident.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'filing_email_requested')).toHaveLength(2);
    expect(actions).toContain('filing_email_failed');
  });

  it('never sends blind again what an attempt lost after the commit point: failed, uncertain, for a person', async () => {
    const to = 'lost@authority.example';
    const { incident, obligationOf, approve, emailDeps, cfg } = await incidentFiling(to);
    const packet = await approve('FR');
    const claimed = await requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
      incidentId: incident.id,
      packetId: packet.id,
    });
    // An attempt that passed the commit point and was lost before the relay's answer (a worker killed).
    const lost = {
      ...emailDeps,
      smtp: {
        send: async (_envelope: unknown, _raw: Buffer, beforeCommit: () => Promise<void>) => {
          await beforeCommit();
          throw new Error('worker lost');
        },
      } as unknown as SmtpPool,
    };
    await expect(sendFilingEmail(lost, claimed.id)).rejects.toThrow('worker lost');
    // Its retry: not sent again.
    expect((await sendFilingEmail(emailDeps, claimed.id)).status).toBe('failed');
    expect(sink.acceptedByRecipient.get(to)).toBeUndefined();
    expect(await filingsDb.get(db.pool, claimed.id)).toMatchObject({ status: 'failed', uncertain: true });
    expect((await obligationOf('FR')).status).toBe('pending');
    const actions = (await audit.listForIncident(db.pool, incident.id)).map((e) => e.action);
    expect(actions).toContain('filing_email_unconfirmed');
    // Asked again: only with resend, after checking with the authority.
    const request = (resend: boolean) =>
      requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
        incidentId: incident.id,
        packetId: packet.id,
        resend,
      });
    await expect(request(false)).rejects.toThrow(/resend/);
    // Or the person files another way and records it with the receipt.
    const recorded = await recordFiling(db, approver, {
      incidentId: incident.id,
      packetId: packet.id,
      channel: 'other',
      filedAt: new Date(),
      reference: 'CNIL acknowledgement 42',
      receipt: receipt('acknowledgement'),
    });
    expect(recorded).toMatchObject({ id: claimed.id, status: 'recorded', channel: 'other' });
    expect((await obligationOf('FR')).status).toBe('met');
  });

  it('keeps the answer of a connection lost after the whole message: uncertain; resent only when asked', async () => {
    // A relay that takes the whole message, keeps it, and drops the connection without answering.
    let received = 0;
    const server: SMTPServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          received++;
          if (received > 1) return callback();
          const connections = (
            server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
          ).connections;
          for (const c of connections) if (c.id === session.id) c._socket.destroy();
        });
      },
    });
    const relay = await listenOnLoopback(server);
    const relaySmtp = new SmtpPool({ url: relay.url, size: 1 });
    try {
      const to = 'dropped@authority.example';
      const { incident, obligationOf, approve, emailDeps, cfg } = await incidentFiling(to);
      const deps = { ...emailDeps, smtp: relaySmtp };
      const packet = await approve('FR');
      const request = (resend: boolean) =>
        requestFilingEmail({ pool: db.pool, config: cfg }, approver, {
          incidentId: incident.id,
          packetId: packet.id,
          resend,
        });
      const claimed = await request(false);
      expect((await sendFilingEmail(deps, claimed.id)).status).toBe('failed');
      expect(received).toBe(1);
      expect(await filingsDb.get(db.pool, claimed.id)).toMatchObject({ status: 'failed', uncertain: true });
      expect((await sendFilingEmail(deps, claimed.id)).status).toBe('failed');
      expect(received).toBe(1);
      await expect(request(false)).rejects.toBeInstanceOf(ConflictError);
      const again = await request(true);
      expect(again).toMatchObject({ status: 'sending', uncertain: false, messageId: claimed.messageId });
      expect((await sendFilingEmail(deps, claimed.id)).status).toBe('sent');
      expect(received).toBe(2);
      expect((await obligationOf('FR')).status).toBe('met');
    } finally {
      await relaySmtp.close();
      await relay.close();
    }
  });
});
