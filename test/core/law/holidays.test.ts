import { describe, expect, it } from 'vitest';
import {
  NoHolidayCalendarError,
  RULES,
  easterSunday,
  hasHolidayCalendar,
  isBusinessDay,
  publicHolidays,
} from '../../../core/law';

describe('publicHolidays', () => {
  it('lists the US federal holidays of 2026 with observed dates (4 July is a Saturday)', () => {
    expect(publicHolidays('US-SEC', 2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('moves a Saturday New Year’s Day back into the previous year, and Sunday holidays to Monday', () => {
    // 1 January 2022 was a Saturday: observed Friday 31 December 2021.
    expect(publicHolidays('US-SEC', 2021)).toContain('2021-12-31');
    const y2022 = publicHolidays('US-SEC', 2022);
    expect(y2022).not.toContain('2022-01-01');
    expect(y2022).toContain('2022-06-20'); // Juneteenth on a Sunday
    expect(y2022).toContain('2022-12-26'); // Christmas on a Sunday
    // 2027: 4 July a Sunday, Christmas a Saturday, and 1 January 2028 a Saturday.
    const y2027 = publicHolidays('US-SEC', 2027);
    expect(y2027).toEqual(expect.arrayContaining(['2027-07-05', '2027-12-24', '2027-12-31']));
  });

  it('computes Brazil’s national holidays, Good Friday from Easter, without moving weekends', () => {
    expect(publicHolidays('BR', 2026)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-21',
      '2026-05-01',
      '2026-09-07',
      '2026-10-12',
      '2026-11-02',
      '2026-11-15',
      '2026-11-20',
      '2026-12-25',
    ]);
  });

  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('finds Easter Sunday %i on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('keeps Vermont’s own holidays: Town Meeting Day and Bennington Battle Day (observed)', () => {
    const vt = publicHolidays('US-VT', 2026);
    expect(vt).toContain('2026-03-03');
    expect(vt).toContain('2026-08-17'); // 16 August 2026 is a Sunday
    expect(vt).not.toContain('2026-06-19');
  });

  it('keeps Iowa’s: the Friday after Thanksgiving, but not Washington’s Birthday', () => {
    const ia = publicHolidays('US-IA', 2026);
    expect(ia).toContain('2026-11-27');
    expect(ia).not.toContain('2026-02-16');
  });

  it('throws a named error where no calendar is kept', () => {
    expect(() => publicHolidays('DE', 2026)).toThrow(NoHolidayCalendarError);
  });
});

describe('isBusinessDay', () => {
  it.each([
    ['2026-11-26', 'US-SEC', false], // Thanksgiving
    ['2026-11-27', 'US-SEC', true], // not a federal holiday
    ['2026-11-27', 'US-IA', false], // but an Iowa one
    ['2026-03-07', 'US-SEC', false], // Saturday
    ['2026-03-08', 'BR', false], // Sunday
    ['2026-04-21', 'BR', false], // Tiradentes
    ['2026-02-17', 'BR', true], // Carnival Tuesday is only "ponto facultativo"
    ['2026-03-03', 'US-VT', false], // Town Meeting Day
    ['2026-03-03', 'US-SEC', true],
  ])('%s in %s → %s', (date, jurisdiction, expected) => {
    expect(isBusinessDay(date, jurisdiction)).toBe(expected);
  });

  it('has a calendar for every jurisdiction whose rules count business days', () => {
    const counting = RULES.filter((r) => r.deadline.kind === 'business_days').map((r) => r.jurisdiction);
    expect(counting.length).toBeGreaterThan(0);
    for (const j of counting) expect(hasHolidayCalendar(j), j).toBe(true);
  });
});
