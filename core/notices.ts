import { createHash } from 'node:crypto';
import type { Config } from './config';
import * as audit from './db/audit';
import * as incidents from './db/incidents';
import * as notices from './db/notices';
import type { NoticeContent } from './db/notices';
import type { Pool } from './db/pool';
import { inTransaction } from './db/pool';
import type { ApprovalDecision } from './domain/model';
import type { TemplateCache } from './mail/template-cache';

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
  return createHash('sha256').update(templateVersion).update('\0').update(JSON.stringify(content)).digest('hex');
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
  if (!incident) throw new Error(`incident ${input.incidentId} not found`);
  const previous = input.afterVersion > 0 ? (await notices.listForIncident(deps.pool, input.incidentId))[0] : undefined;
  const content: NoticeContent = {
    title: incident.title,
    whatHappened: input.revision?.whatHappened ?? previous?.content.whatHappened ?? incident.description,
    whatWeAreDoing:
      input.revision?.whatWeAreDoing ?? previous?.content.whatWeAreDoing ?? DEFAULT_WHAT_WE_ARE_DOING,
    company: {
      name: deps.config.company.name,
      postalAddress: deps.config.company.postalAddress,
      supportEmail: deps.config.company.supportEmail,
      supportPhone: deps.config.company.supportPhone,
      dpoContact: deps.config.company.dpoContact,
    },
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
      detail: { noticeId: notice.id, version: notice.version, templateVersion, contentHash: notice.contentHash },
      dedupeKey: `notice_drafted:${notice.id}`,
    });
    return { id: notice.id, version: notice.version };
  });
}

/** Records a compliance decision and its audit entry together. */
export async function recordApproval(
  pool: Pool,
  input: { incidentId: string; noticeId: string; decision: ApprovalDecision; comment: string | null; actorId: string },
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
