import type { Config } from '../config';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as versions from '../db/incident-versions';
import type { AmendableFacts, IncidentVersion } from '../db/incident-versions';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import { countGrownListed, reidentify } from '../db/reidentify';
import { amendmentMailingKey } from '../domain/mailings';
import type { ReidentifyCounts } from '../db/reidentify';
import * as retention from '../db/retention';
import type { IncidentStatus, NoticeStatus } from '../domain/model';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NotFoundError,
  ValidationError,
} from '../errors';
import type { NoticeDeps, AppliedDecision, DecisionInput } from './notices';
import { applyDecisionIn, draftNotice, recordDecisionIn } from './notices';
import { draftFollowUp, latestFollowUp } from './mailings';
import type { MailingDeps } from './mailings';
import { assessWithin } from './obligations';
import type { Actor } from './types';

/**
 * Amending an incident (issue 17, item 1): the facts as the investigation now knows them become a
 * new version, kept with the reason beside every earlier one. Recording it is this module; what it
 * changes for people and obligations — re-identification as a diff, re-assessment, the notice to
 * the newly affected, the supplement to those whose exposure grew — is the amendment's workflow
 * (workflows/amendment.ts), started under the version's business id once this commits.
 */

/** What an amendment may change; a field left out keeps its value, null clears a nullable one. */
export type AmendmentChanges = Partial<AmendableFacts>;

/**
 * When an incident may be amended: before its notice is approved (the notice goes to whoever is
 * affected when it does), or once its delivery has finished (the amendment's workflow notifies the
 * difference). Not while it is identifying, waiting for a prior filing or delivering: the set of
 * people is being read then; a few minutes later it can be amended.
 */
const AMENDABLE: readonly IncidentStatus[] = [
  'drafting',
  'awaiting_approval',
  'completed',
  'closed_no_notice',
];

const FIELDS = [
  'description',
  'systems',
  'dataCategories',
  'occurredFrom',
  'occurredTo',
  'encrypted',
  'keyCompromised',
  'customerExternalIds',
] as const satisfies readonly (keyof AmendableFacts)[];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Records an amendment of an incident's facts as its next version, with the reason and its audit
 * entry, in one transaction. Throws IncidentNotFoundError; ConflictError when the incident is
 * withdrawn, in a phase that cannot be amended, or its previous amendment is still being applied;
 * ValidationError naming the field (nothing changes, a window that ends before it starts, a key
 * compromised without encryption, customers the inventory does not know).
 */
export async function amendIncident(
  deps: { pool: Pool },
  actor: Actor,
  input: { incidentId: string; reason: string; changes: AmendmentChanges },
): Promise<IncidentVersion> {
  return inTransaction(deps.pool, async (tx) => {
    const current = await versions.lockFacts(tx, input.incidentId);
    const incident = current && (await incidents.get(tx, input.incidentId));
    if (!current || !incident) throw new IncidentNotFoundError(input.incidentId);
    if (incident.withdrawnAt) throw new ConflictError('The incident is withdrawn');
    // Its people were erased when its retention ended (core/use-cases/retention.ts): re-identifying
    // now would find everyone "newly affected" and notify them again.
    if (await retention.getPurge(tx, input.incidentId)) {
      throw new ConflictError('The incident was purged when its retention ended: open a new incident');
    }
    if (!AMENDABLE.includes(incident.status)) {
      throw new ConflictError(
        `The incident is ${incident.status.replaceAll('_', ' ')}: it can be amended before its notice is approved or once delivery has finished`,
      );
    }
    const pending = (await versions.listForIncident(tx, input.incidentId)).find((v) => v.appliedAt === null);
    if (pending) {
      throw new ConflictError(`Amendment ${pending.version} is still being applied: amend again once it is`);
    }
    const { version, ...before } = current;
    const after: AmendableFacts = { ...before };
    for (const field of FIELDS) {
      if (input.changes[field] !== undefined) Object.assign(after, { [field]: input.changes[field] });
    }
    const changed = FIELDS.filter((f) => !same(before[f], after[f]));
    if (changed.length === 0) throw new ValidationError('The amendment changes nothing', 'changes');
    if (after.occurredFrom && after.occurredTo && after.occurredTo < after.occurredFrom) {
      throw new ValidationError('must not be before occurredFrom', 'changes.occurredTo');
    }
    if (after.keyCompromised && !after.encrypted) {
      throw new ValidationError('only applies when encrypted is true', 'changes.keyCompromised');
    }
    if (after.customerExternalIds && changed.includes('customerExternalIds')) {
      const unknown = await affected.unknownExternalIds(tx, after.customerExternalIds);
      if (unknown.length > 0) {
        throw new ValidationError(
          `Unknown customers: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
          'changes.customerExternalIds',
        );
      }
    }
    const next = version + 1;
    await versions.amend(tx, {
      incidentId: input.incidentId,
      version: next,
      reason: input.reason,
      before,
      after,
      amendedBy: actor.id,
    });
    const pick = (facts: AmendableFacts, listed: boolean) =>
      Object.fromEntries(
        changed.filter((f) => (f === 'customerExternalIds') === listed).map((f) => [f, facts[f]]),
      );
    // The named customers' ids are sealed with the incident's key (core/db/audit.ts `append`): read
    // back merged into before/after, erased when the incident's retention ends (migration 027).
    const listChanged = changed.includes('customerExternalIds');
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'incident_amended',
      detail: {
        version: next,
        reason: input.reason,
        changed,
        before: pick(before, false),
        after: pick(after, false),
      },
      ...(listChanged ? { personal: { before: pick(before, true), after: pick(after, true) } } : {}),
    });
    return (await versions.get(tx, input.incidentId, next))!;
  });
}

/** Every amendment of an incident, newest first. Throws IncidentNotFoundError. */
export async function listAmendments(deps: { pool: Pool }, incidentId: string): Promise<IncidentVersion[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  return versions.listForIncident(deps.pool, incidentId);
}

/** Amendments recorded more than `graceSeconds` ago and not yet applied: their workflows to (re)start. */
export async function listUnappliedAmendments(
  deps: { pool: Pool },
  graceSeconds: number,
): Promise<{ incidentId: string; version: number }[]> {
  return versions.listUnapplied(deps.pool, graceSeconds);
}

/**
 * Incident phases in which the incident's own workflow still sends the first notice to everyone
 * pending: people an amendment adds then get that notice when it is approved.
 */
const BEFORE_APPROVAL: readonly IncidentStatus[] = ['identifying', 'drafting', 'awaiting_approval'];

/** What applying an amendment found, and whether its workflow notifies the newly affected itself. */
export interface AppliedAmendment extends ReidentifyCounts {
  delivers: boolean;
}

/**
 * The amendment's workflow's first step: re-identifies the incident's people from its amended facts
 * as a diff (core/db/reidentify.ts) and re-assesses its obligations, in one transaction with its
 * audit entry. Applied once per version: a retry returns what the first run found. Throws
 * NotFoundError for a version never recorded.
 */
export async function applyAmendment(
  deps: { pool: Pool; config: Readonly<Config> },
  input: { incidentId: string; version: number },
): Promise<AppliedAmendment> {
  return inTransaction(deps.pool, async (tx) => {
    const v = await versions.lock(tx, input.incidentId, input.version);
    if (!v) throw new NotFoundError(`No amendment ${input.version} of incident ${input.incidentId}`);
    if (v.appliedAt) {
      return {
        added: v.added ?? 0,
        grown: v.grown ?? 0,
        grownNotified: await countGrownListed(tx, input.incidentId, input.version),
        removed: v.removed ?? 0,
        delivers: v.delivers ?? false,
      };
    }
    const incident = (await incidents.get(tx, input.incidentId))!;
    const diff = await reidentify(tx, input.incidentId, input.version);
    await assessWithin(tx, deps.config, input.incidentId, 'system');
    const delivers = !BEFORE_APPROVAL.includes(incident.status) && incident.withdrawnAt === null;
    await versions.markApplied(tx, input.incidentId, input.version, { ...diff, delivers });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: 'system',
      action: 'amendment_applied',
      detail: { version: input.version, ...diff, delivers },
      dedupeKey: `amendment_applied:${input.incidentId}:${input.version}`,
    });
    return { ...diff, delivers };
  });
}

/** The notice for an amendment's newly affected: its id, version and where it stands. */
export interface AmendmentNotice {
  id: string;
  version: number;
  status: NoticeStatus;
}

/** The newest version of the incident's notice to individuals from the amendment's own draft on. */
async function amendmentNotice(
  db: Pool,
  incidentId: string,
  v: IncidentVersion,
): Promise<AmendmentNotice | null> {
  if (!v.noticeId) return null;
  const all = await notices.listForIncident(db, incidentId);
  const drafted = all.find((n) => n.id === v.noticeId);
  const newest = all[0];
  const current = drafted && newest && newest.version >= drafted.version ? newest : drafted;
  return current ? { id: current.id, version: current.version, status: current.status } : null;
}

/**
 * Drafts the notice for the people an amendment added (a new version of the incident's notice to
 * individuals, approved as usual), once: a retry returns the one drafted. Throws NotFoundError.
 */
export async function draftAmendmentNotice(
  deps: NoticeDeps,
  input: { incidentId: string; version: number },
): Promise<AmendmentNotice> {
  const v = await versions.get(deps.pool, input.incidentId, input.version);
  if (!v) throw new NotFoundError(`No amendment ${input.version} of incident ${input.incidentId}`);
  const existing = await amendmentNotice(deps.pool, input.incidentId, v);
  if (existing) return existing;
  const latest = (await notices.listForIncident(deps.pool, input.incidentId))[0];
  const drafted = await draftNotice(deps, {
    incidentId: input.incidentId,
    afterVersion: latest?.version ?? 0,
    revision: null,
  });
  await versions.setNotice(deps.pool, input.incidentId, input.version, drafted.id);
  const recorded = (await versions.get(deps.pool, input.incidentId, input.version))!;
  return (await amendmentNotice(deps.pool, input.incidentId, recorded))!;
}

/** Where the amendment's notice stands (the workflow asks after each decision). Throws NotFoundError. */
export async function amendmentNoticeState(
  deps: { pool: Pool },
  input: { incidentId: string; version: number },
): Promise<AmendmentNotice> {
  const v = await versions.get(deps.pool, input.incidentId, input.version);
  const notice = v && (await amendmentNotice(deps.pool, input.incidentId, v));
  if (!notice) throw new NotFoundError(`Amendment ${input.version} has no notice`);
  return notice;
}

/**
 * Compliance's decision on the notice for an amendment's newly affected, under the same four-eyes
 * rules and binding to the text as any notice, recorded and applied in one transaction (its
 * workflow is then signalled and looks). Throws NotFoundError when the notice is not this
 * amendment's, ForbiddenError or ConflictError as the rules refuse.
 */
export async function decideAmendmentNotice(
  deps: { pool: Pool; config: Readonly<Config> },
  actor: Actor,
  input: DecisionInput & { version: number },
): Promise<Exclude<AppliedDecision, { outcome: 'refused' }>> {
  const v = await versions.get(deps.pool, input.incidentId, input.version);
  const current = v && (await amendmentNotice(deps.pool, input.incidentId, v));
  if (!current || current.id !== input.noticeId) {
    throw new NotFoundError(`Notice ${input.noticeId} is not the one amendment ${input.version} waits on`);
  }
  return inTransaction(deps.pool, async (tx) => {
    const { decisionId } = await recordDecisionIn(tx, actor, input);
    const applied = await applyDecisionIn(tx, deps.config.policy.approvalQuorum, {
      incidentId: input.incidentId,
      noticeId: input.noticeId,
      decisionId,
    });
    if (applied.outcome === 'refused') {
      throw applied.refusal === 'forbidden'
        ? new ForbiddenError(applied.message)
        : new ConflictError(applied.message);
    }
    return applied;
  });
}

/**
 * After a rejection, an officer or compliance user rewrites the amendment's notice: a new version
 * they may then not approve. Throws ConflictError unless its newest version was rejected.
 */
export async function reviseAmendmentNotice(
  deps: NoticeDeps,
  actor: Actor,
  input: { incidentId: string; version: number; whatHappened: string; whatWeAreDoing: string },
): Promise<AmendmentNotice> {
  const current = await amendmentNoticeState(deps, input);
  if (current.status !== 'rejected') {
    throw new ConflictError(`The amendment's notice is ${current.status.replaceAll('_', ' ')}, not rejected`);
  }
  await draftNotice(deps, {
    incidentId: input.incidentId,
    afterVersion: current.version,
    revision: { whatHappened: input.whatHappened, whatWeAreDoing: input.whatWeAreDoing, actorId: actor.id },
  });
  return amendmentNoticeState(deps, input);
}

/**
 * What the supplement says to everyone whose exposure grew, before the list of what is newly known
 * to be involved of theirs (the template adds that per person). Plain and without the staff's
 * reason, which may name systems and people; an officer may rewrite it before approval.
 */
export const DEFAULT_SUPPLEMENT_TEXT =
  'Since we wrote to you about this incident, our investigation has found that more of your information was involved than our first notice said. This message tells you what else was involved. Everything else in our first notice still applies, including the steps you can take and how to reach us.';

/**
 * Drafts the supplement's text for an amendment (a follow-up of kind `supplement`, key
 * `amendment-<version>`) by the system, once: a retry, or a text an officer already wrote, is left
 * as it is.
 */
export async function draftAmendmentSupplement(
  deps: MailingDeps,
  input: { incidentId: string; version: number },
): Promise<void> {
  const key = amendmentMailingKey(input.version);
  if (await latestFollowUp(deps.pool, input.incidentId, 'supplement', key)) return;
  await draftFollowUp(deps, null, {
    incidentId: input.incidentId,
    kind: 'supplement',
    key,
    update: DEFAULT_SUPPLEMENT_TEXT,
  });
}
