import { NoHolidayCalendarError } from '../errors';

// Defined with every other domain error in core/errors.ts; re-exported for this module's callers.
export { NoHolidayCalendarError };

/**
 * Public holidays, computed by rule rather than listed, for every jurisdiction whose rules count
 * business days. A holiday calendar is a `(year) => local ISO dates` function; business-day counting
 * skips Saturdays, Sundays and those dates.
 *
 * Where a calendar is uncertain we leave a day out rather than add one: a missing holiday makes a
 * deadline earlier, never later.
 */

type Calendar = (year: number) => string[];

function iso(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Day of week of a calendar date, 0 = Sunday. UTC arithmetic on a date has no zone to go wrong. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The nth (1-based) given weekday of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, dow: number, n: number): string {
  if (n === -1) {
    let day = daysInMonth(year, month);
    while (weekday(year, month, day) !== dow) day--;
    return iso(year, month, day);
  }
  let day = 1;
  while (weekday(year, month, day) !== dow) day++;
  return iso(year, month, day + 7 * (n - 1));
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** US practice (5 U.S.C. 6103 and Executive Order 11582): Saturday → Friday before, Sunday → Monday after. */
function observedUs(year: number, month: number, day: number): string {
  const dow = weekday(year, month, day);
  if (dow === 6) return addDays(iso(year, month, day), -1);
  if (dow === 0) return addDays(iso(year, month, day), 1);
  return iso(year, month, day);
}

/**
 * Builds a US-style calendar from fixed dates (shifted when they fall on a weekend) and floating
 * dates. Next year's New Year's Day can be observed on 31 December of this year, and this year's can
 * fall back into last year, so both edges are handled.
 */
function usStyleCalendar(
  fixed: ReadonlyArray<[number, number]>,
  floating: (year: number) => string[],
): Calendar {
  return (year) => {
    const dates = new Set<string>(floating(year));
    for (const [month, day] of fixed) dates.add(observedUs(year, month, day));
    dates.add(observedUs(year + 1, 1, 1));
    return [...dates].filter((d) => d.startsWith(`${year}-`)).sort();
  };
}

/** US federal holidays, 5 U.S.C. 6103(a): the SEC's business days (17 CFR 240.0-3) skip these. */
const usFederal: Calendar = usStyleCalendar(
  [
    [1, 1], // New Year's Day
    [6, 19], // Juneteenth National Independence Day
    [7, 4], // Independence Day
    [11, 11], // Veterans Day
    [12, 25], // Christmas Day
  ],
  (year) => [
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
  ],
);

/**
 * The holidays both the federal calendar and California's (Gov. Code §§ 6700, 19853) keep, for
 * Health & Safety Code § 1280.15's business days: California's own extra days (César Chávez Day, the
 * day after Thanksgiving, Native American Day) and the federal days California does not close for
 * (Columbus Day, Juneteenth) are left out, so the deadline can only come earlier.
 */
const usCaliforniaCommon: Calendar = usStyleCalendar(
  [
    [1, 1],
    [7, 4],
    [11, 11],
    [12, 25],
  ],
  (year) => [
    nthWeekday(year, 1, 1, 3),
    nthWeekday(year, 2, 1, 3),
    nthWeekday(year, 5, 1, -1),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 11, 4, 4),
  ],
);

/**
 * Vermont, 1 V.S.A. § 371(a); § 371(b) observes a Saturday holiday on the Friday before and a Sunday
 * one on the Monday after, as here. No day after Thanksgiving. Juneteenth is left out: we are unsure it is a paid state holiday, and
 * leaving it out can only make a deadline earlier.
 */
const usVermont: Calendar = usStyleCalendar(
  [
    [1, 1],
    [7, 4],
    [8, 16], // Bennington Battle Day
    [11, 11],
    [12, 25],
  ],
  (year) => [
    nthWeekday(year, 1, 1, 3),
    nthWeekday(year, 2, 1, 3),
    nthWeekday(year, 3, 2, 1), // Town Meeting Day: first Tuesday in March
    nthWeekday(year, 5, 1, -1),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 10, 1, 2), // Indigenous Peoples' Day
    nthWeekday(year, 11, 4, 4),
  ],
);

/**
 * Iowa state paid holidays, Iowa Code § 1C.2(1) (no Washington's Birthday, Columbus Day or
 * Juneteenth), with the Friday after Thanksgiving; § 1C.2(3) grants the Friday before a Saturday
 * holiday and the Monday after a Sunday one, as here.
 */
const usIowa: Calendar = usStyleCalendar(
  [
    [1, 1],
    [7, 4],
    [11, 11],
    [12, 25],
  ],
  (year) => {
    const thanksgiving = nthWeekday(year, 11, 4, 4);
    return [
      nthWeekday(year, 1, 1, 3),
      nthWeekday(year, 5, 1, -1),
      nthWeekday(year, 9, 1, 1),
      thanksgiving,
      addDays(thanksgiving, 1), // the Friday after Thanksgiving
    ];
  },
);

/** Gregorian Easter Sunday (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/**
 * Brazil's national holidays (Lei 662/1949, Lei 6.802/1980, Lei 14.759/2023) and Good Friday. Brazil
 * does not move holidays off weekends. Carnival and Corpus Christi are only "ponto facultativo" for
 * the federal administration, so they are counted as business days: the earlier deadline.
 */
const brazil: Calendar = (year) =>
  [
    iso(year, 1, 1), // Confraternização Universal
    addDays(easterSunday(year), -2), // Sexta-feira Santa
    iso(year, 4, 21), // Tiradentes
    iso(year, 5, 1), // Dia do Trabalho
    iso(year, 9, 7), // Independência
    iso(year, 10, 12), // Nossa Senhora Aparecida
    iso(year, 11, 2), // Finados
    iso(year, 11, 15), // Proclamação da República
    ...(year >= 2024 ? [iso(year, 11, 20)] : []), // Dia Nacional de Zumbi e da Consciência Negra
    iso(year, 12, 25), // Natal
  ].sort();

const CALENDARS: Readonly<Record<string, Calendar>> = {
  US: usFederal,
  'US-SEC': usFederal,
  'US-HIPAA': usFederal,
  'US-NYDFS': usFederal,
  'US-VT': usVermont,
  'US-IA': usIowa,
  'US-CA-CDPH': usCaliforniaCommon,
  BR: brazil,
};

function calendarFor(jurisdiction: string): Calendar | undefined {
  const own = CALENDARS[jurisdiction];
  if (own) return own;
  // A US state without its own calendar here: the federal holidays are the common core of state ones.
  if (jurisdiction.startsWith('US-')) return usFederal;
  return undefined;
}

export function hasHolidayCalendar(jurisdiction: string): boolean {
  return calendarFor(jurisdiction) !== undefined;
}

/**
 * Public holidays of a jurisdiction in a year, as local 'YYYY-MM-DD' dates (observed dates where the
 * jurisdiction moves them off weekends).
 * @throws NoHolidayCalendarError when no calendar is kept for the jurisdiction.
 */
export function publicHolidays(jurisdiction: string, year: number): string[] {
  const calendar = calendarFor(jurisdiction);
  if (!calendar) throw new NoHolidayCalendarError(jurisdiction);
  return calendar(year);
}

/**
 * Whether a local date is a business day: not a Saturday or Sunday, not a public holiday.
 * @param date a local calendar date, 'YYYY-MM-DD'
 * @throws NoHolidayCalendarError when no calendar is kept for the jurisdiction.
 */
export function isBusinessDay(date: string, jurisdiction: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const dow = weekday(year, month, day);
  if (dow === 0 || dow === 6) return false;
  return !holidaySet(jurisdiction, year).has(date);
}

// Business-day counting asks about the same few years again and again; calendars are pure, so cache.
const holidaySets = new Map<string, ReadonlySet<string>>();
function holidaySet(jurisdiction: string, year: number): ReadonlySet<string> {
  const key = `${jurisdiction}:${year}`;
  let set = holidaySets.get(key);
  if (!set) {
    set = new Set(publicHolidays(jurisdiction, year));
    holidaySets.set(key, set);
  }
  return set;
}
