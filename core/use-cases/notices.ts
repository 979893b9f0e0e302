import { createHash } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { NoticeContent, PreapprovedNotice } from '../db/notices';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { ApprovalDecision } from '../domain/model';
import { IncidentNotFoundError } from '../errors';
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

/** Records a compliance decision and its audit entry together. */
export async function recordApproval(
  pool: Pool,
  input: {
    incidentId: string;
    noticeId: string;
    decision: ApprovalDecision;
    comment: string | null;
    actorId: string;
  },
): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await notices.decide(tx, input.noticeId, {
      decision: input.decision,
      userId: input.actorId,
      comment: input.comment,
    });
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
      },
      dedupeKey: `notice_decided:${input.noticeId}`,
    });
  });
}

/**
 * Pre-approves the standard notice (compliance's wording, today's templates) that an incident is
 * sent at the deadline cut-off when its own notice is still unapproved; it replaces the previous one.
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
      action: 'standard_notice_preapproved',
      detail: { preapprovedNoticeId: row.id, templateVersion: version, contentHash: row.contentHash },
    });
    return row;
  });
}
