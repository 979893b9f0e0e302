import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeBreak } from '../audit/chain';
import { verifyTrail } from '../audit/verify-trail';
import * as audit from '../db/audit';
import type { AuditChainRow } from '../db/audit';
import * as dossiers from '../db/dossier';
import type { DeliveryLogRow, DossierDetermination, DossierObligation } from '../db/dossier';
import * as filingsDb from '../db/filings';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import * as retention from '../db/retention';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import { jsonDossierWriter } from '../dossier/json-writer';
import { pdfDossierWriter } from '../dossier/pdf-writer';
import {
  DOSSIER_FORMAT,
  MANIFEST_FORMAT,
  type AuditEventEntry,
  type DeliveryLogEntry,
  type DeterminationEffect,
  type DeterminationRecord,
  type DossierHeader,
  type DossierManifest,
} from '../dossier/schema';
import type { DossierWriter } from '../dossier/writer';
import { IncidentNotFoundError } from '../errors';
import type { Actor } from './types';

/** The files of a dossier, by name, in the directory it was written to. */
export const DOSSIER_FILES = {
  pdf: { name: 'dossier.pdf', mediaType: 'application/pdf' },
  json: { name: 'dossier.json', mediaType: 'application/json' },
  manifest: { name: 'manifest.json', mediaType: 'application/json' },
} as const;

export interface DossierExport {
  manifest: DossierManifest;
  /** SHA-256 of manifest.json as written: what the audit entry records. */
  manifestSha256: string;
  dir: string;
}

/**
 * Where a filing's proof files go in the dossier's directory: the receipt the authority gave, as
 * uploaded, and the email exactly as handed to the relay. Named by the filing's id (unique), the
 * receipt keeping its own name after it (made safe for any file system).
 */
export function proofFileNames(f: {
  id: string;
  receiptFilename: string | null;
  receiptSha256: string | null;
  messageSha256: string | null;
}): { receipt: string | null; message: string | null } {
  const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
  return {
    receipt: f.receiptSha256 ? `receipts/${f.id}-${safe(f.receiptFilename ?? 'receipt')}` : null,
    message: f.messageSha256 ? `messages/${f.id}.eml` : null,
  };
}

/** Rows per page of the two long lists: each page is one query, written out before the next. */
const PAGE_ROWS = 1000;

/** Audit actions that change an incident's facts (each carries `before` and `after`). */
const FACT_ACTIONS = ['incident_opened', 'reassessment_requested', 'status_changed', 'recipient_corrected'];
/** Filings: the packets' drafting and decisions, the emails sent, the filings recorded (and v1's notes). */
const FILING_ACTIONS = [
  'filing_recorded',
  'filing_email_requested',
  'filing_sent',
  'filing_email_failed',
  'filing_email_unconfirmed',
  'filing_packet_drafted',
  'filing_packet_revised',
  'filing_supplement_drafted',
  'prior_filing_overridden',
];
/** Decisions on a notice version: the packets' among them are quoted with the filings. */
const NOTICE_DECISION_ACTIONS = [
  'approval_decision_recorded',
  'notice_approval_recorded',
  'notice_approved',
  'notice_rejected',
];
/** What was decided about the obligations and the notice, besides the approvals themselves. */
const DETERMINATION_ACTIONS = [
  'obligations_assessed',
  'obligations_reassessed_after_notice',
  'determination_proposed',
  'determination_approved',
  'determination_rejected',
  'determination_withdrawn',
  'incident_withdrawn',
  'delay_reason_recorded',
  'obligation_held',
  'obligation_hold_lifted',
  'law_enforcement_hold_recorded',
  'law_enforcement_hold_lifted',
  'law_enforcement_hold_expired',
  'obligation_overdue',
  'standard_notice_used',
  'standard_notice_unavailable',
  'individuals_obligations_met',
  'delivery_finished',
  'workflow_tampered',
  // Substitute notice: when it was due, its website posting going live, what compliance recorded.
  'substitute_notice_reviewed',
  'substitute_posting_live',
  'substitute_element_recorded',
  'substitute_notice_carried_out',
  // Retention: the people erased when the incident's retention ended (counts and a digest only).
  'incident_purged',
];

/**
 * Exports an incident's evidence dossier into `dir`: dossier.pdf for people, dossier.json for
 * machines (the same data: core/dossier/schema.ts), and manifest.json with the SHA-256 of each.
 * Then records the export in the audit trail — who, and the manifest's hash — so a dossier handed
 * to a regulator can be matched to its entry. Throws IncidentNotFoundError.
 *
 * Two transactions, not one, and on purpose: everything is read in one REPEATABLE READ snapshot
 * (pages over minutes must agree with each other and with the verified chain), while the audit
 * entry must be appended in READ COMMITTED, where the chain trigger sees the committed head
 * (migration 007); and it can only be written once the files exist, since it carries their hash.
 * The delivery log and the audit chain are read in keyset pages and streamed into both files, so
 * memory holds one page whatever the incident's size.
 */
export async function exportDossier(
  deps: { pool: Pool },
  actor: Actor,
  input: { incidentId: string; dir: string },
): Promise<DossierExport> {
  const { incidentId, dir } = input;
  await mkdir(dir, { recursive: true });
  const paths = {
    pdf: join(dir, DOSSIER_FILES.pdf.name),
    json: join(dir, DOSSIER_FILES.json.name),
    manifest: join(dir, DOSSIER_FILES.manifest.name),
  };
  const generatedAt = new Date().toISOString();
  let auditHeadHash: string | null = null;
  /** The filings' proof files written beside the dossier, for the manifest. */
  const proofFiles: { name: string; mediaType: string }[] = [];
  await inTransaction(
    deps.pool,
    async (db) => {
      const header = await readHeader(db, actor, incidentId, generatedAt);
      auditHeadHash = header.auditVerification.head?.hash ?? null;
      const writers = [pdfDossierWriter(paths.pdf, incidentId), jsonDossierWriter(paths.json)];
      try {
        await each(writers, (w) => w.header(header));
        await each(writers, (w) => w.begin('deliveries'));
        for (let after = 0; ;) {
          const rows = await dossiers.deliveryLogPage(db, incidentId, { after, limit: PAGE_ROWS });
          const entries = rows.map(deliveryEntry);
          await each(writers, (w) => w.deliveries(entries));
          if (rows.length < PAGE_ROWS) break;
          after = rows[rows.length - 1]!.customerId;
        }
        await each(writers, (w) => w.begin('auditEvents'));
        for (let afterSeq = '0'; ;) {
          const rows = await dossiers.chainPage(db, incidentId, { afterSeq, limit: PAGE_ROWS });
          const entries = rows.map(auditEntry);
          await each(writers, (w) => w.auditEvents(entries));
          if (rows.length < PAGE_ROWS) break;
          afterSeq = rows[rows.length - 1]!.chainSeq;
        }
        await each(writers, (w) => w.close());
        // The proof itself, one file at a time from the same snapshot (a receipt is at most 10 MiB).
        for (const f of header.filings) {
          const names = proofFileNames(f);
          if (names.receipt) {
            const receipt = await filingsDb.receipt(db, incidentId, f.id);
            if (receipt) {
              await writeProof(dir, names.receipt, receipt.content);
              proofFiles.push({ name: names.receipt, mediaType: receipt.contentType });
            }
          }
          if (names.message) {
            const message = await filingsDb.message(db, f.id);
            if (message) {
              await writeProof(dir, names.message, message);
              proofFiles.push({ name: names.message, mediaType: 'message/rfc822' });
            }
          }
        }
      } catch (err) {
        for (const w of writers) w.abort();
        await Promise.all([
          rm(paths.pdf, { force: true }),
          rm(paths.json, { force: true }),
          ...proofFiles.map((f) => rm(join(dir, f.name), { force: true })),
        ]);
        throw err;
      }
    },
    { readOnlySnapshot: true },
  );

  const manifest: DossierManifest = {
    format: MANIFEST_FORMAT,
    incidentId,
    generatedAt,
    generatedBy: actor.id,
    auditHeadHash,
    files: [
      { ...DOSSIER_FILES.pdf, ...(await digest(paths.pdf)) },
      { ...DOSSIER_FILES.json, ...(await digest(paths.json)) },
      ...(await Promise.all(proofFiles.map(async (f) => ({ ...f, ...(await digest(join(dir, f.name))) })))),
    ],
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  await writeFile(paths.manifest, manifestBytes);
  const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
  await inTransaction(deps.pool, (tx) =>
    audit.append(tx, {
      incidentId,
      actor: actor.id,
      action: 'dossier_exported',
      detail: {
        manifestSha256,
        auditHeadHash,
        generatedAt,
        files: manifest.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
      },
    }),
  );
  return { manifest, manifestSha256, dir };
}

/** Everything but the two long lists, from the snapshot. */
async function readHeader(
  db: Queryable,
  actor: Actor,
  incidentId: string,
  generatedAt: string,
): Promise<DossierHeader> {
  const incident = await incidents.get(db, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  // One after another: they share the snapshot's one connection.
  const obligations = await dossiers.allObligations(db, incidentId);
  const versions = await notices.listForIncident(db, incidentId);
  const decisions = await dossiers.approvalDecisions(db, incidentId);
  const preapprovals = await dossiers.preapprovalsOfNotices(db, incidentId);
  const packets = await dossiers.packetVersions(db, incidentId);
  const filings = await filingsDb.listForIncident(db, incidentId);
  const determinations = await dossiers.allDeterminations(db, incidentId);
  const packetIds = new Set(packets.map((p) => p.id));
  // One read of the recorded events the header quotes, split by kind (each keeps chain order).
  const recorded = await dossiers.eventsOfKinds(db, incidentId, [
    ...FACT_ACTIONS,
    ...FILING_ACTIONS,
    ...DETERMINATION_ACTIONS,
    ...NOTICE_DECISION_ACTIONS,
  ]);
  const ofKinds = (actions: readonly string[]) => recorded.filter((e) => actions.includes(e.action));
  const factEvents = ofKinds(FACT_ACTIONS);
  const approvalsOf = (noticeId: string) =>
    decisions
      .filter((d) => d.noticeId === noticeId)
      .map((d) => ({
        decision: d.decision,
        contentHash: d.contentHash,
        comment: d.comment,
        decidedBy: d.decidedBy,
        decidedByName: d.decidedByName,
        decidedAt: iso(d.decidedAt),
        consumedAt: isoOrNull(d.consumedAt),
      }));
  // After the retention purge the people are gone: the summary is the one the purge recorded.
  const purge = await retention.getPurge(db, incidentId);
  const totals = purge ? purge.deliverySummary : await dossiers.deliveryTotals(db, incidentId);
  // Verified in the same snapshot the chain is listed from: the dossier's chain is the one checked.
  const verification = await verifyTrail(db, { incidentId });
  const head = verification.heads[0];
  return {
    format: DOSSIER_FORMAT,
    generatedAt,
    generatedBy: { id: actor.id, role: actor.role },
    incident: {
      id: incident.id,
      workflowId: incident.workflowId,
      openedBy: incident.openedBy,
      openedByName: incident.openedByName,
      createdAt: iso(incident.createdAt),
      facts: {
        title: incident.title,
        description: incident.description,
        discoveredAt: iso(incident.discoveredAt),
        occurredFrom: isoOrNull(incident.occurredFrom),
        occurredTo: isoOrNull(incident.occurredTo),
        systems: incident.systems,
        dataCategories: incident.dataCategories,
        encrypted: incident.encrypted,
        keyCompromised: incident.keyCompromised,
        materialityDeterminedAt: isoOrNull(incident.materialityDeterminedAt),
        extortionPaidAt: isoOrNull(incident.extortionPaidAt),
        status: incident.status,
      },
      factVersions: factEvents.map((e) => ({
        eventId: e.id,
        at: iso(e.at),
        actor: e.actor,
        action: e.action,
        // The opening has no "before": its detail is the first version.
        before: e.action === 'incident_opened' ? null : (e.detail.before ?? null),
        after: e.action === 'incident_opened' ? e.detail : (e.detail.after ?? null),
        reason: typeof e.detail.reason === 'string' ? e.detail.reason : null,
      })),
    },
    rulesVersion: incident.rulesVersion,
    obligations: obligations.map((o) => ({
      ...o,
      legalDueAt: isoOrNull(o.legalDueAt),
      dueAt: isoOrNull(o.dueAt),
      assessedAt: iso(o.assessedAt),
      supersededAt: isoOrNull(o.supersededAt),
      metAt: isoOrNull(o.metAt),
      heldSince: isoOrNull(o.heldSince),
      heldUntil: isoOrNull(o.heldUntil),
    })),
    notices: versions
      .sort((a, b) => a.version - b.version)
      .map((n) => ({
        id: n.id,
        version: n.version,
        status: n.status,
        templateVersion: n.templateVersion,
        contentHash: n.contentHash,
        draftedAt: iso(n.draftedAt),
        revisedBy: n.revisedBy,
        decidedBy: n.decidedBy,
        decidedByName: n.decidedByName,
        decidedAt: isoOrNull(n.decidedAt),
        decisionComment: n.decisionComment,
        preapprovedNoticeId: preapprovals.get(n.id) ?? null,
        content: { ...n.content },
        approvals: approvalsOf(n.id),
      })),
    packets: packets.map((p) => ({
      id: p.id,
      subject: p.subject,
      ...subjectParts(p.subject),
      version: p.version,
      status: p.status,
      templateVersion: p.templateVersion,
      contentHash: p.contentHash,
      draftedAt: iso(p.draftedAt),
      revisedBy: p.revisedBy,
      revisedByName: p.revisedByName,
      decidedBy: p.decidedBy,
      decidedByName: p.decidedByName,
      decidedAt: isoOrNull(p.decidedAt),
      decisionComment: p.decisionComment,
      content: { ...p.content },
      approvals: approvalsOf(p.id),
    })),
    filings: filings.map((f) => ({
      id: f.id,
      ruleId: f.ruleId,
      jurisdiction: f.jurisdiction,
      sequence: f.sequence,
      packetId: f.packetId,
      packetHash: f.packetHash,
      channel: f.channel,
      status: f.status,
      filedAt: isoOrNull(f.filedAt),
      reference: f.reference,
      recordedBy: f.recordedBy,
      recordedByName: f.recordedByName,
      createdAt: iso(f.createdAt),
      recipient: f.recipient,
      messageId: f.messageId,
      attempts: f.attempts,
      committedAt: isoOrNull(f.committedAt),
      messageSha256: f.messageSha256,
      relayResponse: f.relayResponse,
      uncertain: f.uncertain,
      receiptFilename: f.receiptFilename,
      receiptContentType: f.receiptContentType,
      receiptSha256: f.receiptSha256,
      receiptBytes: f.receiptBytes === null ? null : Number(f.receiptBytes),
      files: proofFileNames(f),
    })),
    determinations: determinations.map((d) => determinationRecord(d, obligations)),
    recordedActions: recorded
      .filter(
        (e) =>
          FILING_ACTIONS.includes(e.action) ||
          DETERMINATION_ACTIONS.includes(e.action) ||
          (NOTICE_DECISION_ACTIONS.includes(e.action) && packetIds.has(String(e.detail.noticeId))),
      )
      .map(recordedAction),
    deliverySummary: totals,
    auditVerification: {
      ok: verification.ok,
      events: verification.events,
      breaks: verification.breaks.map(describeBreak),
      head: head ? { id: head.id, chainSeq: head.chainSeq, at: head.at, hash: head.hash } : null,
    },
  };
}

/** A packet's subject `<ruleId>@<jurisdiction>#<sequence>` (migration 020) in its parts. */
function subjectParts(subject: string): { ruleId: string; jurisdiction: string; sequence: number } {
  const match = /^(.*)@([^@#]*)#(\d+)$/.exec(subject);
  return match
    ? { ruleId: match[1]!, jurisdiction: match[2]!, sequence: Number(match[3]) }
    : { ruleId: subject, jurisdiction: '', sequence: 1 };
}

/** How long after a decision the re-assessment it caused may have been written (same transaction: none). */
const EFFECT_WINDOW_MS = 60_000;

/**
 * What a determination changed, read from the obligations' history (every assessment is kept): the
 * first re-assessment at or just after `at` against the obligations it superseded — obligations set
 * aside (not required), created (a duty that follows from it) or otherwise changed; for a
 * law-enforcement request, the obligations whose clock it paused at `at`.
 */
function effectAt(kind: string, at: Date, obligations: readonly DossierObligation[]): DeterminationEffect[] {
  const t = at.getTime();
  const entry = (
    change: DeterminationEffect['change'],
    o: DossierObligation,
    statusBefore: string | null,
  ): DeterminationEffect => ({
    change,
    obligationId: o.id,
    ruleId: o.ruleId,
    jurisdiction: o.jurisdiction,
    audience: o.audience,
    citation: o.citation,
    statusBefore,
    statusAfter: o.status,
    reason: o.reason,
    dueAt: isoOrNull(o.dueAt),
  });
  if (kind === 'law_enforcement_request') {
    return obligations
      .filter(
        (o) =>
          o.heldSince?.getTime() === t &&
          o.assessedAt.getTime() <= t &&
          (o.supersededAt === null || o.supersededAt.getTime() > t),
      )
      .map((o) => entry('held', o, o.status));
  }
  const assessedAt = obligations
    .map((o) => o.assessedAt.getTime())
    .filter((a) => a >= t && a - t <= EFFECT_WINDOW_MS)
    .sort((a, b) => a - b)[0];
  if (assessedAt === undefined) return [];
  const key = (o: DossierObligation) => `${o.ruleId}|${o.jurisdiction}|${o.audience}`;
  const before = new Map(
    obligations.filter((o) => o.supersededAt?.getTime() === assessedAt).map((o) => [key(o), o]),
  );
  return obligations
    .filter((o) => o.assessedAt.getTime() === assessedAt)
    .flatMap((o) => {
      const was = before.get(key(o));
      if (!was) return [entry('created', o, null)];
      if (was.status === o.status && was.reason === o.reason) return [];
      return [entry(o.status === 'not_required' ? 'not_required' : 'changed', o, was.status)];
    });
}

function determinationRecord(
  d: DossierDetermination,
  obligations: readonly DossierObligation[],
): DeterminationRecord {
  const approved = d.decidedAt !== null && (d.status === 'approved' || d.status === 'withdrawn');
  return {
    ...d,
    proposedAt: iso(d.proposedAt),
    decidedAt: isoOrNull(d.decidedAt),
    withdrawnAt: isoOrNull(d.withdrawnAt),
    effect: approved ? effectAt(d.kind, d.decidedAt!, obligations) : [],
    // A withdrawn law-enforcement request lifts its hold (law_enforcement_hold_lifted, in
    // recordedActions); any other kind is re-assessed away.
    withdrawalEffect:
      approved && d.withdrawnAt && d.kind !== 'law_enforcement_request'
        ? effectAt(d.kind, d.withdrawnAt, obligations)
        : [],
  };
}

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const recordedAction = (e: {
  id: string;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}) => ({ eventId: e.id, at: iso(e.at), actor: e.actor, action: e.action, detail: e.detail });

function deliveryEntry(r: DeliveryLogRow): DeliveryLogEntry {
  return {
    ...r,
    acknowledgedAt: isoOrNull(r.acknowledgedAt),
    claimedAt: isoOrNull(r.claimedAt),
    sentAt: isoOrNull(r.sentAt),
  };
}

function auditEntry(r: AuditChainRow): AuditEventEntry {
  return {
    id: r.id,
    chainSeq: r.chainSeq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    detail: JSON.parse(r.detail) as unknown,
    // The exact text the hash covers, so anyone can re-check the chain from this file alone
    // (core/audit/chain.ts `eventHash`, with the incident id).
    detailText: r.detail,
    dedupeKey: r.dedupeKey,
    prevId: r.prevId,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/** Hands the same step to both writers, one after the other (each waits for its file). */
async function each(writers: readonly DossierWriter[], step: (w: DossierWriter) => Promise<void>) {
  for (const w of writers) await step(w);
}

async function writeProof(dir: string, name: string, content: Buffer): Promise<void> {
  await mkdir(dirname(join(dir, name)), { recursive: true });
  await writeFile(join(dir, name), content);
}

async function digest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
