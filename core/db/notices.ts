import type { CompanyContact } from '../domain/content-parts';
import type { ApprovalDecision, NoticeStatus } from '../domain/model';
import type { PacketContent } from '../law/packets';
import type { NoticeAudience } from '../domain/substitute-notice';
import type { MailingKind } from '../domain/mailings';
import { TemplateSnapshotMissingError } from '../errors';
import type { Queryable } from './pool';

/** What the officer wrote for customers, plus the company details, frozen when a notice is drafted. */
export interface NoticeContent {
  title: string;
  whatHappened: string;
  whatWeAreDoing: string;
  company: CompanyContact;
  /**
   * A substitute notice's website or media text only: what it says to everyone at once (no person's
   * data): the categories involved (worded), the regions it is for, the day of discovery.
   */
  substitute?: { categories: string[]; regions: string[]; discoveredOn: string; tollFree: string | null };
  /**
   * A filing packet only (audience `filing_packet`): what is filed with the authority, element by
   * element with the provision asking for each (core/law/packets.ts).
   */
  packet?: PacketContent;
  /**
   * A follow-up only (audience `follow_up`, migration 028): what a supplement, reminder or update
   * tells the people it goes to (core/use-cases/mailings.ts), and the same in other languages.
   */
  followUp?: { kind: MailingKind; update: string; updateTranslations?: Partial<Record<string, string>> };
}

export interface Notice {
  id: string;
  incidentId: string;
  /** Whom the text is for: the individuals' notice, or a substitute notice's website or media text. */
  audience: NoticeAudience;
  /**
   * Which text of its audience: '' for the individuals' notice and the substitute texts (one each
   * per incident); '<ruleId>@<jurisdiction>#<sequence>' for a filing packet (migration 020).
   */
  subject: string;
  version: number;
  status: NoticeStatus;
  content: NoticeContent;
  templateVersion: string;
  contentHash: string;
  draftedAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  /** Who wrote this version's wording (null: drafted from the incident); they may not approve it. */
  revisedBy: string | null;
}

const COLUMNS = `n.id, n.incident_id AS "incidentId", n.audience, n.subject, n.version, n.status, n.content,
  n.template_version AS "templateVersion", n.content_hash AS "contentHash", n.drafted_at AS "draftedAt",
  n.decided_by AS "decidedBy", u.display_name AS "decidedByName", n.decided_at AS "decidedAt",
  n.decision_comment AS "decisionComment", n.revised_by AS "revisedBy"`;

export async function saveTemplateSnapshot(db: Queryable, version: string, sources: Record<string, string>) {
  await db.query(
    `INSERT INTO template_snapshots (version, sources) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`,
    [version, sources],
  );
}

export async function loadTemplateSnapshot(db: Queryable, version: string): Promise<Record<string, string>> {
  const { rows } = await db.query<{ sources: Record<string, string> }>(
    `SELECT sources FROM template_snapshots WHERE version = $1`,
    [version],
  );
  if (!rows[0]) throw new TemplateSnapshotMissingError(version);
  return rows[0].sources;
}

/**
 * Drafts the next version of an incident's notice for approval (for `audience`, by default the
 * individuals), superseding any still-pending draft for the same audience. A retried call with the
 * same `afterVersion` returns the draft it already made.
 */
export async function draft(
  db: Queryable,
  incidentId: string,
  notice: {
    content: NoticeContent;
    templateVersion: string;
    contentHash: string;
    afterVersion: number;
    revisedBy?: string | null;
    /** @default 'individuals' */
    audience?: NoticeAudience;
    /** @default '' (a filing packet names its obligation and sequence, core/use-cases/packets.ts) */
    subject?: string;
  },
): Promise<Notice> {
  const { rows } = await db.query<{ id: string }>(
    `WITH superseded AS (
       UPDATE notices SET status = 'superseded'
       WHERE incident_id = $1 AND audience = $7 AND subject = $8 AND status = 'pending_approval' AND version <= $5
     )
     INSERT INTO notices (incident_id, audience, subject, version, content, template_version, content_hash, revised_by)
     VALUES ($1, $7, $8, $5 + 1, $2, $3, $4, $6)
     ON CONFLICT (incident_id, audience, subject, version) DO UPDATE SET version = notices.version
     RETURNING id`,
    [
      incidentId,
      notice.content,
      notice.templateVersion,
      notice.contentHash,
      notice.afterVersion,
      notice.revisedBy ?? null,
      notice.audience ?? 'individuals',
      notice.subject ?? '',
    ],
  );
  return (await get(db, rows[0]!.id))!;
}

export async function get(db: Queryable, id: string): Promise<Notice | null> {
  const { rows } = await db.query<Notice>(
    `SELECT ${COLUMNS} FROM notices n LEFT JOIN users u ON u.id = n.decided_by WHERE n.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * An incident's notice versions for one audience (by default the individuals'), newest first; with
 * `subject`, only that text's (one filing packet's), else every subject's, by subject.
 */
export async function listForIncident(
  db: Queryable,
  incidentId: string,
  audience: NoticeAudience = 'individuals',
  subject?: string,
): Promise<Notice[]> {
  const { rows } = await db.query<Notice>(
    `SELECT ${COLUMNS} FROM notices n LEFT JOIN users u ON u.id = n.decided_by
     WHERE n.incident_id = $1 AND n.audience = $2 AND ($3::text IS NULL OR n.subject = $3)
     ORDER BY n.subject, n.version DESC`,
    [incidentId, audience, subject ?? null],
  );
  return rows;
}

/** Records a decision on a pending notice; a retried call with the same decision changes nothing. */
export async function decide(
  db: Queryable,
  noticeId: string,
  decision: { decision: ApprovalDecision; userId: string; comment: string | null },
): Promise<void> {
  await db.query(
    `UPDATE notices SET status = $2, decided_by = $3, decided_at = now(), decision_comment = $4
     WHERE id = $1 AND status = 'pending_approval'`,
    [noticeId, decision.decision === 'approve' ? 'approved' : 'rejected', decision.userId, decision.comment],
  );
}

export interface PreapprovedNotice {
  id: string;
  templateVersion: string;
  content: NoticeContent;
  contentHash: string;
  /** The compliance user who proposed it. */
  approvedBy: string;
  approvedAt: Date;
  /** The second compliance user who confirmed it; until then it is a proposal and never sent. */
  confirmedBy: string | null;
  confirmedAt: Date | null;
}

const PREAPPROVED_COLUMNS = `id, template_version AS "templateVersion", content, content_hash AS "contentHash",
  approved_by AS "approvedBy", approved_at AS "approvedAt", confirmed_by AS "confirmedBy",
  confirmed_at AS "confirmedAt"`;

/** The standard notice two compliance users approved most recently, and not retired. */
export async function activePreapproved(db: Queryable): Promise<PreapprovedNotice | null> {
  const { rows } = await db.query<PreapprovedNotice>(
    `SELECT ${PREAPPROVED_COLUMNS} FROM preapproved_notices
     WHERE retired_at IS NULL AND confirmed_by IS NOT NULL ORDER BY confirmed_at DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/** The latest proposal still waiting for its second approver, if any. */
export async function pendingPreapproval(db: Queryable): Promise<PreapprovedNotice | null> {
  const { rows } = await db.query<PreapprovedNotice>(
    `SELECT ${PREAPPROVED_COLUMNS} FROM preapproved_notices
     WHERE retired_at IS NULL AND confirmed_by IS NULL ORDER BY approved_at DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

export async function getPreapproved(db: Queryable, id: string): Promise<PreapprovedNotice | null> {
  const { rows } = await db.query<PreapprovedNotice>(
    `SELECT ${PREAPPROVED_COLUMNS} FROM preapproved_notices WHERE id::text = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * Proposes a standard notice. It replaces an earlier unconfirmed proposal; the standard notice in
 * use stays in use until a second person confirms this one (`confirmPreapproved`).
 */
export async function preapprove(
  db: Queryable,
  notice: { templateVersion: string; content: NoticeContent; contentHash: string; approvedBy: string },
): Promise<PreapprovedNotice> {
  await db.query(
    `UPDATE preapproved_notices SET retired_at = now() WHERE retired_at IS NULL AND confirmed_by IS NULL`,
  );
  const { rows } = await db.query<PreapprovedNotice>(
    `INSERT INTO preapproved_notices (template_version, content, content_hash, approved_by)
     VALUES ($1, $2, $3, $4)
     RETURNING ${PREAPPROVED_COLUMNS}`,
    [notice.templateVersion, notice.content, notice.contentHash, notice.approvedBy],
  );
  return rows[0]!;
}

/** A second person confirms a proposal: it becomes the standard notice, retiring the previous one. */
export async function confirmPreapproved(
  db: Queryable,
  id: string,
  confirmedBy: string,
): Promise<PreapprovedNotice> {
  await db.query(`UPDATE preapproved_notices SET retired_at = now() WHERE retired_at IS NULL AND id <> $1`, [
    id,
  ]);
  const { rows } = await db.query<PreapprovedNotice>(
    `UPDATE preapproved_notices SET confirmed_by = $2, confirmed_at = now() WHERE id = $1
     RETURNING ${PREAPPROVED_COLUMNS}`,
    [id, confirmedBy],
  );
  return rows[0]!;
}

/** Marks a drafted notice approved by virtue of a pre-approval (the cut-off send). */
export async function approveFromPreapproval(
  db: Queryable,
  noticeId: string,
  preapprovedId: string,
  approvedBy: string,
): Promise<void> {
  await db.query(
    `UPDATE notices SET status = 'approved', decided_by = $3, decided_at = now(), preapproved_notice_id = $2,
       decision_comment = 'standard notice pre-approved by compliance, sent at the deadline cut-off'
     WHERE id = $1`,
    [noticeId, preapprovedId, approvedBy],
  );
  await db.query(
    `UPDATE notices SET status = 'superseded'
     WHERE incident_id = (SELECT incident_id FROM notices WHERE id = $1) AND audience = 'individuals'
       AND id <> $1 AND status = 'pending_approval'`,
    [noticeId],
  );
}
