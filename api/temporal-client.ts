import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type Long from 'long';
import type { Config } from '../core/config';
import type { IncidentStatus } from '../core/domain/model';
import type { Logger } from '../core/logger';
import type { Pool } from '../core/db/pool';
import type { WorkflowTampering } from '../core/db/workflow-tampering';
import { dataConverter } from '../core/data-converter';
import {
  amendmentWorkflowId,
  incidentWorkflowId,
  restoreSettlementWorkflowId,
  letterBatchWorkflowId,
} from '../core/domain/ids';
import { filingEmailWorkflowId } from '../core/domain/filings';
import { mailingWorkflowId } from '../core/domain/mailings';
import type { MailingKind } from '../core/domain/mailings';
import { questionAnswerWorkflowId } from '../core/domain/questions';
import { ConflictError, ForbiddenError, ValidationError } from '../core/errors';
import { temporalConnectionOptions } from '../core/temporal-connection';
import { recordDecision } from '../core/use-cases/notices';
import type { DecisionInput } from '../core/use-cases/notices';
import type { Actor } from '../core/use-cases/types';
import type { amendmentWorkflow } from '../workflows/amendment';
import type { restoreSettlementWorkflow } from '../workflows/restore-settlement';
import type { incidentWorkflow } from '../workflows/incident';
import type { letterBatchWorkflow } from '../workflows/letters';
import type { filingEmailWorkflow } from '../workflows/filing-email';
import type { mailingWorkflow } from '../workflows/mailing';
import type { questionAnswerWorkflow } from '../workflows/question-answer';
import {
  REFUSAL,
  approvalUpdate,
  amendmentNoticeDecidedSignal,
  followUpDecidedSignal,
  incidentWithdrawnSignal,
  obligationsChangedSignal,
  progressQuery,
  reviseNoticeUpdate,
  settlementRequestedSignal,
} from '../workflows/messages';
import type { SettlementRequest } from '../workflows/messages';
import type { ApprovalInput, ApprovalResult, ReviseNoticeInput } from '../workflows/messages';

/**
 * Every call the API makes to Temporal: the client, starting an incident's workflow, its Updates
 * (refusals turned into domain errors) and its signal. Routes call these after the use case
 * has committed.
 */

/** The API's Temporal client, with the same payload codec as the worker. */
export async function createTemporalClient(config: Readonly<Config>): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys),
  });
}

interface TemporalDeps {
  temporal: Client;
  config: Readonly<Config>;
}

/**
 * Starts (or finds) the incident's workflow under its business id: starting it twice returns the
 * running one, and a finished one is left finished, so this is safe after a replayed request.
 */
export async function startIncidentWorkflow(
  deps: TemporalDeps,
  incident: { id: string; openedBy: string },
): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
      workflowId: incidentWorkflowId(incident.id),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ incidentId: incident.id, openedBy: incident.openedBy }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A closed workflow is never started again: an incident has one life.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/**
 * Starts (or finds) an amendment's workflow (workflows/amendment.ts) under its version's business
 * id: starting it twice finds the running one; a finished one stays finished (its version applied).
 */
export async function startAmendmentWorkflow(
  deps: TemporalDeps,
  amendment: { incidentId: string; version: number },
): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof amendmentWorkflow>('amendmentWorkflow', {
      workflowId: amendmentWorkflowId(amendment.incidentId, amendment.version),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ incidentId: amendment.incidentId, version: amendment.version }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/** Tells an amendment's workflow a decision or revision on its notice was recorded; logged on failure. */
export async function signalAmendmentNoticeDecided(
  temporal: Client,
  amendment: { incidentId: string; version: number },
  log: Pick<Logger, 'error'>,
): Promise<void> {
  try {
    await temporal.workflow
      .getHandle(amendmentWorkflowId(amendment.incidentId, amendment.version))
      .signal(amendmentNoticeDecidedSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    log.error({ err, ...amendment }, 'amendment notice decided, but its workflow could not be told');
  }
}

/**
 * Tells a further mailing's workflow (workflows/mailing.ts) a decision or revision on its text was
 * recorded. An update's mailing is started here if it is not running (signal-with-start: an update
 * goes to everyone notified once its text is approved; a finished one is not started again); a
 * reminder's or supplement's is started by the incident's or amendment's workflow, so it is only
 * told, and one not running needs nothing. Any other failure is logged: the workflow looks at its
 * text again hourly anyway.
 */
export async function signalFollowUpDecided(
  deps: TemporalDeps,
  mailing: { incidentId: string; kind: MailingKind; key: string },
  log: Pick<Logger, 'error'>,
): Promise<void> {
  const workflowId = mailingWorkflowId(mailing.incidentId, mailing.kind, mailing.key);
  try {
    if (mailing.kind === 'update') {
      await deps.temporal.workflow.signalWithStart<typeof mailingWorkflow, []>('mailingWorkflow', {
        workflowId,
        taskQueue: deps.config.temporal.taskQueue,
        args: [{ ...mailing, criterion: 'notified' }],
        signal: followUpDecidedSignal,
        signalArgs: [],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } else {
      await deps.temporal.workflow.getHandle(workflowId).signal(followUpDecidedSignal);
    }
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError) return;
    log.error({ err, ...mailing }, 'follow-up decided, but its mailing workflow could not be told');
  }
}

/**
 * Starts the incident's letter batch named `key` (workflows/letters.ts) after `waitMs`, under
 * `letterBatchWorkflowId(incidentId, key)`: one that is already running under that id is left to
 * run (not an error), so a caller that fires twice gets one batch. A finished one is started again
 * (its batch is found by the same key, so no letter goes twice); use a new key for a new batch.
 */
export async function startLetterBatch(
  deps: TemporalDeps,
  incidentId: string,
  key: string,
  waitMs: number,
): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof letterBatchWorkflow>('letterBatchWorkflow', {
      workflowId: letterBatchWorkflowId(incidentId, key),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ incidentId, waitMs }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/**
 * Starts the settlement that follows an operator's decision on notices held by a restore
 * (workflows/restore-settlement.ts): a delivery pass for each notice with released rows (one shard,
 * under ids of its own: the incident's shards may have finished long ago; it sends only what delivery
 * would, never a held row, and a delivery still running beside it sends nobody twice), a pass for each
 * further mailing with released messages and then its finish (`mailingIds`), then — when the
 * incident's own workflow is no longer running — what that workflow does after delivery, up to
 * `completed` once nobody waits. Returns the settlement's workflow id.
 */
const PAST_DELIVERY: readonly IncidentStatus[] = ['completed', 'closed_no_notice', 'withdrawn'];

export async function startRestoreSettlement(
  deps: TemporalDeps,
  settlement: { incidentId: string; noticeIds: string[]; mailingIds: string[] },
): Promise<string> {
  const workflowId = restoreSettlementWorkflowId(settlement.incidentId);
  // The incident's workflow is past delivery when it has ended, or (still watching deadlines) says
  // so itself: then the restored database's `delivering` is behind it, and the settlement finishes.
  let pastDelivery = true;
  const handle = deps.temporal.workflow.getHandle<typeof incidentWorkflow>(
    incidentWorkflowId(settlement.incidentId),
  );
  try {
    pastDelivery = (await handle.describe()).status.name !== 'RUNNING';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  if (!pastDelivery) {
    try {
      pastDelivery = PAST_DELIVERY.includes((await handle.query(progressQuery)).status);
    } catch {
      // No worker answered: it cannot be told, so the settlement only sends; the incident's
      // workflow, or a later settlement, finishes.
    }
  }
  await deps.temporal.workflow.signalWithStart<typeof restoreSettlementWorkflow, [SettlementRequest]>(
    'restoreSettlementWorkflow',
    {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      args: [
        {
          incidentId: settlement.incidentId,
          key: `restore-settlement-${randomUUID().slice(0, 8)}`,
          retryDelaysMs: [...deps.config.delivery.retryDelaysMs],
        },
      ],
      signal: settlementRequestedSignal,
      signalArgs: [
        {
          noticeIds: settlement.noticeIds,
          // Sent only when there are some: a request as the previous release wrote it replays alike.
          ...(settlement.mailingIds.length > 0 ? { mailingIds: settlement.mailingIds } : {}),
          settle: pastDelivery,
        },
      ],
    },
  );
  return workflowId;
}

/**
 * Starts the email of a claimed filing (workflows/filing-email.ts) under the packet's workflow id
 * (`filingEmailWorkflowId`): one already running is left to run, so asking twice sends once; a
 * finished one (a failed email asked for again) starts anew, and finds the filing's state first.
 */
export async function startFilingEmail(
  deps: TemporalDeps,
  filing: { incidentId: string; id: string; packetId: string },
): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof filingEmailWorkflow>('filingEmailWorkflow', {
      workflowId: filingEmailWorkflowId(filing.packetId),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ incidentId: filing.incidentId, filingId: filing.id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/**
 * Starts the email of support's claimed answer to a question (workflows/question-answer.ts) under
 * the question's workflow id (`questionAnswerWorkflowId`): one already running is left to run, so
 * answering twice sends once; a finished one (a failed answer sent again) starts anew, and finds the
 * question's state first.
 */
export async function startQuestionAnswer(deps: TemporalDeps, question: { id: string }): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof questionAnswerWorkflow>('questionAnswerWorkflow', {
      workflowId: questionAnswerWorkflowId(question.id),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ questionId: question.id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/**
 * Compliance's decision on the notice waiting for one: recorded for the signed-in person, bound to
 * the version and text they reviewed (core/use-cases/notices.ts `recordDecision`), then only its id
 * goes to the workflow, whose activity checks the row again before it counts.
 */
export async function decideNotice(
  deps: TemporalDeps & { pool: Pool },
  actor: Actor,
  input: DecisionInput & { workflowId: string },
): Promise<ApprovalResult> {
  const { workflowId, ...decision } = input;
  const { decisionId } = await recordDecision(deps, actor, decision);
  const update: ApprovalInput = { decisionId };
  return runUpdate(() =>
    deps.temporal.workflow.getHandle(workflowId).executeUpdate(approvalUpdate, { args: [update] }),
  );
}

/** Sends a revision of the notice's wording after a rejection; a new draft goes for approval. */
export function reviseNotice(
  temporal: Client,
  workflowId: string,
  input: ReviseNoticeInput,
): Promise<{ noticeId: string; version: number }> {
  return runUpdate(() =>
    temporal.workflow.getHandle(workflowId).executeUpdate(reviseNoticeUpdate, { args: [input] }),
  );
}

/**
 * Tells the incident's workflow its obligations changed so its deadline timers follow. The workflow
 * may have finished (everything resolved); then there are no timers to move and nothing to tell.
 * Any other failure is logged, not thrown: the change itself has committed, and an error answer
 * would invite the caller to record it twice. Takes the incident id and derives the workflow id,
 * as `startIncidentWorkflow` does.
 */
/**
 * Tells an incident's workflow it was withdrawn (core/use-cases/determinations.ts): it stops waiting
 * and sends nothing more. A workflow already ended needs nothing; any other failure is logged, and
 * delivery still stops, since the shard passes watch the database (activities `deliverBatch`).
 */
export async function signalIncidentWithdrawn(
  temporal: Client,
  incidentId: string,
  log: Pick<Logger, 'error'>,
): Promise<void> {
  try {
    await temporal.workflow.getHandle(incidentWorkflowId(incidentId)).signal(incidentWithdrawnSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    log.error({ err, incidentId }, 'incident withdrawn, but the workflow could not be told');
  }
}

export async function signalObligationsChanged(
  temporal: Client,
  incidentId: string,
  log: Pick<Logger, 'error'>,
): Promise<void> {
  try {
    await temporal.workflow.getHandle(incidentWorkflowId(incidentId)).signal(obligationsChangedSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    log.error({ err, incidentId }, 'obligations changed, but the workflow could not be told');
  }
}

/**
 * Whether the incident's workflow was terminated or reset, read from Temporal: its current run's
 * status and last reset time, then that run's history for who did it and why. Forthright never
 * does either, so any finding is someone acting on Temporal directly. A workflow not started yet
 * is no finding.
 */
export async function findWorkflowTampering(
  temporal: Client,
  workflowId: string,
): Promise<Omit<WorkflowTampering, 'detectedAt'>[]> {
  let description: WorkflowExecutionDescription;
  try {
    description = await temporal.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
  const terminated = description.status.name === 'TERMINATED';
  const resetAt = description.raw.workflowExtendedInfo?.lastResetTime;
  if (!terminated && !resetAt) return [];
  const { runId } = description;
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const findings: Omit<WorkflowTampering, 'detectedAt'>[] = [];
  for (const event of history.events ?? []) {
    const at = dateOf(event.eventTime);
    const ended = event.workflowExecutionTerminatedEventAttributes;
    if (ended) {
      findings.push({
        runId,
        kind: 'terminated',
        happenedAt: at,
        identity: ended.identity || null,
        reason: ended.reason || null,
      });
    }
    const failed = event.workflowTaskFailedEventAttributes;
    if (failed && failed.cause === RESET_CAUSE) {
      findings.push({
        runId,
        kind: 'reset',
        happenedAt: at,
        identity: failed.identity || null,
        reason: failed.failure?.message || null,
      });
    }
  }
  if (terminated && !findings.some((f) => f.kind === 'terminated')) {
    findings.push({
      runId,
      kind: 'terminated',
      happenedAt: description.closeTime ?? null,
      identity: null,
      reason: null,
    });
  }
  if (resetAt && !findings.some((f) => f.kind === 'reset')) {
    findings.push({ runId, kind: 'reset', happenedAt: dateOf(resetAt), identity: null, reason: null });
  }
  return findings;
}

const RESET_CAUSE =
  proto.temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW;

function dateOf(
  ts: { seconds?: Long | number | null; nanos?: number | null } | null | undefined,
): Date | null {
  if (!ts) return null;
  return new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

/**
 * Whether the Temporal service answers within `timeoutMs` (for /readyz): a probe must answer
 * before the orchestrator's own timeout, not after the client's retries.
 */
export function temporalReachable(temporal: Client, timeoutMs = 3_000): Promise<boolean> {
  return temporal.connection
    .withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({}))
    .then(
      () => true,
      () => false,
    );
}

/** Runs a workflow Update, turning the validator's refusals into domain errors (mapped to HTTP once). */
async function runUpdate<T>(update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new ConflictError('The incident workflow is no longer running');
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === REFUSAL.forbidden) throw new ForbiddenError(cause.message);
      if (cause.type === REFUSAL.conflict) throw new ConflictError(cause.message);
      if (cause.type === REFUSAL.invalid) throw new ValidationError(cause.message, 'comment');
    }
    throw err;
  }
}
