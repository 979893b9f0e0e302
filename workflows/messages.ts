import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, IncidentStatus, Role } from '../core/domain/model';

/**
 * Messages to the incident workflow, defined once and imported by both the workflow and the API.
 * Decisions are Updates with validators: a bad or unauthorised decision is refused before it enters
 * the history, and the caller learns the outcome at once.
 */

export interface ApprovalInput {
  decision: ApprovalDecision;
  comment: string | null;
  actorId: string;
  actorRole: Role;
}

export interface ApprovalResult {
  noticeId: string;
  status: 'approved' | 'rejected';
}

export const approvalUpdate = defineUpdate<ApprovalResult, [ApprovalInput]>('approval');

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

export interface IncidentProgress {
  status: IncidentStatus;
  noticeId: string | null;
  noticeVersion: number;
  affected: number;
}

export const progressQuery = defineQuery<IncidentProgress>('progress');

/** Reasons an update is refused, as ApplicationFailure types the API maps to HTTP statuses. */
export const REFUSAL = { forbidden: 'Forbidden', conflict: 'Conflict', invalid: 'Invalid' } as const;
