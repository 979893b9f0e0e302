import { DateTime } from 'luxon';
import { isBusinessDay } from './holidays';
import type { Deadline, DeadlineAnchor } from './types';
import { InvalidTimeZoneError } from '../errors';
// Defined with every other domain error in core/errors.ts; re-exported for this module's callers.
export { InvalidTimeZoneError };

/**
 * Pure deadline arithmetic. Instants are UTC `Date`s; days are counted in the jurisdiction's own
 * zone so that a deadline lands at the same local wall-clock time as its anchor, whatever daylight
 * saving does in between. Conventions are in core/law/README.md.
 */

function local(instant: Date, timeZone: string): DateTime {
  const dt = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!dt.isValid) throw new InvalidTimeZoneError(timeZone);
  return dt;
}

/**
 * N days later at the same local wall-clock time. A time that does not exist on the target day (the
 * spring-forward gap) moves forward by the gap; an ambiguous one (fall-back) takes the earlier
 * instant. Both are luxon's behaviour, relied on here deliberately.
 */
export function addCalendarDays(anchor: Date, days: number, timeZone: string): Date {
  return local(anchor, timeZone).plus({ days }).toJSDate();
}

/**
 * The Nth business day after the anchor's local date, at the anchor's local wall-clock time. The
 * anchor's own day never counts, so an anchor on a Saturday counts from Monday as day one.
 */
export function addBusinessDays(anchor: Date, days: number, timeZone: string, jurisdiction: string): Date {
  const start = local(anchor, timeZone);
  let counted = 0;
  let offset = 0;
  while (counted < days) {
    offset++;
    if (isBusinessDay(start.plus({ days: offset }).toISODate() ?? '', jurisdiction)) counted++;
  }
  return start.plus({ days: offset }).toJSDate();
}

/**
 * N calendar months later at the same local wall-clock time; a day the target month lacks becomes
 * its last day (31 January + 1 month = 28 or 29 February), so "one month" is never overshot.
 */
export function addCalendarMonths(anchor: Date, months: number, timeZone: string): Date {
  return local(anchor, timeZone).plus({ months }).toJSDate();
}

/**
 * No later than a 'HH:mm' wall-clock time on the same local date (EDGAR's 17:30 cut-off): a due time
 * after the cut-off moves back to it; an earlier one stays, so the working deadline is never later.
 */
function notAfterLocalTime(instant: Date, time: string, timeZone: string): Date {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const cutoff = local(instant, timeZone).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
  return cutoff.getTime() < instant.getTime() ? cutoff : instant;
}

/**
 * The instant a deadline falls due, counted from `anchor` (the instant of the deadline's `from`
 * event). Null when the law sets no number. For 'with_individual_notice' the anchor is the notice to
 * individuals itself; for 'after_year_end' it is the discovery.
 */
export function computeDueAt(
  deadline: Deadline,
  anchor: Date,
  timeZone: string,
  jurisdiction: string,
): Date | null {
  switch (deadline.kind) {
    case 'hours':
      return new Date(anchor.getTime() + deadline.hours * 3_600_000);
    case 'calendar_days':
      return addCalendarDays(anchor, deadline.days, timeZone);
    case 'business_days': {
      const due = addBusinessDays(anchor, deadline.days, timeZone, jurisdiction);
      return deadline.cutoffLocalTime === undefined
        ? due
        : notAfterLocalTime(due, deadline.cutoffLocalTime, timeZone);
    }
    case 'calendar_months':
      return addCalendarMonths(anchor, deadline.months, timeZone);
    case 'without_unreasonable_delay':
      return deadline.outerLimitDays === undefined
        ? null
        : addCalendarDays(anchor, deadline.outerLimitDays, timeZone);
    case 'with_individual_notice':
      return anchor;
    case 'after_year_end': {
      // "Within 60 days of the end of the calendar year": from local midnight opening 1 January.
      const newYear = DateTime.fromObject(
        { year: local(anchor, timeZone).year + 1, month: 1, day: 1 },
        { zone: timeZone },
      );
      return newYear.plus({ days: deadline.days }).toJSDate();
    }
  }
}

/** The anchor a deadline counts from; 'with_individual_notice' counts from the individuals' notice. */
export function deadlineAnchor(deadline: Deadline): DeadlineAnchor {
  switch (deadline.kind) {
    case 'with_individual_notice':
      return 'individual_notice';
    case 'after_year_end':
      return 'discovery';
    default:
      return deadline.from;
  }
}

const ANCHOR_TEXT: Readonly<Record<DeadlineAnchor, string>> = {
  discovery: 'discovery',
  materiality_determination: 'the materiality determination',
  individual_notice: 'notice to individuals',
  notifiable_assessment: 'assessing the breach notifiable',
  extortion_payment: 'the extortion payment',
  determination: 'the determination',
};

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The deadline in words, for people: '72 hours after discovery'. */
export function describeDeadline(deadline: Deadline, notLaterThanIndividualNotice = false): string {
  const text = ((): string => {
    switch (deadline.kind) {
      case 'hours':
        return `${plural(deadline.hours, 'hour')} after ${ANCHOR_TEXT[deadline.from]}`;
      case 'calendar_days':
        return `${plural(deadline.days, 'calendar day')} after ${ANCHOR_TEXT[deadline.from]}`;
      case 'business_days':
        // A cut-off only ever moves the time earlier that day; the rule's note explains it.
        return `${plural(deadline.days, 'business day')} after ${ANCHOR_TEXT[deadline.from]}`;
      case 'calendar_months':
        return `${plural(deadline.months, 'calendar month')} after ${ANCHOR_TEXT[deadline.from]}`;
      case 'without_unreasonable_delay': {
        const phrase = deadline.wording ?? 'without unreasonable delay';
        return deadline.outerLimitDays === undefined
          ? phrase
          : `${phrase}, no later than ${plural(deadline.outerLimitDays, 'day')} after ${ANCHOR_TEXT[deadline.from]}`;
      }
      case 'with_individual_notice':
        return deadline.wording ?? 'no later than the notice to individuals';
      case 'after_year_end':
        return `within ${plural(deadline.days, 'day')} after the end of the calendar year of discovery`;
    }
  })();
  return notLaterThanIndividualNotice ? `${text}, or when individuals are notified if sooner` : text;
}
