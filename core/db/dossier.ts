import type { AuditChainRow } from './audit';
import { CHAIN_COLUMNS, revealed } from './audit';
import type { Queryable } from './pool';

/**
 * The reads the evidence dossier makes (core/use-cases/dossier.ts) that no other view needs: every
 * obligation ever assessed (superseded rows too), every approval decision, and the two long lists —
 * the delivery log and the audit chain — in keyset pages, so an incident of a million people is
 * read page by page and never held whole.
 */

/** An obligation row as assessed, superseded ones included. */
export interface DossierObligation {
  id: string;
  ruleId: string;
  jurisdiction: string;
  audience: string;
  regime: string;
  citation: string;
  deadlineText: string;
  legalDueAt: Date | null;
  dueAt: Date | null;
  status: string;
  reason: string | null;
  affectedCount: number;
  uncertain: string | null;
  rulesVersion: string;
  assessedAt: Date;
  supersededAt: Date | null;
  metAt: Date | null;
  delayReason: string | null;
  heldSince: Date | null;
  heldUntil: Date | null;
}

export async function allObligations(db: Queryable, incidentId: string): Promise<DossierObligation[]> {
  const { rows } = await db.query<DossierObligation>(
    `SELECT id, rule_id AS "ruleId", jurisdiction, audience, regime, citation, deadline_text AS "deadlineText",
       legal_due_at AS "legalDueAt", due_at AS "dueAt", status, reason, affected_count AS "affectedCount",
       uncertain, rules_version AS "rulesVersion", assessed_at AS "assessedAt", superseded_at AS "supersededAt",
       met_at AS "metAt", delay_reason AS "delayReason", held_since AS "heldSince",
       held_until AS "heldUntil"
     FROM obligations WHERE incident_id = $1
     ORDER BY assessed_at, superseded_at NULLS LAST, due_at NULLS LAST, jurisdiction, audience`,
    [incidentId],
  );
  return rows;
}

/** A recorded approval decision with the decider's name (staff, not customers). */
export interface DossierDecision {
  noticeId: string;
  decision: string;
  contentHash: string;
  comment: string | null;
  decidedBy: string;
  decidedByName: string;
  decidedAt: Date;
  consumedAt: Date | null;
}

export async function approvalDecisions(db: Queryable, incidentId: string): Promise<DossierDecision[]> {
  const { rows } = await db.query<DossierDecision>(
    `SELECT d.notice_id AS "noticeId", d.decision, d.content_hash AS "contentHash", d.comment,
       d.decided_by AS "decidedBy", u.display_name AS "decidedByName", d.decided_at AS "decidedAt",
       d.consumed_at AS "consumedAt"
     FROM approval_decisions d JOIN users u ON u.id = d.decided_by
     WHERE d.incident_id = $1 ORDER BY d.decided_at, d.id`,
    [incidentId],
  );
  return rows;
}

/** Which standard notice (pre-approval) a notice version was sent under, if any. */
export async function preapprovalsOfNotices(db: Queryable, incidentId: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; preapprovedId: string }>(
    `SELECT id, preapproved_notice_id AS "preapprovedId" FROM notices
     WHERE incident_id = $1 AND preapproved_notice_id IS NOT NULL`,
    [incidentId],
  );
  return new Map(rows.map((r) => [r.id, r.preapprovedId]));
}

/** One person's line in the delivery log: the frozen recipient and what happened to their notice. */
export interface DeliveryLogRow {
  customerId: number;
  referenceCode: string;
  fullName: string;
  email: string | null;
  representativeName: string | null;
  representativeEmail: string | null;
  jurisdiction: string;
  /** The person's status: notified, undeliverable, pending, manual, merged. */
  status: string;
  mergedInto: number | null;
  acknowledgedAt: Date | null;
  noticeVersion: number | null;
  deliveryStatus: string | null;
  recipient: string | null;
  messageId: string | null;
  attempts: number;
  claimedAt: Date | null;
  sentAt: Date | null;
  /** The relay's last reply (an SMTP response line: no secret). */
  lastReply: string | null;
  /** SHA-256 of the message as sent (migration 008). */
  contentHash: string | null;
}

/**
 * The next page of the delivery log after customer id `after`. The page token, the send lease and
 * the send context are left out on purpose: the first two are secrets, the third is in the notice.
 */
export async function deliveryLogPage(
  db: Queryable,
  incidentId: string,
  page: { after: number; limit: number },
): Promise<DeliveryLogRow[]> {
  const { rows } = await db.query<DeliveryLogRow>(
    `SELECT a.customer_id AS "customerId", a.reference_code AS "referenceCode", a.full_name AS "fullName",
       a.email, a.representative_name AS "representativeName", a.representative_email AS "representativeEmail",
       a.jurisdiction, a.status, a.merged_into AS "mergedInto", a.acknowledged_at AS "acknowledgedAt",
       n.version AS "noticeVersion", d.status AS "deliveryStatus", d.recipient, d.message_id AS "messageId",
       coalesce(d.attempts, 0) AS attempts, d.claimed_at AS "claimedAt", d.sent_at AS "sentAt",
       d.last_reply AS "lastReply", d.content_hash AS "contentHash"
     FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     LEFT JOIN notices n ON n.id = d.notice_id
     WHERE a.incident_id = $1 AND a.customer_id > $2
     ORDER BY a.customer_id LIMIT $3`,
    [incidentId, page.after, page.limit],
  );
  return rows;
}

/** How many people are in each status, and each delivery status (for the summary table). */
export async function deliveryTotals(
  db: Queryable,
  incidentId: string,
): Promise<{ people: Record<string, number>; deliveries: Record<string, number> }> {
  const { rows } = await db.query<{ kind: 'people' | 'deliveries'; status: string; n: number }>(
    `SELECT 'people' AS kind, status, count(*)::int AS n FROM affected_customers WHERE incident_id = $1 GROUP BY status
     UNION ALL
     SELECT 'deliveries', status, count(*)::int FROM deliveries WHERE incident_id = $1 GROUP BY status
     ORDER BY 1, 2`,
    [incidentId],
  );
  const totals = { people: {} as Record<string, number>, deliveries: {} as Record<string, number> };
  for (const r of rows) totals[r.kind][r.status] = r.n;
  return totals;
}

/** The next page of an incident's audit chain after position `afterSeq`, in chain order. */
export async function chainPage(
  db: Queryable,
  incidentId: string,
  page: { afterSeq: string; limit: number },
): Promise<AuditChainRow[]> {
  const { rows } = await db.query<AuditChainRow>(
    `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE incident_id = $1 AND chain_seq > $2::bigint
     ORDER BY chain_seq, id LIMIT $3`,
    [incidentId, page.afterSeq, page.limit],
  );
  return rows;
}

/** An incident's audit events of the given kinds (few: decisions, filings, fact corrections). */
export async function eventsOfKinds(
  db: Queryable,
  incidentId: string,
  actions: readonly string[],
): Promise<{ id: string; at: Date; actor: string; action: string; detail: Record<string, unknown> }[]> {
  const { rows } = await db.query<{
    id: string;
    at: Date;
    actor: string;
    action: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT id::text AS id, at, actor, action, detail FROM audit_events
     WHERE incident_id = $1 AND action = ANY($2::text[]) ORDER BY chain_seq, id`,
    [incidentId, actions],
  );
  // Sealed personal values (a corrected recipient's before and after) opened while the key exists.
  return (
    await revealed(
      db,
      rows.map((r) => ({ ...r, incidentId })),
    )
  ).map(({ incidentId: _, ...r }) => r);
}

/** A filing packet's version (notices of audience `filing_packet`), with its subject's parts. */
export interface DossierPacketVersion {
  id: string;
  /** `<ruleId>@<jurisdiction>#<sequence>` (migration 020). */
  subject: string;
  version: number;
  status: string;
  templateVersion: string;
  contentHash: string;
  content: Record<string, unknown>;
  draftedAt: Date;
  revisedBy: string | null;
  revisedByName: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
}

/** Every version of every filing packet of the incident, by subject and version. */
export async function packetVersions(db: Queryable, incidentId: string): Promise<DossierPacketVersion[]> {
  const { rows } = await db.query<DossierPacketVersion>(
    `SELECT n.id, n.subject, n.version, n.status, n.template_version AS "templateVersion",
       n.content_hash AS "contentHash", n.content, n.drafted_at AS "draftedAt", n.revised_by AS "revisedBy",
       r.display_name AS "revisedByName", n.decided_by AS "decidedBy", d.display_name AS "decidedByName",
       n.decided_at AS "decidedAt", n.decision_comment AS "decisionComment"
     FROM notices n
     LEFT JOIN users r ON r.id = n.revised_by
     LEFT JOIN users d ON d.id = n.decided_by
     WHERE n.incident_id = $1 AND n.audience = 'filing_packet'
     ORDER BY n.subject, n.version`,
    [incidentId],
  );
  return rows;
}

/** A determination as stored (migration 022), with the names of the people who proposed, decided, withdrew. */
export interface DossierDetermination {
  id: string;
  kind: string;
  status: string;
  ruleIds: string[];
  jurisdictions: string[];
  obligationIds: string[];
  leadJurisdiction: string | null;
  requestForm: string | null;
  reason: string;
  facts: string[];
  proposedBy: string;
  proposedByName: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  withdrawnBy: string | null;
  withdrawnByName: string | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
}

/** Every determination of the incident (rejected and withdrawn too), in the order proposed. */
export async function allDeterminations(db: Queryable, incidentId: string): Promise<DossierDetermination[]> {
  const { rows } = await db.query<DossierDetermination>(
    `SELECT t.id, t.kind, t.status, t.rule_ids AS "ruleIds", t.jurisdictions,
       t.obligation_ids::text[] AS "obligationIds", t.lead_jurisdiction AS "leadJurisdiction",
       t.request_form AS "requestForm", t.reason, t.facts,
       t.proposed_by AS "proposedBy", p.display_name AS "proposedByName", t.proposed_at AS "proposedAt",
       t.decided_by AS "decidedBy", d.display_name AS "decidedByName", t.decided_at AS "decidedAt",
       t.decision_comment AS "decisionComment", t.withdrawn_by AS "withdrawnBy",
       w.display_name AS "withdrawnByName", t.withdrawn_at AS "withdrawnAt",
       t.withdrawal_reason AS "withdrawalReason"
     FROM determinations t
     JOIN users p ON p.id = t.proposed_by
     LEFT JOIN users d ON d.id = t.decided_by
     LEFT JOIN users w ON w.id = t.withdrawn_by
     WHERE t.incident_id = $1
     ORDER BY t.proposed_at, t.id`,
    [incidentId],
  );
  return rows;
}
