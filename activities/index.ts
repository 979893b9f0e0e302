import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../core/config';
import * as deliveries from '../core/db/deliveries';
import * as incidents from '../core/db/incidents';
import * as reach from '../core/db/reach';
import type { Pool } from '../core/db/pool';
import type { DeliveryPage, RateLimiter } from '../core/delivery';
import { ForecastChecks, deliverShardPass, warnIfForecastLate } from '../core/delivery';
import type { ApprovalDecision, IncidentStatus } from '../core/domain/model';
import { DomainError, NON_RETRYABLE_ERROR_TYPES } from '../core/errors';
import type { MailSender } from '../core/mail/smtp-pool';
import type { StaffMailer } from '../core/mail/staff-mailer';
import type { TemplateCache } from '../core/mail/template-cache';
import { planChannels } from '../core/use-cases/channels';
import type { ChannelCounts } from '../core/use-cases/channels';
import { finishDelivery, finishRestoredDelivery } from '../core/use-cases/deliveries';
import { completeRestoredDelivery } from '../core/use-cases/restores';
import { warnIfCodesShort } from '../core/use-cases/remediation-codes';
import { renderLetterFile } from '../core/letters/batch';
import { finishLetterBatch, openLetterBatch } from '../core/use-cases/letters';
import { giveUpFilingEmail, sendFilingEmail } from '../core/use-cases/filings';
import type { FilingEmailOutcome } from '../core/use-cases/filings';
import { giveUpQuestionAnswer, sendQuestionAnswer } from '../core/use-cases/questions';
import type { AnswerEmailOutcome } from '../core/use-cases/questions';
import { identifyAffectedCustomers, recordIncidentStatus } from '../core/use-cases/incidents';
import { applyDecision, draftNotice, recordApproval } from '../core/use-cases/notices';
import type { AppliedDecision } from '../core/use-cases/notices';
import { assess, handleEvent, reassessAfterNotice, schedule } from '../core/use-cases/obligations';
import {
  amendmentNoticeState,
  applyAmendment,
  draftAmendmentNotice,
  draftAmendmentSupplement,
} from '../core/use-cases/amendments';
import type { AmendmentNotice, AppliedAmendment } from '../core/use-cases/amendments';
import { openPriorFilings } from '../core/use-cases/prior-filings';
import { assessSubstituteNotice } from '../core/use-cases/substitute-texts';
import { draftMissingPackets } from '../core/use-cases/packets';
import type { DeadlineEvent } from '../core/use-cases/obligations';
import { settleIncidentReach } from '../core/use-cases/reach';
import type { SettledReach } from '../core/use-cases/reach';
import { mailingSteps } from './mailings';

/** Everything activities need, built once per worker (worker/main.ts) and passed in. */
export interface ActivityDeps {
  pool: Pool;
  smtp: MailSender;
  staffMailer: StaffMailer;
  templates: TemplateCache;
  rateLimiter: RateLimiter;
  config: Readonly<Config>;
}

/** How long one deliverBatch call keeps sending pages before returning its cursor to the workflow. */
const BATCH_TIME_BUDGET_MS = 20_000;
/** Heartbeats go out at least this often, even while a rate-limited page takes its time. */
const HEARTBEAT_EVERY_MS = 5_000;
/** How often a delivery pass looks whether its incident was withdrawn (one indexed row). */
const WITHDRAWAL_CHECK_MS = 1_000;

/**
 * The workflow's steps. Each is thin (the logic is in core/use-cases/ and core/delivery/), takes
 * and returns ids and counts, and is safe to retry: writes are keyed by business ids and unique
 * constraints. A domain error that a retry cannot cure (core/errors.ts NON_RETRYABLE_ERROR_TYPES,
 * e.g. a missing incident) fails the activity at once instead of retrying for ever.
 */
export function createActivities(deps: ActivityDeps) {
  return finalOnDomainErrors(activitySteps(deps));
}

function activitySteps(deps: ActivityDeps) {
  const { pool, config } = deps;
  // The forecast of the last notice is checked from delivery batches at most once a minute per incident.
  const forecastChecks = new ForecastChecks();
  return {
    // Further mailings: supplements, reminders, updates (activities/mailings.ts, workflows/mailing.ts).
    ...mailingSteps(deps),

    /** Records the incident's phase for the API and console. */
    async setIncidentStatus(incidentId: string, status: IncidentStatus): Promise<void> {
      await recordIncidentStatus(deps, incidentId, status);
    },

    /**
     * Finds and records the affected customers in one set-based statement; returns the number of
     * people (records of one person are merged into one notice, see core/db/affected.ts).
     */
    async identifyAffectedCustomers(incidentId: string): Promise<number> {
      return identifyAffectedCustomers(deps, incidentId);
    },

    /**
     * How many affected people some notice reaches (email, letter or both: any channel but `none`;
     * not those handled by hand): a notice is drafted only when > 0.
     */
    async countNotifiable(incidentId: string): Promise<number> {
      return reach.countNotifiable(pool, incidentId);
    },

    /**
     * Plans each affected person's channel by the rules that apply to them (email, letter, both, or
     * none: substitute notice), in one set-based statement (core/use-cases/channels.ts). After
     * identification and assessment; retry-safe. Returns the counts per channel.
     */
    async planChannels(incidentId: string): Promise<ChannelCounts> {
      return planChannels(deps, incidentId);
    },

    /**
     * Settles the individuals' obligations from who is reached (core/use-cases/reach.ts): met only
     * when everyone counted is notified or covered by a carried-out substitute notice; a met one with
     * someone unreached is re-opened. Idempotent. Counts only.
     */
    async settleReach(incidentId: string): Promise<SettledReach> {
      return settleIncidentReach(deps, incidentId);
    },

    /** Derives and freezes the incident's legal obligations under the current rules. */
    async assessObligations(incidentId: string): Promise<number> {
      return assess(deps, incidentId);
    },

    async deadlineSchedule(incidentId: string): Promise<DeadlineEvent[]> {
      return schedule(deps, incidentId);
    },

    async handleDeadlineEvent(input: {
      incidentId: string;
      event: DeadlineEvent;
      noticeApproved: boolean;
    }): Promise<{ standardNotice: { id: string; version: number } | null }> {
      return handleEvent(deps, input);
    },

    async draftNotice(input: {
      incidentId: string;
      afterVersion: number;
      revision: { whatHappened: string; whatWeAreDoing: string; actorId: string } | null;
    }): Promise<{ id: string; version: number }> {
      return draftNotice(deps, input);
    },

    /**
     * Acts on a decision the API recorded (core/use-cases/notices.ts `applyDecision`): checks the row
     * and its decider, counts it towards the quorum, or refuses and audits a forged or stale one.
     */
    async applyApprovalDecision(input: {
      incidentId: string;
      noticeId: string;
      decisionId: string;
      claimed?: Record<string, unknown>;
    }): Promise<AppliedDecision> {
      return applyDecision(deps, input);
    },

    /** Only for replays of Updates accepted before patch `approval-by-decision-id` (workflows/README.md). */
    async recordApproval(input: {
      incidentId: string;
      noticeId: string;
      decision: ApprovalDecision;
      comment: string | null;
      actorId: string;
    }): Promise<void> {
      await recordApproval(pool, input);
    },

    /**
     * How many filings that must precede the individuals' notice (Maryland's Attorney General, New
     * Jersey's State Police) are still open and not overridden (core/use-cases/prior-filings.ts):
     * delivery waits while any is. A count only.
     */
    async openPriorFilings(incidentId: string): Promise<number> {
      return openPriorFilings(deps, incidentId);
    },

    /**
     * Tests the incident's individuals' obligations against their statutes' substitute-notice
     * conditions (core/use-cases/substitute-notice.ts): records the substitute notices due and drafts
     * the website and media texts for approval. Run after channel planning; idempotent. Counts only.
     */
    async assessSubstituteNotice(
      incidentId: string,
    ): Promise<{ open: number; carriedOut: number; drafted: number }> {
      return assessSubstituteNotice(deps, incidentId);
    },

    /**
     * Drafts a filing packet for every authority obligation (regulator, attorney general, credit
     * bureaus, media) still open and without one (core/use-cases/packets.ts). After the assessment;
     * idempotent. Counts only.
     */
    async draftFilingPackets(incidentId: string): Promise<{ drafted: number }> {
      return draftMissingPackets(deps, incidentId);
    },

    /**
     * Re-counts the deadlines that run from the individuals' notice (California's copy to the
     * Attorney General, Iowa's, …) from when each jurisdiction's notice actually went out
     * (core/use-cases/obligations.ts). After delivery; idempotent. A count of moved deadlines.
     */
    async reassessAfterNotice(incidentId: string): Promise<{ changed: number }> {
      return reassessAfterNotice(deps, incidentId);
    },

    /**
     * Applies an amendment (core/use-cases/amendments.ts): re-identifies the incident's people as a
     * diff and re-assesses, once per version. Counts only, and whether its workflow delivers.
     */
    async applyAmendment(input: { incidentId: string; version: number }): Promise<AppliedAmendment> {
      return applyAmendment(deps, input);
    },

    /** Drafts the notice for an amendment's newly affected, once (approved as usual). */
    async draftAmendmentNotice(input: { incidentId: string; version: number }): Promise<AmendmentNotice> {
      return draftAmendmentNotice(deps, input);
    },

    /** Where the notice for an amendment's newly affected stands. */
    async amendmentNoticeState(input: { incidentId: string; version: number }): Promise<AmendmentNotice> {
      return amendmentNoticeState(deps, input);
    },

    /** The reminders to the unacknowledged (FOLLOW_UP_REMINDERS, _DAYS), read here so a deploy that changes them keeps replays stable. */
    async followUpPlan(): Promise<{ reminders: number; reminderDays: number }> {
      return { reminders: config.policy.followUpReminders, reminderDays: config.policy.followUpReminderDays };
    },

    /**
     * Drafts the system's text of an amendment's supplement (core/use-cases/amendments.ts), once;
     * an officer may rewrite it before it is approved.
     */
    async draftAmendmentSupplement(input: { incidentId: string; version: number }): Promise<void> {
      await draftAmendmentSupplement(deps, input);
    },

    /** Read from config here, not in the workflow, so a deploy that changes it keeps replays stable. */
    async deliveryPlan(): Promise<{ shards: number; retryDelaysMs: number[] }> {
      return { shards: config.delivery.shards, retryDelaysMs: [...config.delivery.retryDelaysMs] };
    },

    /**
     * Sends one shard's notices for up to a time budget (core/delivery/shard-pass.ts `deliverShardPass`),
     * heartbeating the cursor up to which everyone is settled; a retry after a crash or timeout
     * resumes from the last heartbeat and takes over this attempt's claims. Once per call it also
     * checks the forecast of the last notice against the individuals' deadline.
     */
    async deliverBatch(page: DeliveryPage): Promise<{ next: number | null }> {
      const ctx = Context.current();
      // A withdrawn incident (a false alarm) sends nothing more: none from here, and the pass under
      // way stops within a second of the withdrawal (before its next message).
      if (await incidents.isWithdrawn(pool, page.incidentId)) return { next: null };
      const stop = new AbortController();
      const cancelled = () => stop.abort();
      ctx.cancellationSignal.addEventListener('abort', cancelled);
      const watchWithdrawal = setInterval(() => {
        incidents.isWithdrawn(pool, page.incidentId).then(
          (withdrawn) => withdrawn && stop.abort(),
          () => undefined, // a failed look is tried again a second later
        );
      }, WITHDRAWAL_CHECK_MS);
      const resumed = ctx.info.heartbeatDetails as number | undefined;
      let cursor = typeof resumed === 'number' && resumed > page.after ? resumed : page.after;
      const beat = () => ctx.heartbeat(cursor);
      beat();
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      try {
        // Before the shard's first notice: relays' quotas that cannot meet the deadline warn now
        // (once per incident in this process: every shard starts at once).
        if (page.after === 0 && !page.onlyRetrying && forecastChecks.due(page.incidentId)) {
          await warnIfForecastLate(deps, page.incidentId).catch((err: unknown) => {
            ctx.log.warn('forecast check failed', { error: String(err) });
          });
        }
        const result = await deliverShardPass(
          deps,
          { ...page, after: cursor },
          {
            budgetMs: BATCH_TIME_BUDGET_MS,
            signal: stop.signal,
            onProgress: (settled) => {
              cursor = settled;
              beat();
            },
          },
        );
        try {
          if (forecastChecks.due(page.incidentId)) await warnIfForecastLate(deps, page.incidentId);
        } catch (err) {
          // A warning that could not go out now is tried again by the next call; sending goes on.
          ctx.log.warn('forecast check failed', { error: String(err) });
        }
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('delivery cancelled');
        return { next: result.next };
      } finally {
        clearInterval(timer);
        clearInterval(watchWithdrawal);
        ctx.cancellationSignal.removeEventListener('abort', cancelled);
      }
    },

    /** Customers of a shard still waiting after a pass: the next retry pass is needed when > 0. */
    async countRetrying(input: { incidentId: string; shard: number; shards: number }): Promise<number> {
      return deliveries.countUnfinished(pool, input.incidentId, input);
    },

    /**
     * Gives up on deliveries still failing (a letter replaces an email given up on where an address
     * is known), settles the individuals' obligations from who is reached, returns the counts.
     */
    async finishDelivery(
      incidentId: string,
    ): Promise<{ sent: number; undeliverable: number; manual: number }> {
      return finishDelivery(deps, incidentId);
    },

    /**
     * Completes an incident a restore fenced once nobody waits for an email notice any more (its
     * own workflow ended in the part of the database the restore lost). Whether it did.
     */
    async completeRestoredDelivery(incidentId: string): Promise<boolean> {
      return completeRestoredDelivery(deps, incidentId);
    },

    /**
     * What finishDelivery does after a restore's settlement, without giving up what is still
     * retrying (a notice just released): emails given up on fall back to letters, reach settled.
     */
    async finishRestoredDelivery(
      incidentId: string,
    ): Promise<{ sent: number; undeliverable: number; manual: number }> {
      return finishRestoredDelivery(deps, incidentId);
    },

    /**
     * Opens the letter batch of the calling workflow (its id is the batch's key): claims a letter for
     * everyone still waiting for one. Null when nobody does. Ids and counts only.
     */
    async openLetterBatch(input: {
      incidentId: string;
      key: string;
    }): Promise<{ batchId: string; letters: number; files: number } | null> {
      return openLetterBatch(deps, input);
    },

    /**
     * The low-pool warning for remediation codes, before delivery starts (core/use-cases/
     * remediation-codes.ts `warnIfCodesShort`): a `codes_short` staff alert and an audit entry when
     * the free codes cannot cover everyone whose notice must offer identity-theft protection, once
     * per shortfall. Counts only. Call it when the notice is approved, before the delivery shards.
     */
    async checkRemediationCodes(input: {
      incidentId: string;
    }): Promise<{ warned: boolean; eligible: number; short: number }> {
      const { status, warned } = await warnIfCodesShort(deps, input.incidentId);
      return {
        warned,
        eligible: status.eligible.adults + status.eligible.minors,
        short: status.short.adults + status.short.minors,
      };
    },

    /**
     * Renders one file of a letter batch (core/letters/batch.ts `renderLetterFile`), heartbeating the
     * last customer id rendered. A retry renders the file again from the start to the same bytes, or
     * skips it when it is already recorded and on disk.
     */
    async renderLetterFile(input: { batchId: string; fileNo: number }): Promise<{ letters: number }> {
      const ctx = Context.current();
      let cursor = 0;
      const beat = () => ctx.heartbeat({ fileNo: input.fileNo, cursor });
      beat();
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      try {
        const file = await renderLetterFile({ ...deps, warn: (message) => ctx.log.warn(message) }, input, {
          signal: ctx.cancellationSignal,
          onProgress: (last) => {
            cursor = last;
            beat();
          },
        });
        return { letters: file.letters };
      } finally {
        clearInterval(timer);
      }
    },

    /** Writes a letter batch's manifest and checksums and marks it ready for the mail house. */
    async finishLetterBatch(batchId: string): Promise<{ batchId: string; letters: number }> {
      return finishLetterBatch(deps, batchId);
    },

    /**
     * Sends one filing's email to its authority exactly once (core/use-cases/filings.ts
     * `sendFilingEmail`): a retry never sends a message the relay may already hold; it marks it
     * failed and uncertain for a person instead. Returns the filing's status.
     */
    async sendFilingEmail(filingId: string): Promise<FilingEmailOutcome> {
      return sendFilingEmail(deps, filingId);
    },

    /** After the retries: the filing's email is given up as failed (idempotent). */
    async giveUpFilingEmail(input: { filingId: string; reason: string }): Promise<FilingEmailOutcome> {
      return giveUpFilingEmail(deps, input);
    },

    /**
     * Sends support's answer to a customer's question exactly once (core/use-cases/questions.ts
     * `sendQuestionAnswer`): a retry never sends a message the relay may already hold. Returns the
     * question's status.
     */
    async sendQuestionAnswer(questionId: string): Promise<AnswerEmailOutcome> {
      return sendQuestionAnswer(deps, questionId);
    },

    /** After the retries: the answer's email is given up as failed (idempotent). */
    async giveUpQuestionAnswer(input: { questionId: string; reason: string }): Promise<AnswerEmailOutcome> {
      return giveUpQuestionAnswer(deps, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Wraps each activity so that a non-retryable domain error reaches Temporal as a non-retryable
 * ApplicationFailure of the same type (the class name): the workflow sees it on the first attempt.
 * Declared here, by the activities, so the workflows' retry policies need not list core's errors.
 */
function finalOnDomainErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(steps: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, step] of Object.entries(steps)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await step(...args);
      } catch (err) {
        throw asActivityFailure(err);
      }
    };
  }
  return wrapped as T;
}

/** A domain error listed as non-retryable becomes a non-retryable failure; anything else is unchanged. */
export function asActivityFailure(err: unknown): unknown {
  if (err instanceof DomainError && (NON_RETRYABLE_ERROR_TYPES as readonly string[]).includes(err.name)) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: true,
      details: [{ code: err.code }],
      cause: err,
    });
  }
  return err;
}
