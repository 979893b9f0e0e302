import { describe, expect, it } from 'vitest';
import { InvalidTimeZoneError, computeDueAt, describeDeadline } from '../../../core/law';
import type { Deadline } from '../../../core/law';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

describe('computeDueAt', () => {
  describe('business days', () => {
    const sec: Deadline = { kind: 'business_days', days: 4, from: 'materiality_determination' };
    const lgpd: Deadline = { kind: 'business_days', days: 3, from: 'discovery' };

    it.each([
      // [case, anchor, expected]
      [
        'SEC: Monday before Thanksgiving, skips the weekend and Thanksgiving',
        '2026-11-23T15:00:00.000Z',
        '2026-11-30T15:00:00.000Z',
      ],
      [
        'SEC: Thursday before Thanksgiving, skips the weekend',
        '2026-11-19T20:00:00.000Z',
        '2026-11-25T20:00:00.000Z',
      ],
      ['SEC: Wednesday before Thanksgiving', '2026-11-25T14:00:00.000Z', '2026-12-02T14:00:00.000Z'],
      [
        'SEC: before 4 July 2026, observed Friday 3 July',
        '2026-06-30T14:00:00.000Z',
        '2026-07-07T14:00:00.000Z',
      ],
      [
        'SEC: a Saturday determination counts from Monday, across the DST change',
        '2026-03-07T15:00:00.000Z',
        '2026-03-12T14:00:00.000Z',
      ],
    ])('%s', (_case, anchor, expected) => {
      expect(iso(computeDueAt(sec, new Date(anchor), 'America/New_York', 'US-SEC'))).toBe(expected);
    });

    it.each([
      [
        'LGPD: Friday before Tiradentes (Tuesday 21 April)',
        '2026-04-17T14:30:00.000Z',
        '2026-04-23T14:30:00.000Z',
      ],
      ['LGPD: Wednesday before Good Friday', '2026-04-01T12:00:00.000Z', '2026-04-07T12:00:00.000Z'],
      ['LGPD: an ordinary Thursday', '2026-03-05T14:30:00.000Z', '2026-03-10T14:30:00.000Z'],
    ])('%s', (_case, anchor, expected) => {
      expect(iso(computeDueAt(lgpd, new Date(anchor), 'America/Sao_Paulo', 'BR'))).toBe(expected);
    });

    it('Vermont: 14 business days skip Town Meeting Day and keep 10:00 local across DST', () => {
      const vt: Deadline = { kind: 'business_days', days: 14, from: 'discovery' };
      // Friday 27 February 2026 10:00 EST → Friday 20 March 10:00 EDT.
      expect(iso(computeDueAt(vt, new Date('2026-02-27T15:00:00.000Z'), 'America/New_York', 'US-VT'))).toBe(
        '2026-03-20T14:00:00.000Z',
      );
    });
  });

  describe('daylight saving', () => {
    it('US, 8 March 2026: hours are exact, calendar days keep the wall-clock time', () => {
      const discovery = new Date('2026-03-07T15:00:00.000Z'); // Saturday 10:00 EST
      expect(
        iso(
          computeDueAt(
            { kind: 'hours', hours: 72, from: 'discovery' },
            discovery,
            'America/New_York',
            'US-NY',
          ),
        ),
      ).toBe('2026-03-10T15:00:00.000Z');
      expect(
        iso(
          computeDueAt(
            { kind: 'calendar_days', days: 3, from: 'discovery' },
            discovery,
            'America/New_York',
            'US-NY',
          ),
        ),
      ).toBe(
        '2026-03-10T14:00:00.000Z', // 10:00 EDT
      );
    });

    it('EU, 29 March 2026: hours are exact, calendar days keep the wall-clock time', () => {
      const discovery = new Date('2026-03-28T10:00:00.000Z'); // Saturday 11:00 CET
      expect(
        iso(computeDueAt({ kind: 'hours', hours: 72, from: 'discovery' }, discovery, 'Europe/Berlin', 'DE')),
      ).toBe('2026-03-31T10:00:00.000Z');
      expect(
        iso(
          computeDueAt(
            { kind: 'calendar_days', days: 3, from: 'discovery' },
            discovery,
            'Europe/Berlin',
            'DE',
          ),
        ),
      ).toBe(
        '2026-03-31T09:00:00.000Z', // 11:00 CEST
      );
    });

    it('a wall-clock time that does not exist on the due day moves forward by the gap', () => {
      // Saturday 7 March 02:30 EST + 1 day: 02:30 on 8 March does not exist → 03:30 EDT.
      const anchor = new Date('2026-03-07T07:30:00.000Z');
      expect(
        iso(
          computeDueAt(
            { kind: 'calendar_days', days: 1, from: 'discovery' },
            anchor,
            'America/New_York',
            'US-NY',
          ),
        ),
      ).toBe('2026-03-08T07:30:00.000Z');
    });

    it('US, 1 November 2026 (fall back): 30 calendar days from October keep 09:00 local', () => {
      const anchor = new Date('2026-10-15T13:00:00.000Z'); // 09:00 EDT
      expect(
        iso(
          computeDueAt(
            { kind: 'calendar_days', days: 30, from: 'discovery' },
            anchor,
            'America/New_York',
            'US-NY',
          ),
        ),
      ).toBe(
        '2026-11-14T14:00:00.000Z', // 09:00 EST
      );
    });
  });

  it('without unreasonable delay: null, or the outer limit in calendar days', () => {
    const anchor = new Date('2026-03-05T14:30:00.000Z');
    expect(
      computeDueAt(
        { kind: 'without_unreasonable_delay', from: 'discovery' },
        anchor,
        'America/Chicago',
        'US-IL',
      ),
    ).toBeNull();
    expect(
      iso(
        computeDueAt(
          { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
          anchor,
          'America/New_York',
          'US-CT',
        ),
      ),
    ).toBe('2026-05-04T13:30:00.000Z');
  });

  it('with the individual notice: the notice itself', () => {
    const notice = new Date('2026-03-07T18:00:00.000Z');
    expect(computeDueAt({ kind: 'with_individual_notice' }, notice, 'America/New_York', 'US-CT')).toEqual(
      notice,
    );
  });

  it.each([
    ['2026-03-05T14:30:00.000Z', '2027-03-02T05:00:00.000Z'], // 1 Jan 2027 + 60 days: end of 1 March
    ['2027-06-01T12:00:00.000Z', '2028-03-01T05:00:00.000Z'], // 2028 is a leap year: end of 29 February
    ['2026-12-31T23:30:00.000Z', '2027-03-02T05:00:00.000Z'], // 18:30 on 31 December in New York is still 2026
  ])('after the year end: discovered %s → %s', (discovery, expected) => {
    expect(
      iso(
        computeDueAt(
          { kind: 'after_year_end', days: 60 },
          new Date(discovery),
          'America/New_York',
          'US-HIPAA',
        ),
      ),
    ).toBe(expected);
  });

  it('rejects an invalid zone with a named error', () => {
    expect(() =>
      computeDueAt({ kind: 'calendar_days', days: 1, from: 'discovery' }, new Date(), 'Mars/Olympus', 'XX'),
    ).toThrow(InvalidTimeZoneError);
  });
});

describe('describeDeadline', () => {
  it.each<[Deadline, boolean, string]>([
    [{ kind: 'hours', hours: 72, from: 'discovery' }, false, '72 hours after discovery'],
    [
      { kind: 'business_days', days: 4, from: 'materiality_determination' },
      false,
      '4 business days after the materiality determination',
    ],
    [
      { kind: 'calendar_days', days: 15, from: 'individual_notice' },
      false,
      '15 calendar days after notice to individuals',
    ],
    [
      { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
      false,
      'without unreasonable delay, no later than 60 days after discovery',
    ],
    [
      { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'without undue delay' },
      false,
      'without undue delay',
    ],
    [
      { kind: 'calendar_days', days: 30, from: 'discovery' },
      true,
      '30 calendar days after discovery, or when individuals are notified if sooner',
    ],
    [
      { kind: 'after_year_end', days: 60 },
      false,
      'within 60 days after the end of the calendar year of discovery',
    ],
  ])('%j → %s', (deadline, sooner, text) => {
    expect(describeDeadline(deadline, sooner)).toBe(text);
  });
});
