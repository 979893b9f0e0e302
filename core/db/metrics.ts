import { CLOSED_INCIDENT_STATUSES } from '../domain/retention';
import type { Queryable } from './pool';

/*
 * The figures the API's /metrics reports about the work waiting (core/metrics.ts): counts and ages
 * only, no personal data. Each is one set-based statement over open incidents, cheap at any size
 * (a scrape every 15-60 s from each Prometheus).
 */

/** Incidents no longer open (core/domain/retention.ts): nothing of theirs waits for anybody. */
const CLOSED: readonly string[] = CLOSED_INCIDENT_STATUSES;

/** Decisions waiting for compliance, and when the oldest began waiting (null: none waits). */
export interface ApprovalQueue {
  waiting: number;
  oldestSince: Date | null;
}

/**
 * What waits for a compliance decision: notices drafted and not yet approved or rejected, and
 * determinations proposed and not yet decided, of open incidents.
 */
export async function approvalQueue(db: Queryable): Promise<ApprovalQueue> {
  const { rows } = await db.query<{ waiting: string; oldest: Date | null }>(
    `WITH w AS (
       SELECT n.drafted_at AS since FROM notices n JOIN incidents i ON i.id = n.incident_id
        WHERE n.status = 'pending_approval' AND i.status <> ALL($1::text[])
       UNION ALL
       SELECT d.proposed_at FROM determinations d JOIN incidents i ON i.id = d.incident_id
        WHERE d.status = 'proposed' AND i.status <> ALL($1::text[])
     )
     SELECT count(*) AS waiting, min(since) AS oldest FROM w`,
    [CLOSED],
  );
  return { waiting: Number(rows[0]!.waiting), oldestSince: rows[0]!.oldest };
}

/** Open obligations whose deadline is near (`atRisk`) or has passed (`overdue`), not met. */
export interface ObligationRisk {
  atRisk: number;
  overdue: number;
}

/**
 * Current obligations of open incidents, pending and not held by a law-enforcement hold:
 * - overdue: marked overdue, or still pending past their working deadline;
 * - at risk: pending, the deadline not yet passed, but past `lastFraction` of the time between the
 *   incident's discovery and the deadline — the point of the last (escalating) reminder
 *   (REMINDER_FRACTIONS' last value).
 */
export async function obligationRisk(db: Queryable, lastFraction: number): Promise<ObligationRisk> {
  const { rows } = await db.query<{ at_risk: string; overdue: string }>(
    `SELECT
       count(*) FILTER (WHERE o.status = 'pending' AND o.due_at > now()
                          AND now() >= i.discovered_at + (o.due_at - i.discovered_at) * $2::float8) AS at_risk,
       count(*) FILTER (WHERE o.status = 'overdue' OR (o.status = 'pending' AND o.due_at <= now())) AS overdue
     FROM obligations o JOIN incidents i ON i.id = o.incident_id
     WHERE o.superseded_at IS NULL AND o.held_since IS NULL AND o.due_at IS NOT NULL
       AND i.status <> ALL($1::text[])`,
    [CLOSED, lastFraction],
  );
  return { atRisk: Number(rows[0]!.at_risk), overdue: Number(rows[0]!.overdue) };
}
