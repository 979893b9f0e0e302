/*
 * When the relays' quotas let the last notice go out (issue 18 item 3). Pure: the relays' quotas,
 * what each was given minute by minute over the last day (core/db/relays.ts `recentUsage`), and how
 * many notices remain. The relays are replayed minute by minute from now, each sending as much as
 * its per-second quota (×60), its rolling hour and its rolling day still allow — the windows counted
 * exactly as the reservations count them — until nobody is left. A relay set spends every relay's
 * room (weights only share what there is), so the sum of the rooms is the capacity.
 *
 * This is a lower bound on the time the quotas allow: it assumes the workers can fill every relay's
 * room (the measured rate, core/delivery/forecast.ts, says whether they do) and that no relay is out.
 */

/** A relay's quotas; an absent one is not limited. */
export interface QuotaRelay {
  name: string;
  perSecond?: number;
  perHour?: number;
  perDay?: number;
}

export interface QuotaForecastInput {
  /** Now (the database's clock, as the minutes were read). */
  at: Date;
  /** Notices still to send. */
  remaining: number;
  relays: readonly QuotaRelay[];
  /** What each relay was given per minute over the last day (minute start, count). */
  minutes: readonly { relay: string; minute: Date; sent: number }[];
  /** SEND_RATE_PER_SECOND: a cap on all relays together; 0: none. @default 0 */
  ratePerSecond?: number;
  /** How far to look. @default 60 days */
  horizonMinutes?: number;
}

const MINUTE = 60_000;
const HOUR_MINUTES = 60;
const DAY_MINUTES = 1440;

/**
 * When the quotas let the last of `remaining` notices go out, or null when they do not bound it (a
 * relay without quotas and no SEND_RATE_PER_SECOND). Past the horizon: the horizon's end.
 */
export function quotaForecast(input: QuotaForecastInput): Date | null {
  const { at, remaining, relays } = input;
  const globalPerMinute = (input.ratePerSecond ?? 0) > 0 ? input.ratePerSecond! * 60 : Infinity;
  const unbounded = relays.length === 0 || relays.some((r) => !r.perSecond && !r.perHour && !r.perDay);
  if (unbounded && globalPerMinute === Infinity) return null;
  if (remaining <= 0) return at;

  const horizon = input.horizonMinutes ?? 60 * DAY_MINUTES;
  const m0 = Math.floor(at.getTime() / MINUTE);
  // Buckets from a day before now to the horizon, by minute; index = minute - m0 + DAY_MINUTES.
  const size = DAY_MINUTES + horizon + 1;
  const state = (unbounded ? [] : relays).map((relay) => {
    const buckets = new Float64Array(size);
    for (const m of input.minutes) {
      if (m.relay !== relay.name) continue;
      const k = Math.floor(m.minute.getTime() / MINUTE) - m0 + DAY_MINUTES;
      if (k >= 0 && k < DAY_MINUTES + 1) buckets[k]! += m.sent;
    }
    // The windows at minute 0 (now): the reservations count minutes that end inside them, i.e.
    // minute starts in (t - 61 min, t]; for the whole minute t that is t-60 … t (t itself is added as it fills).
    let hour = 0;
    let day = 0;
    for (let k = DAY_MINUTES - HOUR_MINUTES; k < DAY_MINUTES; k++) hour += buckets[k]!;
    for (let k = 0; k < DAY_MINUTES; k++) day += buckets[k]!;
    // (The bucket of the current minute, already partly used, is counted below as it is filled.)
    return { relay, buckets, hour, day };
  });

  let left = remaining;
  for (let t = 0; t < horizon; t++) {
    const k = t + DAY_MINUTES;
    const rooms = state.map((s) => {
      const used = s.buckets[k]!; // what this minute already holds (now's minute, from the database)
      return Math.max(
        0,
        Math.min(
          s.relay.perSecond ? s.relay.perSecond * 60 - used : Infinity,
          s.relay.perHour ? s.relay.perHour - s.hour - used : Infinity,
          s.relay.perDay ? s.relay.perDay - s.day - used : Infinity,
        ),
      );
    });
    const capacity = Math.min(globalPerMinute, unbounded ? Infinity : rooms.reduce((a, b) => a + b, 0));
    if (capacity >= left) {
      const fraction = capacity > 0 ? left / capacity : 1;
      return new Date(Math.max(at.getTime(), (m0 + t + fraction) * MINUTE));
    }
    left -= capacity;
    // Fill each relay's room in proportion (they are filled together), then move the windows on.
    const total = rooms.reduce((a, b) => a + b, 0);
    state.forEach((s, i) => {
      const sent = total > 0 ? (rooms[i]! * capacity) / total : 0;
      s.buckets[k]! += sent;
      s.hour += s.buckets[k]! - s.buckets[k - HOUR_MINUTES]!;
      s.day += s.buckets[k]! - s.buckets[k - DAY_MINUTES]!;
    });
  }
  return new Date((m0 + horizon) * MINUTE);
}
