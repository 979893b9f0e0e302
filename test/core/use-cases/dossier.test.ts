import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHash, verifyChains } from '../../../core/audit/chain';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as obligations from '../../../core/db/obligations';
import { Dossier, DossierManifest } from '../../../core/dossier/schema';
import { IncidentNotFoundError } from '../../../core/errors';
import { TemplateCache } from '../../../core/mail/template-cache';
import { exportDossier, type DossierExport } from '../../../core/use-cases/dossier';
import { recordIncidentStatus } from '../../../core/use-cases/incidents';
import { recordFiling } from '../../../core/use-cases/filings';
import { assess, reassessIncident } from '../../../core/use-cases/obligations';
import {
  decidePacket,
  draftMissingPackets,
  listPackets,
  revisePacket,
} from '../../../core/use-cases/packets';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { actorOf, importEmailHolders, newDeliveredIncident, newUser } from '../../helpers/factories';

/**
 * The evidence dossier of a finished incident, exported through the use case against real
 * PostgreSQL: the PDF opens and its first page is not blank (rendered by poppler's pdftoppm), the
 * JSON validates against its schema and carries the whole delivery log (more than one keyset page)
 * and the audit chain (re-verifiable from the file alone), the manifest's hashes match the files,
 * and the export is in the audit trail with the manifest's hash.
 */

const PEOPLE = 2_100; // more than two pages of the delivery log (1,000 rows a page)
const TITLE = 'Dossier test: CRM export exposed';

describe('core/use-cases/dossier', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let exported: DossierExport;
  let complianceId: string;
  const out = mkdtempSync(join(tmpdir(), 'forthright-dossier-'));
  const file = (name: string) => join(out, name);
  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-dossier-data-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const customers = Array.from({ length: PEOPLE }, (_, i) => ({
      externalId: `D${String(i).padStart(5, '0')}`,
      // A name beyond Latin-1 and one within it: the PDF shows what its fonts can, the JSON all.
      fullName: i === 0 ? 'Zoë Ångström' : i === 1 ? '李雷' : `Person ${i}`,
      email: `d${i}@example.com`,
      country: 'DE',
    }));
    await importEmailHolders(db.pool, customers);
    const compliance = await newUser(db.pool, { role: 'compliance', displayName: 'Clara Compliance' });
    complianceId = compliance.user.id;
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      {
        incident: { title: TITLE, discoveredAt: new Date(Date.now() - 6 * 3_600_000) },
        approver: compliance.user,
        sent: PEOPLE,
      },
    );
    incidentId = delivered.incident.id;
    const actor = actorOf(compliance.user);
    await assess({ pool: db.pool, config }, incidentId);
    await reassessIncident({ pool: db.pool, config }, actor, {
      incidentId,
      reason: 'Logs show the export ran an hour earlier',
      discoveredAt: new Date(Date.now() - 7 * 3_600_000),
    });
    const regulator = (await obligations.current(db.pool, incidentId)).find(
      (o) => o.audience === 'regulator',
    );
    // German people: a regulator obligation is certain, and the filing tests below depend on it.
    if (!regulator) throw new Error('expected a regulator obligation for a German incident');
    // Filed with proof (issue 15): its packet filled in by a second compliance user, approved, and
    // the portal filing recorded with its reference and receipt.
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    const reviser = await newUser(db.pool, { role: 'compliance', email: 'reviser@staff.example.com' });
    await draftMissingPackets(deps, incidentId);
    const packet = (await listPackets(deps, incidentId)).find(
      (p) => p.ruleId === regulator.ruleId && p.jurisdiction === regulator.jurisdiction,
    );
    if (!packet) throw new Error('expected a packet for the regulator obligation');
    const revised = await revisePacket(deps, reviser.actor, {
      incidentId,
      packetId: packet.id,
      elements: Object.fromEntries(
        (packet.content.packet?.elements ?? [])
          .filter((e) => !e.value)
          .map((e) => [e.key, `Given: ${e.key}`]),
      ),
    });
    await decidePacket(deps, actor, {
      incidentId,
      packetId: revised.id,
      contentHash: revised.contentHash,
      decision: 'approve',
      comment: null,
    });
    await recordFiling({ pool: db.pool }, actor, {
      incidentId,
      packetId: revised.id,
      channel: 'portal',
      filedAt: new Date(Date.now() - 60_000),
      reference: 'Case 2026-123',
      receipt: {
        filename: 'receipt.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4\n'),
      },
    });
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'completed');
    exported = await exportDossier({ pool: db.pool }, actor, { incidentId, dir: out });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** The PDF's text (poppler's pdftotext), of the first page or all. */
  const pdfText = (firstPageOnly: boolean) =>
    execFileSync(
      'pdftotext',
      [...(firstPageOnly ? ['-f', '1', '-l', '1'] : []), '-layout', file('dossier.pdf'), '-'],
      { encoding: 'utf8' },
    );
  /** Renders the first page (poppler's pdftoppm) as page1.png or page1.pgm; returns the file. */
  const renderFirstPage = (format: '-png' | '-gray', dpi: number) => {
    const args = [format, '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile'];
    execFileSync('pdftoppm', [...args, file('dossier.pdf'), file('page1')]);
    return readFileSync(file(format === '-png' ? 'page1.png' : 'page1.pgm'));
  };

  it('writes a PDF whose first page renders, and is not blank', () => {
    expect(readFileSync(file('dossier.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(true);
    expect(text).toContain('Evidence dossier');
    expect(text).toContain(TITLE);
    expect(text).toContain(incidentId);
    expect(text).toContain('Audit trail verified');

    // The first page as PNG (kept next to the dossier, to look at), and as greyscale pixels to count.
    expect(renderFirstPage('-png', 60).subarray(1, 4).toString()).toBe('PNG');
    const pgm = renderFirstPage('-gray', 30);
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 32).toString('latin1'));
    expect(header).not.toBeNull();
    const pixels = pgm.subarray(pgm.length - Number(header![1]) * Number(header![2]));
    const inked = pixels.filter((p) => p < 200).length;
    expect(inked / pixels.length).toBeGreaterThan(0.01);
  });

  it('lists every recipient and the whole audit chain in the PDF', () => {
    const text = pdfText(false);
    expect(text).toContain('Delivery log, per recipient');
    expect(text).toContain('Zoë Ångström');
    expect(text).toContain(`Person ${PEOPLE - 1}`);
    expect(text).toContain('filing_recorded');
    expect(text).not.toMatch(/\/n\/[A-Za-z0-9_-]{16,}/); // no page links
  });

  it('writes JSON that validates against its schema, with every row and a re-verifiable chain', () => {
    const dossier = Dossier.parse(JSON.parse(readFileSync(file('dossier.json'), 'utf8')));
    expect(dossier.incident.id).toBe(incidentId);
    expect(dossier.incident.facts.title).toBe(TITLE);
    expect(dossier.deliveries).toHaveLength(PEOPLE);
    expect(new Set(dossier.deliveries.map((d) => d.customerId)).size).toBe(PEOPLE);
    expect(dossier.deliveries.find((d) => d.fullName === '李雷')).toBeDefined();
    // (the factory records sends without a stored copy, so no content hash here)
    expect(dossier.deliveries.every((d) => d.deliveryStatus === 'sent' && d.sentAt !== null)).toBe(true);
    expect(JSON.stringify(dossier.deliveries[0])).not.toMatch(/token|lease|sendContext/i);
    expect(dossier.rulesVersion).not.toBeNull();
    expect(dossier.obligations.some((o) => o.supersededAt !== null)).toBe(true); // the re-assessment
    expect(dossier.obligations.every((o) => o.citation.length > 0)).toBe(true);
    // The factory approves through the notice use case directly (no recorded decision rows).
    expect(dossier.notices[0]).toMatchObject({ status: 'approved', decidedBy: complianceId });
    expect(dossier.notices[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(dossier.incident.factVersions.map((v) => v.action)).toEqual(
      expect.arrayContaining(['incident_opened', 'reassessment_requested', 'status_changed']),
    );
    expect(dossier.recordedActions.map((a) => a.action)).toContain('filing_recorded');
    expect(dossier.filings.map((f) => f.reference)).toEqual(['Case 2026-123']);

    expect(dossier.auditVerification.ok).toBe(true);
    expect(dossier.auditEvents).toHaveLength(dossier.auditVerification.events);
    const rows = dossier.auditEvents.map((e) => ({ ...e, incidentId, detail: e.detailText }));
    for (const row of rows) expect(eventHash(row)).toBe(row.hash);
    const again = verifyChains(rows);
    expect(again.ok).toBe(true);
    expect(again.heads[0]!.hash).toBe(dossier.auditVerification.head!.hash);
  });

  it("writes a manifest whose hashes match the files, and records the export with the manifest's hash", async () => {
    const manifest = DossierManifest.parse(JSON.parse(readFileSync(file('manifest.json'), 'utf8')));
    expect(manifest).toEqual(exported.manifest);
    // The PDF, the JSON, and the regulator filing's receipt as uploaded.
    expect(manifest.files.map((f) => f.name)).toEqual([
      'dossier.pdf',
      'dossier.json',
      expect.stringMatching(/^receipts\/[0-9a-f-]{36}-receipt\.pdf$/),
    ]);
    for (const f of manifest.files) {
      expect(f.sha256).toBe(sha256(file(f.name)));
      expect(f.bytes).toBe(statSync(file(f.name)).size);
    }
    expect(exported.manifestSha256).toBe(sha256(file('manifest.json')));

    const events = await audit.listForIncident(db.pool, incidentId);
    const entry = events.find((e) => e.action === 'dossier_exported');
    expect(entry?.actor).toBe(complianceId);
    expect(entry?.detail).toMatchObject({
      manifestSha256: exported.manifestSha256,
      auditHeadHash: manifest.auditHeadHash,
    });
    // Nothing personal in the trail's entry: hashes and file names only.
    expect(JSON.stringify(entry?.detail)).not.toContain('example.com');
  });

  it('refuses an unknown incident with IncidentNotFoundError, leaving no files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forthright-dossier-none-'));
    await expect(
      exportDossier(
        { pool: db.pool },
        { id: complianceId, role: 'compliance' },
        {
          incidentId: '00000000-0000-4000-8000-000000000000',
          dir,
        },
      ),
    ).rejects.toBeInstanceOf(IncidentNotFoundError);
    expect(() => statSync(join(dir, 'dossier.pdf'))).toThrow();
  });
});
