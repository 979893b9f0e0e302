import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as obligations from '../../../core/db/obligations';
import { Dossier, type DossierManifest } from '../../../core/dossier/schema';
import { TemplateCache } from '../../../core/mail/template-cache';
import { decideDetermination, proposeDetermination } from '../../../core/use-cases/determinations';
import { exportDossier } from '../../../core/use-cases/dossier';
import { recordFiling } from '../../../core/use-cases/filings';
import { assess } from '../../../core/use-cases/obligations';
import {
  decidePacket,
  draftMissingPackets,
  listPackets,
  revisePacket,
} from '../../../core/use-cases/packets';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import type { StaffMember } from '../../helpers/factories';
import { identifyAffected, importInventory, newIncident, newUser } from '../../helpers/factories';

/**
 * The evidence dossier of an incident with filings and determinations (issue 15), through the use
 * cases on real PostgreSQL: every version of every filing packet with its content hash and who
 * approved it; every filing's proof (channel, time, reference, the receipt's SHA-256); every
 * determination with its proposer, its second approver, its reason and its effect on the
 * obligations (a rejected one too, with nothing changed). In dossier.json (validated against its
 * schema) and in the PDF's text.
 */

const RECEIPT = Buffer.from('%PDF-1.4\n% CNIL notification receipt, case FR-2026-118\n%%EOF\n');
const RECEIPT_SHA256 = createHash('sha256').update(RECEIPT).digest('hex');
const REASON = 'The French records were pseudonymised and the key never left the HSM.';

describe('core/use-cases/dossier: packets, filings, determinations', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let dossier: Dossier;
  let pdf: string;
  let manifest: DossierManifest;
  let drafter: StaffMember;
  let approver: StaffMember;
  let filedPacket: { id: string; contentHash: string; jurisdiction: string; ruleId: string };
  const out = mkdtempSync(join(tmpdir(), 'forthright-dossier-filings-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-dossier-filings-data-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    const people = [
      { externalId: 'DE1', fullName: 'Dieter Eins', country: 'DE' },
      { externalId: 'DE2', fullName: 'Dora Zwei', country: 'DE' },
      { externalId: 'FR1', fullName: 'Françoise Un', country: 'FR' },
      { externalId: 'CA1', fullName: 'Carmen Uno', country: 'US', region: 'US-CA' },
    ];
    await importInventory(db.pool, {
      customers: people,
      holdings: people.map((c) => ({
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['name', 'ssn'],
      })),
    });
    drafter = await newUser(db.pool, {
      role: 'compliance',
      email: 'c1@staff.example.com',
      displayName: 'Clara One',
    });
    approver = await newUser(db.pool, {
      role: 'compliance',
      email: 'c2@staff.example.com',
      displayName: 'Carl Two',
    });
    const { incident } = await newIncident(db.pool, {
      title: 'Dossier filings test',
      dataCategories: ['name', 'ssn'],
      discoveredAt: new Date(Date.now() - 3 * 3_600_000),
    });
    incidentId = incident.id;
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
    await draftMissingPackets(deps, incidentId);

    // The German packet: filled in by one person, approved by another, filed by portal with a receipt.
    const listed = await listPackets({ pool: db.pool }, incidentId);
    const german = listed.find((p) => p.jurisdiction === 'DE' && p.sequence === 1);
    if (!german) throw new Error(`no German packet in ${JSON.stringify(listed.map((p) => p.subject))}`);
    const filled = Object.fromEntries(
      (german.content.packet?.elements ?? []).filter((e) => !e.value).map((e) => [e.key, `Given: ${e.key}`]),
    );
    const revised = await revisePacket(deps, drafter.actor, {
      incidentId,
      packetId: german.id,
      elements: filled,
    });
    const decided = await decidePacket(deps, approver.actor, {
      incidentId,
      packetId: revised.id,
      contentHash: revised.contentHash,
      decision: 'approve',
      comment: null,
    });
    expect(decided.outcome).toBe('approved');
    filedPacket = {
      id: revised.id,
      contentHash: revised.contentHash,
      jurisdiction: 'DE',
      ruleId: german.ruleId,
    };
    await recordFiling({ pool: db.pool }, drafter.actor, {
      incidentId,
      packetId: revised.id,
      channel: 'portal',
      filedAt: new Date(Date.now() - 60_000),
      reference: 'BFDI-2026-0042',
      receipt: { filename: 'bfdi-receipt.pdf', contentType: 'application/pdf', content: RECEIPT },
    });

    // A determination on the French authority's obligation, approved by a second person; another rejected.
    const french = (await obligations.current(db.pool, incidentId)).find(
      (o) => o.jurisdiction === 'FR' && o.audience === 'regulator',
    );
    if (!french) throw new Error('expected a French regulator obligation');
    const proposed = await proposeDetermination({ pool: db.pool }, drafter.actor, {
      incidentId,
      kind: 'no_risk_of_harm',
      reason: REASON,
      facts: ['Pseudonymised with a keyed hash', 'Key held in the HSM, never exported'],
      obligationIds: [french.id],
    });
    await decideDetermination({ pool: db.pool, config }, approver.actor, {
      incidentId,
      determinationId: proposed.id,
      decision: 'approve',
      comment: 'Checked the HSM logs.',
    });
    const refused = await proposeDetermination({ pool: db.pool }, drafter.actor, {
      incidentId,
      kind: 'exemption',
      reason: 'Encrypted at rest',
      facts: ['Disk encryption'],
    });
    await decideDetermination({ pool: db.pool, config }, approver.actor, {
      incidentId,
      determinationId: refused.id,
      decision: 'reject',
      comment: 'The data was read while the system ran: disk encryption did not protect it.',
    });

    // A law-enforcement request on California's notice: its approval pauses that clock.
    const californians = (await obligations.current(db.pool, incidentId)).find(
      (o) => o.jurisdiction === 'US-CA' && o.audience === 'individuals',
    );
    if (!californians) throw new Error('expected a Californian individuals obligation');
    const request = await proposeDetermination({ pool: db.pool }, drafter.actor, {
      incidentId,
      kind: 'law_enforcement_request',
      reason: 'FBI field office asked in writing to delay notice for 30 days',
      facts: [],
      obligationIds: [californians.id],
    });
    await decideDetermination({ pool: db.pool, config }, approver.actor, {
      incidentId,
      determinationId: request.id,
      decision: 'approve',
      comment: null,
    });

    ({ manifest } = await exportDossier({ pool: db.pool }, drafter.actor, { incidentId, dir: out }));
    dossier = Dossier.parse(JSON.parse(readFileSync(join(out, 'dossier.json'), 'utf8')));
    pdf = execFileSync('pdftotext', ['-layout', join(out, 'dossier.pdf'), '-'], { encoding: 'utf8' });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('holds every version of every packet, with its hash and its approvers', () => {
    const german = dossier.packets.filter((p) => p.jurisdiction === 'DE' && p.sequence === 1);
    // Drafted from the incident, then filled in: two versions, the second approved.
    expect(german.map((p) => p.version)).toEqual([1, 2]);
    expect(german[0]!.status).toBe('superseded');
    const approved = german[1]!;
    expect(approved).toMatchObject({
      id: filedPacket.id,
      status: 'approved',
      contentHash: filedPacket.contentHash,
      ruleId: filedPacket.ruleId,
      revisedBy: drafter.user.id,
      revisedByName: 'Clara One',
      decidedBy: approver.user.id,
    });
    expect(approved.approvals).toEqual([
      expect.objectContaining({
        decision: 'approve',
        contentHash: filedPacket.contentHash,
        decidedBy: approver.user.id,
        decidedByName: 'Carl Two',
      }),
    ]);
    expect((approved.content.packet as { elements: unknown[] }).elements.length).toBeGreaterThan(2);
    // Every packet of the incident is there, the French one too (drafted, never filed).
    expect(dossier.packets.map((p) => p.jurisdiction)).toEqual(expect.arrayContaining(['DE', 'FR']));
  });

  it("holds every filing's proof: channel, time, reference and the receipt's SHA-256", () => {
    expect(dossier.filings).toHaveLength(1);
    expect(dossier.filings[0]).toMatchObject({
      jurisdiction: 'DE',
      ruleId: filedPacket.ruleId,
      sequence: 1,
      packetId: filedPacket.id,
      packetHash: filedPacket.contentHash,
      channel: 'portal',
      status: 'recorded',
      reference: 'BFDI-2026-0042',
      recordedBy: drafter.user.id,
      receiptFilename: 'bfdi-receipt.pdf',
      receiptSha256: RECEIPT_SHA256,
      receiptBytes: RECEIPT.length,
    });
    expect(dossier.filings[0]!.filedAt).not.toBeNull();
    // The receipt itself lies beside the dossier, byte for byte, listed in the manifest with its hash.
    const receiptFile = dossier.filings[0]!.files.receipt!;
    expect(receiptFile).toBe(`receipts/${dossier.filings[0]!.id}-bfdi-receipt.pdf`);
    expect(readFileSync(join(out, receiptFile)).equals(RECEIPT)).toBe(true);
    expect(manifest.files.find((f) => f.name === receiptFile)).toMatchObject({
      sha256: RECEIPT_SHA256,
      bytes: RECEIPT.length,
      mediaType: 'application/pdf',
    });
    // The German obligation is met by it.
    const met = dossier.obligations.find(
      (o) => o.jurisdiction === 'DE' && o.audience === 'regulator' && o.supersededAt === null,
    );
    expect(met?.status).toBe('met');
    const actions = dossier.recordedActions.map((a) => a.action);
    for (const action of [
      'filing_packet_drafted',
      'filing_packet_revised',
      'notice_approved',
      'filing_recorded',
    ])
      expect(actions).toContain(action);
    // The customers' notice's decisions are not filings: only the packets' are quoted here.
    const decided = dossier.recordedActions.filter((a) => a.action === 'notice_approved');
    expect(decided.map((a) => a.detail.noticeId)).toEqual([filedPacket.id]);
  });

  it('holds every determination: proposer, approver, reason and effect', () => {
    const [approved, rejected, request] = dossier.determinations;
    expect(approved).toMatchObject({
      kind: 'no_risk_of_harm',
      status: 'approved',
      reason: REASON,
      facts: ['Pseudonymised with a keyed hash', 'Key held in the HSM, never exported'],
      proposedBy: drafter.user.id,
      proposedByName: 'Clara One',
      decidedBy: approver.user.id,
      decidedByName: 'Carl Two',
      decisionComment: 'Checked the HSM logs.',
      jurisdictions: ['FR'],
    });
    // Its effect: the French authority's obligation set aside, with a reason naming the determination.
    expect(approved!.effect).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          change: 'not_required',
          jurisdiction: 'FR',
          audience: 'regulator',
          statusAfter: 'not_required',
        }),
      ]),
    );
    expect(approved!.effect.every((e) => e.jurisdiction === 'FR')).toBe(true);
    expect(rejected).toMatchObject({
      kind: 'exemption',
      status: 'rejected',
      decidedBy: approver.user.id,
      effect: [],
    });
    // A law-enforcement request sets nothing aside: it pauses the clock of what it covers.
    expect(request).toMatchObject({
      kind: 'law_enforcement_request',
      status: 'approved',
      requestForm: 'written',
    });
    expect(request!.effect).toEqual([
      expect.objectContaining({ change: 'held', jurisdiction: 'US-CA', audience: 'individuals' }),
    ]);
    const actions = dossier.recordedActions.map((a) => a.action);
    for (const action of ['determination_proposed', 'determination_approved', 'determination_rejected'])
      expect(actions).toContain(action);
  });

  it('shows the packets, the proof and the determinations in the PDF', () => {
    expect(pdf).toContain('Determinations: what compliance decided');
    expect(pdf).toContain('Filing packets: every version');
    expect(pdf).toContain('Filings and their proof');
    expect(pdf).toContain('BFDI-2026-0042');
    expect(pdf).toContain(RECEIPT_SHA256);
    expect(pdf).toContain(filedPacket.contentHash);
    expect(pdf).toContain('Carl Two');
    // The reason, as far as the PDF's line breaks let us look for it.
    expect(pdf).toContain('pseudonymised');
  });
});
