import type { Pool, Queryable } from './pool';
import { inTransaction } from './pool';

/*
 * Relay quotas (migration 033, core/mail/relay-set.ts): what each relay was given, counted in
 * PostgreSQL so that every worker process shares one count and a restart forgets nothing. A worker
 * reserves a small block of messages before sending them; the block counts whether or not it is
 * used, and is only good until the end of the window it was counted in (the second when there is a
 * per-second quota, else the minute), so the relay never receives more than its quota in any second,
 * rolling hour or rolling day.
 */

/** A relay's quotas; an absent one is not limited. */
export interface RelayQuota {
  perSecond?: number;
  perHour?: number;
  perDay?: number;
}

/** A reservation's answer. */
export interface Reservation {
  /** Messages the caller may hand to the relay (0: none now). */
  granted: number;
  /**
   * Milliseconds from now for which the granted messages are good (to the end of the second or
   * minute they were counted in); with nothing granted, how long until the quota may have room again.
   */
  validMs: number;
}

/**
 * Reserves up to `want` messages of `relay`'s quotas at the database's clock. Several workers
 * reserving at once take turns on the relay's row (locked first), so none is granted what another
 * was given. Old minute rows (over a day) are deleted as it goes.
 */
export async function reserve(
  pool: Pool,
  relay: string,
  want: number,
  quota: RelayQuota,
): Promise<Reservation> {
  return inTransaction(pool, async (tx) => {
    // Locks the relay's row (created at its first reservation); the clock is read once the lock is held.
    const { rows } = await tx.query<{ second: Date; sent: number; t: Date }>(
      `INSERT INTO relay_quota_seconds AS s (relay, second, sent) VALUES ($1, date_trunc('second', clock_timestamp()), 0)
       ON CONFLICT (relay) DO UPDATE SET relay = excluded.relay
       RETURNING s.second, s.sent, clock_timestamp() AS t`,
      [relay],
    );
    const row = rows[0]!;
    const now = row.t.getTime();
    const thisSecond = new Date(now - (now % 1000));
    const secondMs = 1000 - (now % 1000);
    const minuteMs = 60_000 - (now % 60_000);
    const usedThisSecond = row.second.getTime() === thisSecond.getTime() ? row.sent : 0;
    const used = await usedAt(tx, relay, row.t);
    const room = Math.min(
      want,
      quota.perSecond === undefined ? Infinity : quota.perSecond - usedThisSecond,
      quota.perHour === undefined ? Infinity : quota.perHour - used.lastHour,
      quota.perDay === undefined ? Infinity : quota.perDay - used.lastDay,
    );
    const granted = Math.max(0, Math.floor(room));
    if (granted > 0) {
      await tx.query(
        `UPDATE relay_quota_seconds SET second = $2,
           sent = CASE WHEN second = $2 THEN sent ELSE 0 END + $3
         WHERE relay = $1`,
        [relay, thisSecond, granted],
      );
      await tx.query(
        `INSERT INTO relay_quota_minutes (relay, minute, sent) VALUES ($1, date_trunc('minute', $2::timestamptz), $3)
         ON CONFLICT (relay, minute) DO UPDATE SET sent = relay_quota_minutes.sent + excluded.sent`,
        [relay, row.t, granted],
      );
      await tx.query(
        `DELETE FROM relay_quota_minutes WHERE relay = $1 AND minute < $2::timestamptz - interval '1442 minutes'`,
        [relay, row.t],
      );
    }
    // Good to the end of the window it was counted in; with nothing granted, the per-second quota
    // frees at the next second, the hour's and day's at the next minute (when a minute leaves them).
    const secondFull = quota.perSecond !== undefined && usedThisSecond >= quota.perSecond;
    const validMs =
      granted > 0
        ? quota.perSecond !== undefined
          ? secondMs
          : minuteMs
        : secondFull &&
            used.lastHour < (quota.perHour ?? Infinity) &&
            used.lastDay < (quota.perDay ?? Infinity)
          ? secondMs
          : minuteMs;
    return { granted, validMs: Math.max(1, Math.round(validMs)) };
  });
}

/** What a relay was given in the rolling hour and day ending at `at` (minutes that end after its start). */
async function usedAt(
  db: Queryable,
  relay: string,
  at: Date,
): Promise<{ lastHour: number; lastDay: number }> {
  const { rows } = await db.query<{ lastHour: number; lastDay: number }>(
    `SELECT coalesce(sum(sent) FILTER (WHERE minute > $2::timestamptz - interval '61 minutes'), 0)::int AS "lastHour",
            coalesce(sum(sent), 0)::int AS "lastDay"
     FROM relay_quota_minutes WHERE relay = $1 AND minute > $2::timestamptz - interval '1441 minutes'`,
    [relay, at],
  );
  return rows[0]!;
}

/** One minute of a relay's count (what a forecast replays the rolling windows from). */
export interface RelayMinute {
  relay: string;
  minute: Date;
  sent: number;
}

/** The relays' counts per minute over the last day, and the database's clock. */
export async function recentUsage(
  db: Queryable,
  relays: readonly string[],
): Promise<{ at: Date; minutes: RelayMinute[] }> {
  const { rows } = await db.query<{ at: Date; minutes: RelayMinute[] | null }>(
    `SELECT now() AS at,
       (SELECT json_agg(json_build_object('relay', relay, 'minute', minute, 'sent', sent) ORDER BY minute)
        FROM relay_quota_minutes WHERE relay = ANY($1::text[]) AND minute > now() - interval '1441 minutes') AS minutes`,
    [relays],
  );
  const r = rows[0]!;
  return {
    at: r.at,
    minutes: (r.minutes ?? []).map((m) => ({ relay: m.relay, minute: new Date(m.minute), sent: m.sent })),
  };
}
