/** Workflow inputs and results: ids, counts, enums and instants only — never a person's data. */

import type { MailingCriterion, MailingKind } from '../core/domain/mailings';

export interface IncidentWorkflowInput {
  incidentId: string;
  /** The user who opened the incident: they may not approve its notice. */
  openedBy: string;
}

export interface DeliveryShardWorkflowInput {
  incidentId: string;
  noticeId: string;
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id handled in this shard (0 to start). */
  after: number;
  /** 0 for the first pass; n for the n-th retry pass over temporary failures. */
  pass: number;
  /** Waits before each retry pass, in milliseconds. */
  retryDelaysMs: number[];
}

export interface DeliveryPlan {
  shards: number;
  retryDelaysMs: number[];
}

export interface LetterBatchWorkflowInput {
  incidentId: string;
  /** How long to wait before opening the batch, so late bounces join it (milliseconds). */
  waitMs: number;
  /** Files rendered per run before continuing as new. @default 100 (tests use fewer) */
  filesPerRun?: number;
  /** Set by continue-as-new: the batch opened and the next file to render. */
  batch?: { id: string; letters: number; files: number; nextFile: number };
}

/** A letter batch's outcome: ids and counts only. */
export interface LetterBatchResult {
  batchId: string;
  letters: number;
}

/** The email of one filing (`filingEmailWorkflow`): ids only. */
export interface FilingEmailWorkflowInput {
  incidentId: string;
  /** The filing claimed for sending (core/use-cases/filings.ts `requestFilingEmail`). */
  filingId: string;
}

/** Support's answer to one question (`questionAnswerWorkflow`): its id only. */
export interface QuestionAnswerWorkflowInput {
  /** The question whose answer is claimed for sending (core/use-cases/questions.ts `requestAnswer`). */
  questionId: string;
}

/** A further mailing (`mailingWorkflow`, workflows/mailing.ts): ids, keys and enums only. */
export interface MailingWorkflowInput {
  incidentId: string;
  /** supplement | reminder | update (core/domain/mailings.ts). */
  kind: MailingKind;
  /** The mailing's business key ('reminder-1', 'amendment-2', 'concluded'…): one mailing per kind and key. */
  key: string;
  /** Who it goes to, selected when it is created (after the wait and the approval). */
  criterion: MailingCriterion;
  /** For `listed`: the list in mailing_list_members (written by the amendment's diff). */
  listKey?: string | null;
  /** How long to wait before selecting and sending (a reminder's N days), in milliseconds. @default 0 */
  waitMs?: number;
}

/** A mailing's outcome: its id and counts. */
export interface MailingWorkflowResult {
  /** Null when no mailing was made (the incident withdrawn first). */
  mailingId: string | null;
  selected: number;
  sent: number;
  undeliverable: number;
  skipped: number;
}

/** One shard of a mailing (`mailingShardWorkflow`). */
export interface MailingShardWorkflowInput {
  mailingId: string;
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id handled in this shard (0 to start). */
  after: number;
  /** 0 for the first pass; n for the n-th retry pass over temporary failures. */
  pass: number;
  /** Waits before each retry pass, in milliseconds. */
  retryDelaysMs: number[];
}

/** One amendment of an incident (`amendmentWorkflow`): the version it applies. */
export interface AmendmentWorkflowInput {
  incidentId: string;
  version: number;
}

/** What an amendment changed and sent: counts only. */
export interface AmendmentOutcome {
  version: number;
  added: number;
  grown: number;
  removed: number;
  /** Newly affected people sent the notice by this amendment's workflow (0 when the incident's own delivery does). */
  notified: number;
  /** People whose exposure grew who were sent the supplement. */
  supplemented: number;
}

export interface RestoreSettlementWorkflowInput {
  incidentId: string;
  /** This run's key: its children's workflow ids (delivery shards, letters) carry it. */
  key: string;
  retryDelaysMs: number[];
}
