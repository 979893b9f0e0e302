import { CancelledFailure, Context } from '@temporalio/activity';
import type { Config } from '../core/config';
import * as mailings from '../core/db/mailings';
import type { MailingCounts } from '../core/db/mailings';
import type { Pool } from '../core/db/pool';
import type { MailingPage } from '../core/delivery';
import { deliverMailingShardPass } from '../core/delivery';
import type { MailingCriterion, MailingKind } from '../core/domain/mailings';
import type { MailSender } from '../core/mail/smtp-pool';
import type { TemplateCache } from '../core/mail/template-cache';
import type { FollowUpState } from '../core/use-cases/mailings';
import { createMailing, draftFollowUp, finishMailing, followUpState } from '../core/use-cases/mailings';

/** How long one sendMailingBatch call keeps sending pages before returning its cursor to the workflow. */
const BATCH_TIME_BUDGET_MS = 20_000;
/** Heartbeats go out at least this often, even while a rate-limited page takes its time. */
const HEARTBEAT_EVERY_MS = 5_000;

/**
 * The steps of a further mailing (workflows/mailing.ts), spread into `createActivities`
 * (activities/index.ts), so they are registered wherever the others are and share their handling of
 * domain errors. Ids, keys and counts in and out; the logic is core/use-cases/mailings.ts and
 * core/delivery/mailing-pass.ts. Every step is safe to retry.
 */
export function mailingSteps(deps: {
  pool: Pool;
  smtp: MailSender;
  templates: TemplateCache;
  config: Readonly<Config>;
}) {
  const { pool } = deps;
  return {
    /**
     * Makes sure a follow-up text exists for (kind, key): drafts the reminder's standard wording by
     * the system when none does (a supplement or update is written by an officer through the API
     * first; without one this refuses, non-retryable). Returns where the newest version stands.
     */
    async ensureFollowUpNotice(input: {
      incidentId: string;
      kind: MailingKind;
      key: string;
    }): Promise<FollowUpState> {
      const state = await followUpState(deps, input);
      if (state.state !== 'none') return state;
      await draftFollowUp(deps, null, input);
      return followUpState(deps, input);
    },

    /** Where the newest follow-up text for (kind, key) stands: approved, pending, rejected or none. */
    async followUpNoticeState(input: {
      incidentId: string;
      kind: MailingKind;
      key: string;
    }): Promise<FollowUpState> {
      return followUpState(deps, input);
    },

    /**
     * Creates the mailing of the approved text and selects its recipients by `criterion` (for
     * `listed`, from the list `listKey`); a retry returns the same mailing and count. Null when the
     * incident was withdrawn first (no mailing made).
     */
    async createMailing(input: {
      incidentId: string;
      kind: MailingKind;
      key: string;
      criterion: MailingCriterion;
      listKey?: string | null;
    }): Promise<{ mailingId: string | null; recipients: number }> {
      return createMailing(deps, input);
    },

    /**
     * Sends one shard of a mailing for up to a time budget (core/delivery/mailing-pass.ts),
     * heartbeating the settled cursor; a retry resumes from the last heartbeat and takes over this
     * attempt's claims. Nobody is sent the mailing twice.
     */
    async sendMailingBatch(page: MailingPage): Promise<{ next: number | null; sent: number }> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as number | undefined;
      let cursor = typeof resumed === 'number' && resumed > page.after ? resumed : page.after;
      const beat = () => ctx.heartbeat(cursor);
      beat();
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      try {
        const result = await deliverMailingShardPass(
          deps,
          { ...page, after: cursor },
          {
            budgetMs: BATCH_TIME_BUDGET_MS,
            signal: ctx.cancellationSignal,
            onProgress: (settled) => {
              cursor = settled;
              beat();
            },
          },
        );
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('mailing cancelled');
        return { next: result.next, sent: result.sent };
      } finally {
        clearInterval(timer);
      }
    },

    /** A shard's rows still to send after a pass: the next retry pass is needed when > 0. */
    async countMailingOpen(input: { mailingId: string; shard: number; shards: number }): Promise<number> {
      return mailings.countOpen(pool, input.mailingId, input);
    },

    /** Gives up on rows still failing, records and audits the counts (idempotent). Counts only. */
    async finishMailing(mailingId: string): Promise<MailingCounts> {
      return finishMailing(deps, mailingId);
    },
  };
}
