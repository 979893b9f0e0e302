import type { Config } from './config';
import * as affected from './db/affected';
import * as audit from './db/audit';
import * as incidents from './db/incidents';
import * as notices from './db/notices';
import * as obligations from './db/obligations';
import type { Obligation } from './db/obligations';
import type { Pool } from './db/pool';
import { inTransaction } from './db/pool';
import * as users from './db/users';
import { RULES_VERSION, assessObligations } from './law';
import type { StaffMailer } from './mail/staff-mailer';
import { contentHash } from './notices';

export interface ObligationDeps {
  pool: Pool;
  config: Readonly<Config>;
  staffMailer: StaffMailer;
}

/** A moment at which the workflow must act on an obligation. */
export interface DeadlineEvent {
  /** Unique per obligation, kind and due time: a moved deadline yields new events. */
  key: string;
  at: string;
  kind: 'reminder' | 'escalation' | 'cutoff' | 'due';
  obligationId: string;
}

/**
 * Assesses (or re-assesses) an incident's obligations under today's rules and freezes them with
 * the rules version. Re-assessment keeps the superseded rows, so the change is visible.
 */
export async function assess(
  deps: Pick<ObligationDeps, 'pool' | 'config'>,
  incidentId: string,
  actor = 'system',
): Promise<number> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) throw new Error(`incident ${incidentId} not found`);
  const groups = await affected.groupsByJurisdiction(deps.pool, incidentId);
  const drafts = assessObligations(
    {
      discoveredAt: incident.discoveredAt,
      encrypted: incident.encrypted,
      keyCompromised: incident.keyCompromised,
      materialityDeterminedAt: incident.materialityDeterminedAt,
      regimes: deps.config.company.regimes,
    },
    groups,
    { individualNoticeTargetHours: deps.config.policy.individualNoticeTargetHours },
  );
  await inTransaction(deps.pool, async (tx) => {
    await obligations.replace(
      tx,
      incidentId,
      drafts.map((d) => ({
        ruleId: d.ruleId,
        jurisdiction: d.jurisdiction,
        audience: d.audience,
        regime: d.regime,
        citation: d.citation,
        deadlineText: d.deadlineText,
        legalDueAt: d.legalDueAt,
        dueAt: d.dueAt,
        status: d.status,
        reason: d.reason,
        affectedCount: d.affectedCount,
        uncertain: d.uncertain,
        rulesVersion: RULES_VERSION,
      })),
    );
    await obligations.setRulesVersion(tx, incidentId, RULES_VERSION);
    await audit.append(tx, {
      incidentId,
      actor,
      action: 'obligations_assessed',
      detail: { rulesVersion: RULES_VERSION, obligations: drafts.length, jurisdictions: groups.length },
    });
  });
  return drafts.length;
}

/**
 * Every future action for the incident's unresolved obligations: reminders at the configured
 * fractions of each window (the last one an escalation), the standard-notice cut-off for the
 * strictest individuals' deadline, and each due time. Sorted by time.
 */
export async function schedule(deps: ObligationDeps, incidentId: string): Promise<DeadlineEvent[]> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) return [];
  const start = incident.discoveredAt.getTime();
  const fractions = deps.config.policy.reminderFractions;
  const events: DeadlineEvent[] = [];
  const open = (await obligations.current(deps.pool, incidentId)).filter(
    // A held obligation's clock is paused: no reminders or overdue mark until the hold is lifted.
    (o): o is Obligation & { dueAt: Date } => o.status === 'pending' && o.dueAt !== null && o.heldSince === null,
  );
  const now = Date.now();
  for (const o of open) {
    const due = o.dueAt.getTime();
    const nudges = fractions.map((f, i) => {
      const kind = i === fractions.length - 1 ? ('escalation' as const) : ('reminder' as const);
      return { key: `${o.id}:${kind}:${f}:${due}`, at: start + f * (due - start), kind, obligationId: o.id };
    });
    // An incident logged late has several reminders in the past already: only the latest is sent.
    const latestPast = nudges.filter((n) => n.at <= now).at(-1);
    for (const n of nudges) {
      if (n.at > now || n === latestPast) events.push({ ...n, at: iso(n.at) });
    }
    events.push({ key: `${o.id}:due:${due}`, at: iso(due), kind: 'due', obligationId: o.id });
  }
  const strictest = open.filter((o) => o.audience === 'individuals').sort((a, b) => +a.dueAt - +b.dueAt)[0];
  if (strictest) {
    const due = strictest.dueAt.getTime();
    const at = start + deps.config.policy.standardNoticeCutoffFraction * (due - start);
    events.push({ key: `cutoff:${due}`, at: iso(at), kind: 'cutoff', obligationId: strictest.id });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/**
 * Acts on one deadline event against the current state. Each action is recorded in the audit trail
 * under the event's key, so a retried activity acts once.
 */
export async function handleEvent(
  deps: ObligationDeps,
  input: { incidentId: string; event: DeadlineEvent; noticeApproved: boolean },
): Promise<{ standardNotice: { id: string; version: number } | null }> {
  const { pool } = deps;
  const { incidentId, event } = input;
  const obligation = await obligations.get(pool, event.obligationId);
  const incident = await incidents.get(pool, incidentId);
  if (!obligation || !incident || obligation.status !== 'pending' || obligation.heldSince) {
    return { standardNotice: null };
  }
  const waitsOnApproval = obligation.audience === 'individuals' && !input.noticeApproved;

  switch (event.kind) {
    case 'reminder':
    case 'escalation': {
      // Individuals' obligations only need a push while their notice waits for approval.
      if (obligation.audience === 'individuals' && input.noticeApproved) return { standardNotice: null };
      const compliance = await users.listByRole(pool, 'compliance');
      const officer = event.kind === 'escalation' ? await users.findById(pool, incident.openedBy) : null;
      const to = [...compliance, ...(officer ? [officer] : [])].map((u) => u.email);
      await deps.staffMailer.sendOnce(`${event.key}`, to, {
        kind: event.kind,
        incident,
        obligation,
        waitsOnApproval,
      });
      await audit.append(pool, {
        incidentId,
        actor: 'system',
        action: event.kind === 'reminder' ? 'deadline_reminder_sent' : 'deadline_escalated',
        detail: { obligationId: obligation.id, jurisdiction: obligation.jurisdiction, audience: obligation.audience, dueAt: obligation.dueAt, recipients: to.length },
        dedupeKey: event.key,
      });
      return { standardNotice: null };
    }
    case 'cutoff': {
      if (input.noticeApproved) return { standardNotice: null };
      const standard = await useStandardNotice(deps, incidentId, event.key);
      if (!standard) {
        await audit.append(pool, {
          incidentId,
          actor: 'system',
          action: 'standard_notice_unavailable',
          detail: { obligationId: obligation.id, dueAt: obligation.dueAt },
          dedupeKey: event.key,
        });
      }
      return { standardNotice: standard };
    }
    case 'due': {
      if (await obligations.markOverdue(pool, obligation.id)) {
        const compliance = await users.listByRole(pool, 'compliance');
        const officer = await users.findById(pool, incident.openedBy);
        await deps.staffMailer.sendOnce(event.key, [...compliance, ...(officer ? [officer] : [])].map((u) => u.email), {
          kind: 'overdue',
          incident,
          obligation,
          waitsOnApproval,
        });
        await audit.append(pool, {
          incidentId,
          actor: 'system',
          action: 'obligation_overdue',
          detail: { obligationId: obligation.id, jurisdiction: obligation.jurisdiction, audience: obligation.audience, dueAt: obligation.dueAt, delayReason: obligation.delayReason },
          dedupeKey: event.key,
        });
      }
      return { standardNotice: null };
    }
  }
}

/**
 * At the cut-off, an incident whose own notice is still unapproved is sent the standard notice that
 * compliance pre-approved, as an approved notice of its own that records where it came from.
 */
async function useStandardNotice(
  deps: ObligationDeps,
  incidentId: string,
  key: string,
): Promise<{ id: string; version: number } | null> {
  return inTransaction(deps.pool, async (tx) => {
    const standard = await notices.activePreapproved(tx);
    if (!standard) return null;
    const incident = (await incidents.get(tx, incidentId))!;
    const latest = (await notices.listForIncident(tx, incidentId))[0];
    const content = { ...standard.content, title: incident.title };
    const notice = await notices.draft(tx, incidentId, {
      content,
      templateVersion: standard.templateVersion,
      contentHash: contentHash(standard.templateVersion, content),
      afterVersion: latest?.version ?? 0,
    });
    await notices.approveFromPreapproval(tx, notice.id, standard.id, standard.approvedBy);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'standard_notice_used',
      detail: { noticeId: notice.id, preapprovedNoticeId: standard.id, templateVersion: standard.templateVersion },
      dedupeKey: key,
    });
    return { id: notice.id, version: notice.version };
  });
}

/** Individuals' obligations are met once every affected customer's delivery is resolved. */
export async function markIndividualsMet(pool: Pool, incidentId: string): Promise<void> {
  const open = (await obligations.current(pool, incidentId)).filter(
    (o) => o.audience === 'individuals' && (o.status === 'pending' || o.status === 'overdue'),
  );
  if (open.length === 0) return;
  await obligations.markMet(pool, open.map((o) => o.id));
  await audit.append(pool, {
    incidentId,
    actor: 'system',
    action: 'individuals_obligations_met',
    detail: { obligations: open.map((o) => o.id) },
    dedupeKey: `individuals_met:${incidentId}`,
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
