import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, IncidentStatus, Role } from '../core/domain/model';

/**
 * Messages to the incident workflow, defined once and imported by both the workflow and the API.
 * Decisions are Updates with validators: a bad or unauthorised decision is refused before it enters
 * the history, and the caller learns the outcome at once.
 */

/**
 * A compliance decision, by the id under which the API recorded it after authenticating the person
 * (core/use-cases/notices.ts `recordDecision`). The workflow checks the row through an activity
 * before it counts, so a caller that reaches Temporal directly cannot name who decided.
 */
export interface ApprovalInput {
  decisionId: string;
}

/**
 * The shape of the Update before patch `approval-by-decision-id`: the caller named the actor. Only
 * replays of workflows that accepted one still act on it; a new one is refused and audited.
 */
export interface LegacyApprovalInput {
  decision: ApprovalDecision;
  comment: string | null;
  actorId: string;
  actorRole: Role;
}

export interface ApprovalResult {
  noticeId: string;
  /** `awaiting_quorum`: the approval counted, and another compliance user's is still needed. */
  status: 'approved' | 'rejected' | 'awaiting_quorum';
}

export const approvalUpdate = defineUpdate<ApprovalResult, [ApprovalInput | LegacyApprovalInput]>('approval');

export interface ReviseNoticeInput {
  whatHappened: string;
  whatWeAreDoing: string;
  actorId: string;
  actorRole: Role;
}

/** After a rejection the officer (or compliance) revises the wording; a new draft goes for approval. */
export const reviseNoticeUpdate = defineUpdate<{ noticeId: string; version: number }, [ReviseNoticeInput]>(
  'reviseNotice',
);

/** Obligations changed (re-assessment, a recorded filing or delay reason): reload the deadline schedule. */
export const obligationsChangedSignal = defineSignal('obligationsChanged');

/**
 * The incident was withdrawn (a false alarm, a duplicate) by an approved determination: stop waiting,
 * send nothing more, end once the deliveries already under way have stopped.
 */
export const incidentWithdrawnSignal = defineSignal('incidentWithdrawn');

/**
 * A decision (or a revision) on the notice for an amendment's newly affected was recorded
 * (core/use-cases/amendments.ts): its workflow looks at the notice again.
 */
export const amendmentNoticeDecidedSignal = defineSignal('amendmentNoticeDecided');

/**
 * A decision (or a revision) on a further mailing's text was recorded (core/use-cases/mailings.ts
 * `decideFollowUp`): the mailing's workflow (`mailingWorkflowId`) looks at its text again.
 */
export const followUpDecidedSignal = defineSignal('followUpDecided');

/**
 * An operator released or confirmed notices held by a restore (core/use-cases/restores.ts): the
 * incident's settlement (workflows/restore-settlement.ts) sends the released ones, then settles.
 */
export const settlementRequestedSignal = defineSignal<[SettlementRequest]>('settlementRequested');

export interface SettlementRequest {
  /** The notices whose released deliveries are to be sent (none for a confirmation). */
  noticeIds: string[];
  /**
   * Further mailings with messages released (sent by a pass of their own, then finished) or
   * confirmed (finished); absent when none.
   */
  mailingIds?: string[];
  /** The incident's own workflow is past delivery: the settlement finishes what it would have. */
  settle: boolean;
}

export interface IncidentProgress {
  status: IncidentStatus;
  noticeId: string | null;
  noticeVersion: number;
  affected: number;
}

export const progressQuery = defineQuery<IncidentProgress>('progress');

/** Reasons an update is refused, as ApplicationFailure types the API maps to HTTP statuses. */
export const REFUSAL = { forbidden: 'Forbidden', conflict: 'Conflict', invalid: 'Invalid' } as const;
