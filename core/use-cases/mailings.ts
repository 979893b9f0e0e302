import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as mailings from '../db/mailings';
import type { Mailing, MailingCounts } from '../db/mailings';
import * as notices from '../db/notices';
import type { Notice, NoticeContent } from '../db/notices';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { MailingCriterion, MailingKind } from '../domain/mailings';
import { MAILING_KEY, mailingNoticeSubject } from '../domain/mailings';
import type { ApprovalDecision } from '../domain/model';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NoticeNotApprovedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import type { TemplateCache } from '../mail/template-cache';
import type { AppliedDecision } from './notices';
import { applyDecisionIn, contentHash, recordDecisionIn } from './notices';
import type { Actor } from './types';

/*
 * Further mailings (issue 17 items 1 and 3): after the first notice, one approved text to a set of
 * an incident's people, each once — a supplement (exposure grew after an amendment), a reminder
 * (not acknowledged after some days), an update (news for everyone notified).
 *
 * 1. The text is a notice of audience `follow_up` whose subject is '<kind>:<key>': drafted by the
 *    system (a reminder's standard wording) or an officer (`draftFollowUp`), approved four-eyes
 *    through approval_decisions bound to its content hash (`decideFollowUp`), as every text is.
 * 2. `createMailing` selects the recipients by a named criterion (core/domain/mailings.ts), one row
 *    each under a unique (mailing, person) key, in one transaction with its audit entry; a retry
 *    returns the mailing it made.
 * 3. Shards send it (core/delivery/mailing-pass.ts, workflows/mailing.ts), each row at most once.
 * 4. `finishMailing` gives up on rows still failing, records the counts, audits.
 * Histories carry the mailing's id and counts only.
 */

export interface MailingDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/**
 * A reminder's standard wording, drafted by the system for compliance to approve (or revise). The
 * template around it says who writes, to whom, and links the person's page.
 */
export const DEFAULT_REMINDER_TEXT =
  'We wrote to you recently about a security incident that involved some of your personal information. ' +
  'We have not yet seen that you opened your personal page. It explains what happened, what information ' +
  'of yours was involved and what you can do to protect yourself. Please take a moment to read it.\n\n' +
  'If you have already read our letter, you can ignore this message. On your page you can also ask us ' +
  'not to send you further reminders.';

function checkKey(key: string): void {
  if (!MAILING_KEY.test(key)) {
    throw new ValidationError('A key is 1 to 64 letters, digits, dots, dashes or underscores', 'key');
  }
}

/** A follow-up text's newest version for its kind and key, or null. */
export async function latestFollowUp(
  db: Queryable,
  incidentId: string,
  kind: MailingKind,
  key: string,
): Promise<Notice | null> {
  const versions = await notices.listForIncident(
    db,
    incidentId,
    'follow_up',
    mailingNoticeSubject(kind, key),
  );
  return versions[0] ?? null;
}

/**
 * Drafts the next version of a follow-up text (`update` in plain words, blank lines between
 * paragraphs; optional translations keyed by template language), superseding a pending one. By the
 * system (`actor` null: a reminder's standard wording unless `update` is given) or an officer or
 * compliance user, who may then not approve it. Refused once a version is approved (a mailing's
 * text is fixed once it may be sent: a new mailing takes a new key).
 */
export async function draftFollowUp(
  deps: MailingDeps,
  actor: Actor | null,
  input: {
    incidentId: string;
    kind: MailingKind;
    key: string;
    update?: string;
    updateTranslations?: Partial<Record<string, string>>;
  },
): Promise<Notice> {
  checkKey(input.key);
  if (actor && actor.role !== 'officer' && actor.role !== 'compliance') {
    throw new ForbiddenError('Only officers and compliance staff may write a follow-up');
  }
  const update = input.update ?? (input.kind === 'reminder' ? DEFAULT_REMINDER_TEXT : undefined);
  if (!update?.trim()) throw new ValidationError('A follow-up needs its text', 'update');
  const incident = await incidents.get(deps.pool, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  const { name, postalAddress, supportEmail, supportPhone, dpoContact } = deps.config.company;
  const content: NoticeContent = {
    title: incident.title,
    whatHappened: update,
    whatWeAreDoing: '',
    company: { name, postalAddress, supportEmail, supportPhone, dpoContact },
    followUp: {
      kind: input.kind,
      update,
      ...(input.updateTranslations ? { updateTranslations: input.updateTranslations } : {}),
    },
  };
  return inTransaction(deps.pool, async (tx) => {
    const latest = await latestFollowUp(tx, input.incidentId, input.kind, input.key);
    if (latest?.status === 'approved') {
      throw new ConflictError(`The ${input.kind} '${input.key}' is approved and can no longer change`);
    }
    const hash = contentHash(templateVersion, content);
    // The system's draft is made once: a retried activity finds it.
    if (!actor && latest) return latest;
    const notice = await notices.draft(tx, input.incidentId, {
      content,
      templateVersion,
      contentHash: hash,
      afterVersion: latest?.version ?? 0,
      revisedBy: actor?.id ?? null,
      audience: 'follow_up',
      subject: mailingNoticeSubject(input.kind, input.key),
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor?.id ?? 'system',
      action: 'follow_up_drafted',
      detail: {
        noticeId: notice.id,
        kind: input.kind,
        key: input.key,
        version: notice.version,
        templateVersion,
        contentHash: notice.contentHash,
      },
      dedupeKey: `follow_up_drafted:${notice.id}`,
    });
    return notice;
  });
}

/**
 * A compliance user's decision on a follow-up text, bound to the content hash they reviewed; the
 * four-eyes rules and the quorum are the individuals' notice's (core/use-cases/notices.ts), recorded
 * and applied in one transaction. A refusal is a 403 or 409.
 */
export async function decideFollowUp(
  deps: { pool: Pool; config: Readonly<Config> },
  actor: Actor,
  input: {
    incidentId: string;
    noticeId: string;
    contentHash: string;
    decision: ApprovalDecision;
    comment: string | null;
  },
): Promise<Exclude<AppliedDecision, { outcome: 'refused' }>> {
  return inTransaction(deps.pool, async (tx) => {
    const { decisionId } = await recordDecisionIn(tx, actor, input, 'follow_up');
    const applied = await applyDecisionIn(
      tx,
      deps.config.policy.approvalQuorum,
      { incidentId: input.incidentId, noticeId: input.noticeId, decisionId },
      'follow_up',
    );
    if (applied.outcome === 'refused') {
      throw applied.refusal === 'forbidden'
        ? new ForbiddenError(applied.message)
        : new ConflictError(applied.message);
    }
    return applied;
  });
}

/** Where a follow-up text stands, for the workflow waiting on it: ids and a status only. */
export type FollowUpState =
  | { state: 'approved'; noticeId: string }
  | { state: 'pending' | 'rejected'; noticeId: string }
  | { state: 'none' }
  /** The incident was withdrawn: nothing more is sent, whatever the text. */
  | { state: 'withdrawn' };

export async function followUpState(
  deps: { pool: Pool },
  input: { incidentId: string; kind: MailingKind; key: string },
): Promise<FollowUpState> {
  const incident = await incidents.get(deps.pool, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  if (incident.withdrawnAt) return { state: 'withdrawn' };
  const latest = await latestFollowUp(deps.pool, input.incidentId, input.kind, input.key);
  if (!latest) return { state: 'none' };
  if (latest.status === 'approved') return { state: 'approved', noticeId: latest.id };
  return { state: latest.status === 'rejected' ? 'rejected' : 'pending', noticeId: latest.id };
}

/**
 * Creates the mailing of an approved follow-up text and selects its recipients (core/db/mailings.ts
 * `create`), in one transaction with its audit entry. A retry returns the mailing already made, with
 * the same count. An incident withdrawn gets no new mailing (`mailingId` null, nobody selected). `listKey` names the explicit list for `listed` (written by the amendment's diff
 * with core/db/mailings.ts `addListMembers`).
 */
export async function createMailing(
  deps: { pool: Pool },
  input: {
    incidentId: string;
    kind: MailingKind;
    key: string;
    criterion: MailingCriterion;
    listKey?: string | null;
  },
): Promise<{ mailingId: string | null; recipients: number }> {
  checkKey(input.key);
  const listKey = input.listKey ?? null;
  if ((input.criterion === 'listed') !== (listKey !== null)) {
    throw new ValidationError('A listed mailing names its list, and only a listed one', 'listKey');
  }
  return inTransaction(deps.pool, async (tx) => {
    const existing = await mailings.getByKey(tx, input.incidentId, input.kind, input.key);
    if (existing) return { mailingId: existing.id, recipients: existing.recipients };
    // Read under a share lock: a withdrawal (which updates the incident) waits for this creation,
    // and then cancels the mailing it made (cancelMailings), or comes first and none is made.
    if (await incidents.isWithdrawn(tx, input.incidentId, true))
      return { mailingId: null, recipients: 0 };
    const notice = await latestFollowUp(tx, input.incidentId, input.kind, input.key);
    if (!notice || notice.status !== 'approved') {
      throw new NoticeNotApprovedError(notice?.id ?? `${input.kind}:${input.key}`);
    }
    const { mailing } = await mailings.create(tx, {
      incidentId: input.incidentId,
      kind: input.kind,
      key: input.key,
      noticeId: notice.id,
      criterion: input.criterion,
      listKey,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: 'system',
      action: 'mailing_created',
      detail: {
        mailingId: mailing.id,
        kind: mailing.kind,
        key: mailing.key,
        noticeId: notice.id,
        criterion: mailing.criterion,
        ...(listKey ? { listKey } : {}),
        recipients: mailing.recipients,
      },
      dedupeKey: `mailing_created:${mailing.id}`,
    });
    return { mailingId: mailing.id, recipients: mailing.recipients };
  });
}

/**
 * Ends a mailing after its shards: rows still failing are given up, the counts recorded and
 * audited once. Idempotent; a cancelled mailing stays cancelled. Counts only.
 */
export async function finishMailing(deps: { pool: Pool }, mailingId: string): Promise<MailingCounts> {
  return inTransaction(deps.pool, async (tx) => {
    const mailing = await mailings.get(tx, mailingId);
    if (!mailing) throw new NotFoundError(`No mailing ${mailingId}`);
    const finished = await mailings.finish(tx, mailingId);
    const counts = await mailings.counts(tx, mailingId);
    if (finished) {
      await audit.append(tx, {
        incidentId: mailing.incidentId,
        actor: 'system',
        action: 'mailing_finished',
        detail: { mailingId, kind: mailing.kind, key: mailing.key, ...counts },
        dedupeKey: `mailing_finished:${mailingId}`,
      });
    }
    return counts;
  });
}

/**
 * Stops an incident's mailings still sending (the incident withdrawn): no shard sends anything more
 * once it reads its next page. Audited once per mailing. Returns how many were stopped.
 */
export async function cancelMailings(
  deps: { pool: Pool },
  actor: Actor | null,
  incidentId: string,
  reason: string,
): Promise<number> {
  return inTransaction(deps.pool, (tx) => cancelMailingsIn(tx, actor, incidentId, reason));
}

/** `cancelMailings` inside the caller's transaction (an incident's withdrawal cancels them with it). */
export async function cancelMailingsIn(
  tx: Queryable,
  actor: Actor | null,
  incidentId: string,
  reason: string,
): Promise<number> {
  const cancelled = await mailings.cancelForIncident(tx, incidentId);
  for (const mailingId of cancelled) {
    await audit.append(tx, {
      incidentId,
      actor: actor?.id ?? 'system',
      action: 'mailing_cancelled',
      detail: { mailingId, reason },
      dedupeKey: `mailing_cancelled:${mailingId}`,
    });
  }
  return cancelled.length;
}

/** An incident's mailings with their counts, for the API and console (no personal data). */
export async function listMailings(deps: { pool: Pool }, incidentId: string): Promise<Mailing[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  return mailings.listForIncident(deps.pool, incidentId);
}

/**
 * A person asks on their page not to be reminded (core/use-cases/customer-page.ts calls this with
 * the record its token found): no reminder selects them any more, and a reminder under way skips
 * them. Recorded once, with its audit entry (ids only). Returns whether this call recorded it.
 */
export async function optOutOfReminders(
  deps: { pool: Pool },
  person: { incidentId: string; customerId: number },
): Promise<boolean> {
  return inTransaction(deps.pool, async (tx) => {
    const at = await mailings.optOutOfReminders(tx, person.incidentId, person.customerId);
    if (!at) return false;
    await audit.append(tx, {
      incidentId: person.incidentId,
      actor: 'customer',
      action: 'reminders_opted_out',
      detail: { customerId: person.customerId, at: at.toISOString() },
      dedupeKey: `reminders_opted_out:${person.incidentId}:${person.customerId}`,
    });
    return true;
  });
}

/** A follow-up text as the API lists it: the notice with its kind and key. */
export type FollowUpText = Notice & { kind: MailingKind; key: string };

/** Every version of an incident's follow-up texts, by kind and key, newest version first. */
export async function listFollowUps(deps: { pool: Pool }, incidentId: string): Promise<FollowUpText[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  const versions = await notices.listForIncident(deps.pool, incidentId, 'follow_up');
  return versions.map((n) => {
    const [kind, ...key] = n.subject.split(':');
    return { ...n, kind: kind as MailingKind, key: key.join(':') };
  });
}
