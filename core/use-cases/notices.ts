import { createHash } from 'node:crypto';
import type { Config } from '../config';
import * as decisions from '../db/approval-decisions';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Incident } from '../db/incidents';
import * as notices from '../db/notices';
import type { NoticeContent, PreapprovedNotice } from '../db/notices';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { ApprovalDecision } from '../domain/model';
import type { NoticeAudience } from '../domain/substitute-notice';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NotFoundError,
  ValidationError,
} from '../errors';
import type { TemplateCache } from '../mail/template-cache';
import type { Actor } from './types';

/** The company's default account of its response; the officer revises it per incident. */
export const DEFAULT_WHAT_WE_ARE_DOING =
  'We stopped the unauthorised access as soon as we found it, started an investigation with independent ' +
  'security specialists, and are informing the authorities where the law requires. We are reviewing how this ' +
  'happened so that it does not happen again.';

export interface NoticeDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** sha256 over the template version and the content: the identity of exactly what is approved. */
export function contentHash(templateVersion: string, content: NoticeContent): string {
  return createHash('sha256')
    .update(templateVersion)
    .update('\0')
    .update(JSON.stringify(content))
    .digest('hex');
}

/** The company's details every notice carries, from config. */
function companyOf(config: Readonly<Config>): NoticeContent['company'] {
  const { name, postalAddress, supportEmail, supportPhone, dpoContact } = config.company;
  return { name, postalAddress, supportEmail, supportPhone, dpoContact };
}

/**
 * Drafts the next version of an incident's notice from the incident (or the officer's revision),
 * rendering with a snapshot of today's templates.
 */
export async function draftNotice(
  deps: NoticeDeps,
  input: {
    incidentId: string;
    afterVersion: number;
    revision: { whatHappened: string; whatWeAreDoing: string; actorId: string } | null;
  },
): Promise<{ id: string; version: number }> {
  const incident = await incidents.get(deps.pool, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  const previous =
    input.afterVersion > 0 ? (await notices.listForIncident(deps.pool, input.incidentId))[0] : undefined;
  const content: NoticeContent = {
    title: incident.title,
    whatHappened: input.revision?.whatHappened ?? previous?.content.whatHappened ?? incident.description,
    whatWeAreDoing:
      input.revision?.whatWeAreDoing ?? previous?.content.whatWeAreDoing ?? DEFAULT_WHAT_WE_ARE_DOING,
    company: companyOf(deps.config),
  };
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  return inTransaction(deps.pool, async (tx) => {
    const notice = await notices.draft(tx, input.incidentId, {
      content,
      templateVersion,
      contentHash: contentHash(templateVersion, content),
      afterVersion: input.afterVersion,
      revisedBy: input.revision?.actorId ?? null,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: input.revision?.actorId ?? 'system',
      action: 'notice_drafted',
      detail: {
        noticeId: notice.id,
        version: notice.version,
        templateVersion,
        contentHash: notice.contentHash,
      },
      dedupeKey: `notice_drafted:${notice.id}`,
    });
    return { id: notice.id, version: notice.version };
  });
}

/** A decision on a notice as it is recorded on the notice and in the audit trail. */
interface DecidedNotice {
  incidentId: string;
  noticeId: string;
  decision: ApprovalDecision;
  comment: string | null;
  actorId: string;
}

/**
 * Records a compliance decision and its audit entry together, without the checks of
 * `recordDecision`/`applyDecision`. Only for workflows that accepted an `approval` Update in the
 * old shape (actor in the Update) before patch `approval-by-decision-id`, replaying it; and for
 * test factories that need an approved notice without a workflow.
 */
export async function recordApproval(pool: Pool, input: DecidedNotice): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await notices.decide(tx, input.noticeId, {
      decision: input.decision,
      userId: input.actorId,
      comment: input.comment,
    });
    await appendDecided(tx, input, []);
  });
}

async function appendDecided(tx: Queryable, input: DecidedNotice, approvers: string[]): Promise<void> {
  const notice = await notices.get(tx, input.noticeId);
  await audit.append(tx, {
    incidentId: input.incidentId,
    actor: input.actorId,
    action: input.decision === 'approve' ? 'notice_approved' : 'notice_rejected',
    detail: {
      noticeId: input.noticeId,
      version: notice?.version,
      templateVersion: notice?.templateVersion,
      contentHash: notice?.contentHash,
      comment: input.comment,
      ...(approvers.length > 0 ? { approvers } : {}),
    },
    dedupeKey: `notice_decided:${input.noticeId}`,
  });
}

/** What a compliance user decides, naming exactly the notice version and text they reviewed. */
export interface DecisionInput {
  incidentId: string;
  noticeId: string;
  /** The notice's `contentHash` as the decider saw it. */
  contentHash: string;
  decision: ApprovalDecision;
  comment: string | null;
}

/**
 * Why a decision may not count, or null when it may: the four-eyes rules and the binding to the text.
 * `incident` when the caller has read it already in this transaction.
 */
async function refusalOf(
  db: Queryable,
  decision: { incidentId: string; noticeId: string; contentHash: string; decidedBy: string },
  incidentRead?: Incident | null,
  audience: NoticeAudience = 'individuals',
): Promise<ForbiddenError | ConflictError | null> {
  const incident = incidentRead === undefined ? await incidents.get(db, decision.incidentId) : incidentRead;
  if (!incident) return new ConflictError('The decision names an incident that does not exist');
  const notice = await notices.get(db, decision.noticeId);
  if (!notice || notice.incidentId !== decision.incidentId) {
    return new ConflictError('The decision names a notice that is not one of this incident');
  }
  // Each text is decided where it is used: the individuals' notice through the workflow, a
  // substitute notice's texts through core/use-cases/substitute-notice.ts.
  if (notice.audience !== audience) {
    return new ConflictError(`The decision names a ${notice.audience} notice, which is not decided here`);
  }
  if ((await decisions.activeRoleOf(db, decision.decidedBy)) !== 'compliance') {
    return new ForbiddenError('Only active compliance staff may approve or reject a notice');
  }
  if (incident.openedBy === decision.decidedBy) {
    return new ForbiddenError('The officer who opened the incident may not decide on its notice');
  }
  if (notice.revisedBy === decision.decidedBy) {
    return new ForbiddenError('The person who last revised the notice may not decide on it');
  }
  if (notice.status !== 'pending_approval') {
    return new ConflictError(
      `Version ${notice.version} of the notice is not waiting for a decision (it is ${notice.status})`,
    );
  }
  if (notice.contentHash !== decision.contentHash) {
    return new ConflictError(`Version ${notice.version} of the notice is not the text that was reviewed`);
  }
  return null;
}

/**
 * The API's half of a decision: checks the signed-in person against the notice they reviewed and
 * records their decision with its audit entry. The workflow hears only the returned id and checks
 * the row again before it counts (`applyDecision`), so nobody can decide without passing here.
 */
export async function recordDecision(
  deps: { pool: Pool },
  actor: Actor,
  input: DecisionInput,
): Promise<{ decisionId: string }> {
  return inTransaction(deps.pool, (tx) => recordDecisionIn(tx, actor, input));
}

/**
 * `recordDecision` inside the caller's transaction, for a notice of `audience` (a substitute
 * notice's text is decided and applied in one transaction, core/use-cases/substitute-notice.ts).
 */
export async function recordDecisionIn(
  tx: Queryable,
  actor: Actor,
  input: DecisionInput,
  audience: NoticeAudience = 'individuals',
): Promise<{ decisionId: string }> {
  if (input.decision === 'reject' && !input.comment?.trim()) {
    throw new ValidationError('A rejection needs a comment saying what to change', 'comment');
  }
  const incident = await incidents.get(tx, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  const refusal = await refusalOf(tx, { ...input, decidedBy: actor.id }, incident, audience);
  if (refusal) throw refusal;
  const row = await decisions.record(tx, { ...input, decidedBy: actor.id });
  if (!row) throw new ConflictError('You have already decided on this version of the notice');
  await audit.append(tx, {
    incidentId: input.incidentId,
    actor: actor.id,
    action: 'approval_decision_recorded',
    detail: {
      decisionId: row.id,
      noticeId: row.noticeId,
      contentHash: row.contentHash,
      decision: row.decision,
    },
  });
  return { decisionId: row.id };
}

/** What the workflow learns from acting on a decision id. */
export type AppliedDecision =
  | { outcome: 'approved' | 'rejected' | 'awaiting_quorum'; approvals: number; quorum: number }
  | { outcome: 'refused'; refusal: 'forbidden' | 'conflict'; message: string };

/**
 * The workflow's half of a decision: the row must exist, be unused, be for the notice now waiting,
 * and its decider must still pass every rule. A refusal is written to the audit trail (it is an
 * attempt past the API, or a race with a revision) and returned, not thrown, so that entry commits.
 * An approval counts once the configured quorum of distinct approvers is reached.
 */
export async function applyDecision(
  deps: { pool: Pool; config: Readonly<Config> },
  input: { incidentId: string; noticeId: string; decisionId: string; claimed?: Record<string, unknown> },
): Promise<AppliedDecision> {
  return inTransaction(deps.pool, (tx) => applyDecisionIn(tx, deps.config.policy.approvalQuorum, input));
}

/** `applyDecision` inside the caller's transaction, for a notice of `audience`. */
export async function applyDecisionIn(
  tx: Queryable,
  quorum: number,
  input: { incidentId: string; noticeId: string; decisionId: string; claimed?: Record<string, unknown> },
  audience: NoticeAudience = 'individuals',
): Promise<AppliedDecision> {
  const row = await decisions.getForUpdate(tx, input.decisionId);
  const refusal = !row
    ? new ForbiddenError('No decision with this id was recorded through Forthright')
    : row.consumedAt
      ? new ForbiddenError('This decision was already used')
      : row.incidentId !== input.incidentId || row.noticeId !== input.noticeId
        ? new ConflictError('The decision is not for the notice waiting for one')
        : await refusalOf(tx, row, undefined, audience);
  if (refusal || !row) {
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: row?.decidedBy ?? 'unverified',
      action: 'approval_refused',
      detail: {
        decisionId: input.decisionId.slice(0, 100),
        noticeId: input.noticeId,
        reason: refusal?.message,
        ...(input.claimed ? { claimed: input.claimed } : {}),
      },
    });
    return {
      outcome: 'refused',
      refusal: refusal instanceof ConflictError ? 'conflict' : 'forbidden',
      message: refusal?.message ?? '',
    };
  }
  await decisions.consume(tx, row.id);
  const decided = { ...row, actorId: row.decidedBy };
  if (row.decision === 'reject') {
    await notices.decide(tx, row.noticeId, {
      decision: 'reject',
      userId: row.decidedBy,
      comment: row.comment,
    });
    await appendDecided(tx, decided, []);
    return { outcome: 'rejected', approvals: 0, quorum };
  }
  const approvers = await decisions.approvers(tx, row.noticeId);
  if (approvers.length < quorum) {
    await audit.append(tx, {
      incidentId: row.incidentId,
      actor: row.decidedBy,
      action: 'notice_approval_recorded',
      detail: { noticeId: row.noticeId, contentHash: row.contentHash, approvals: approvers.length, quorum },
    });
    return { outcome: 'awaiting_quorum', approvals: approvers.length, quorum };
  }
  await notices.decide(tx, row.noticeId, {
    decision: 'approve',
    userId: row.decidedBy,
    comment: row.comment,
  });
  await appendDecided(tx, decided, approvers);
  return { outcome: 'approved', approvals: approvers.length, quorum };
}

/**
 * Proposes the standard notice (compliance's wording, today's templates) that an incident is sent
 * at the deadline cut-off when its own notice is still unapproved. It is used only once a second
 * compliance user confirms it (`confirmStandardNotice`): one person alone never approves a text.
 */
export async function preapproveStandardNotice(
  deps: NoticeDeps,
  actor: Actor,
  input: { whatHappened: string; whatWeAreDoing: string },
): Promise<PreapprovedNotice> {
  const { version } = await deps.templates.snapshotCurrent();
  const content: NoticeContent = {
    title: 'Notice of a data security incident',
    whatHappened: input.whatHappened,
    whatWeAreDoing: input.whatWeAreDoing,
    company: companyOf(deps.config),
  };
  return inTransaction(deps.pool, async (tx) => {
    const row = await notices.preapprove(tx, {
      templateVersion: version,
      content,
      contentHash: contentHash(version, content),
      approvedBy: actor.id,
    });
    await audit.append(tx, {
      incidentId: null,
      actor: actor.id,
      action: 'standard_notice_proposed',
      detail: { preapprovedNoticeId: row.id, templateVersion: version, contentHash: row.contentHash },
    });
    return row;
  });
}

/**
 * A second compliance user confirms the proposed standard notice, naming the text they reviewed;
 * from then on it is the one used at the cut-off.
 */
export async function confirmStandardNotice(
  deps: { pool: Pool },
  actor: Actor,
  input: { id: string; contentHash: string },
): Promise<PreapprovedNotice> {
  return inTransaction(deps.pool, async (tx) => {
    const row = await notices.getPreapproved(tx, input.id);
    if (!row) throw new NotFoundError('No such standard notice proposal');
    if (row.approvedBy === actor.id) {
      throw new ForbiddenError('The person who proposed the standard notice may not also confirm it');
    }
    if (row.confirmedBy) throw new ConflictError('This standard notice is already confirmed');
    if (row.contentHash !== input.contentHash) {
      throw new ConflictError('The standard notice is not the text that was reviewed');
    }
    if ((await notices.pendingPreapproval(tx))?.id !== row.id) {
      throw new ConflictError('A newer standard notice was proposed since this one');
    }
    const confirmed = await notices.confirmPreapproved(tx, row.id, actor.id);
    await audit.append(tx, {
      incidentId: null,
      actor: actor.id,
      action: 'standard_notice_confirmed',
      detail: {
        preapprovedNoticeId: row.id,
        contentHash: row.contentHash,
        approvers: [row.approvedBy, actor.id],
      },
    });
    return confirmed;
  });
}
