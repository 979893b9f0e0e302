import type { Config } from '../config';
import * as audit from '../db/audit';
import * as deliveries from '../db/deliveries';
import * as incidents from '../db/incidents';
import * as obligations from '../db/obligations';
import * as relays from '../db/relays';
import type { Obligation } from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as users from '../db/users';
import type { StaffAlert, StaffMailer } from '../mail/staff-mailer';
import { quotaForecast } from './quota-forecast';
import type { QuotaRelay } from './quota-forecast';
import { clearForecastSlack, setForecastSlack } from '../metrics';

/** How fast an incident's notices are going out, and when the last one is expected to. */
export interface DeliveryProgress {
  /** Notices recorded sent over the last minute (or since sending began, if later) per second. */
  ratePerSecond: number;
  /** Notices recorded sent in that window. */
  sentLastMinute: number;
  /** Affected customers still waiting for a notice (pending, including those retrying). */
  remaining: number;
  /**
   * When the last notice is expected to go out at the current rate: `measuredAt` when none remain,
   * null while nothing is being sent (not started, waiting for a retry pass, or stopped).
   */
  forecastAt: Date | null;
  /**
   * When the relays' quotas (SMTP_RELAYS' perSecond/perHour/perDay, SEND_RATE_PER_SECOND) let the
   * last notice go out at the earliest (core/delivery/quota-forecast.ts), known before sending
   * starts; null when no quota bounds it (or none was given).
   */
  quotaForecastAt: Date | null;
  /** The window the rate was measured over, in seconds: 60, or less when sending began later. */
  windowSeconds: number;
  /** The database clock at the measurement. */
  measuredAt: Date;
}

/** The quotas a forecast counts with: the relays' and the overall rate. */
export interface SendingQuotas {
  relays: readonly QuotaRelay[];
  /** SEND_RATE_PER_SECOND; 0: none. */
  ratePerSecond: number;
}

/** The quotas of the configuration: SMTP_RELAYS (none: SMTP_URL's relay, unlimited) and SEND_RATE_PER_SECOND. */
export function sendingQuotas(config: Readonly<Config>): SendingQuotas {
  return { relays: config.mail.relays, ratePerSecond: config.mail.ratePerSecond };
}

/**
 * The current sending rate and the forecast of the last notice, from deliveries' sent_at over the
 * last minute; with `quotas`, also the earliest the quotas allow (from the relays' counts over the
 * last day). A few index scans; cheap enough to call on every page view or progress poll.
 */
export async function deliveryProgress(
  db: Queryable,
  incidentId: string,
  quotas?: SendingQuotas,
): Promise<DeliveryProgress> {
  const r = await deliveries.sendingRate(db, incidentId);
  let quotaForecastAt: Date | null = null;
  if (quotas && r.remaining > 0 && (quotas.relays.length > 0 || quotas.ratePerSecond > 0)) {
    const usage = await relays.recentUsage(
      db,
      quotas.relays.map((q) => q.name),
    );
    quotaForecastAt = quotaForecast({
      at: usage.at,
      remaining: r.remaining,
      relays: quotas.relays,
      minutes: usage.minutes,
      ratePerSecond: quotas.ratePerSecond,
    });
  }
  const ratePerSecond = r.windowSeconds > 0 ? r.sent / r.windowSeconds : 0;
  const forecastAt =
    r.remaining === 0
      ? r.at
      : ratePerSecond > 0
        ? new Date(r.at.getTime() + (r.remaining / ratePerSecond) * 1000)
        : null;
  return {
    ratePerSecond,
    sentLastMinute: r.sent,
    remaining: r.remaining,
    forecastAt,
    quotaForecastAt,
    windowSeconds: r.windowSeconds,
    measuredAt: r.at,
  };
}

/**
 * How often a worker process checks one incident's forecast from its delivery batches. A check
 * counts everyone still waiting (a pass over the incident's records); after every batch of every
 * shard that was one such pass per shard every 20 s, which at a million notices took a third of
 * the database's CPU. The warning only needs to be timely to the minute.
 */
export const FORECAST_CHECK_EVERY_MS = 60_000;

/** Whether a forecast check of an incident is due in this process: the first always, then once per interval. */
export class ForecastChecks {
  private readonly last = new Map<string, number>();
  constructor(private readonly everyMs = FORECAST_CHECK_EVERY_MS) {}

  due(incidentId: string, now = Date.now()): boolean {
    const last = this.last.get(incidentId);
    if (last !== undefined && now - last < this.everyMs) return false;
    // Incidents whose delivery ended long ago are forgotten, so the map stays small.
    for (const [id, at] of this.last) if (now - at > 10 * this.everyMs) this.last.delete(id);
    this.last.set(incidentId, now);
    return true;
  }
}

/** A forecast from less sending than this is not trusted enough to raise an alarm. */
const MIN_FORECAST_WINDOW_SECONDS = 10;

/**
 * Warns once when the forecast of the last notice passes the earliest pending deadline for
 * notifying individuals: an audit entry `delivery_forecast_late` and a `forecast_late` alert to
 * compliance and the officer who opened the incident. The forecast is the later of the measured
 * rate's (once there are MIN_FORECAST_WINDOW_SECONDS of sending) and the quotas' (with `config`:
 * the relays' quotas and SEND_RATE_PER_SECOND, known before sending starts), so quotas that cannot
 * meet the deadline warn before the first notice goes. Idempotent per obligation and deadline (a
 * deadline moved by a hold can warn again); shards checking at once take turns (advisory lock).
 * Returns whether it warned now.
 */
export async function warnIfForecastLate(
  deps: { pool: Pool; staffMailer: StaffMailer; config?: Readonly<Config> },
  incidentId: string,
): Promise<boolean> {
  const { pool } = deps;
  const progress = await deliveryProgress(pool, incidentId, deps.config && sendingQuotas(deps.config));
  if (progress.remaining === 0) {
    clearForecastSlack(incidentId);
    return false;
  }
  const byRate = progress.windowSeconds >= MIN_FORECAST_WINDOW_SECONDS ? progress.forecastAt : null;
  const byQuotas = progress.quotaForecastAt;
  const forecastAt = byRate === null ? byQuotas : byQuotas === null || byRate >= byQuotas ? byRate : byQuotas;
  if (forecastAt === null) return false;
  const due = earliestIndividualsDeadline(await obligations.current(pool, incidentId));
  // The slack gauge (core/metrics.ts): how far ahead of the deadline the forecast is; negative: late.
  if (due) setForecastSlack(incidentId, (due.dueAt.getTime() - forecastAt.getTime()) / 1000);
  else clearForecastSlack(incidentId);
  if (!due || forecastAt.getTime() <= due.dueAt.getTime()) return false;
  const key = `delivery_forecast_late:${due.id}:${due.dueAt.getTime()}`;
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
      [key],
    );
    if (!rows[0]!.locked || (await audit.exists(tx, key))) return false;
    const incident = await incidents.get(tx, incidentId);
    if (!incident) return false;
    const compliance = await users.listByRole(tx, 'compliance');
    const officer = await users.findById(tx, incident.openedBy);
    const to = [...new Set([...compliance, ...(officer ? [officer] : [])].map((u) => u.email))];
    // forecastAt travels with the alert for the template's "expected to finish" line.
    const alert: StaffAlert = {
      kind: 'forecast_late',
      incident,
      obligation: due,
      waitsOnApproval: false,
      forecastAt,
      forecastBy: forecastAt === byQuotas ? 'quotas' : 'rate',
    };
    await deps.staffMailer.sendOnce(key, to, alert);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'delivery_forecast_late',
      detail: {
        obligationId: due.id,
        jurisdiction: due.jurisdiction,
        dueAt: due.dueAt,
        forecastAt,
        // What bounds it: the relays' quotas (before sending starts, or when they are slower than
        // the measured rate) or the measured rate.
        by: forecastAt === byQuotas ? 'quotas' : 'rate',
        quotaForecastAt: byQuotas,
        ratePerSecond: Math.round(progress.ratePerSecond * 10) / 10,
        remaining: progress.remaining,
        recipients: to.length,
      },
      dedupeKey: key,
    });
    return true;
  });
}

function earliestIndividualsDeadline(list: Obligation[]): (Obligation & { dueAt: Date }) | undefined {
  return list
    .filter(
      (o): o is Obligation & { dueAt: Date } =>
        o.audience === 'individuals' && o.status === 'pending' && o.dueAt !== null && o.heldSince === null,
    )
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
}
