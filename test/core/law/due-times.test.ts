import { describe, expect, it } from 'vitest';
import type { DataCategory } from '../../../core/domain/categories';
import { assessObligations } from '../../../core/law';
import type { IncidentFacts } from '../../../core/law';

/**
 * Due times for one fixed discovery instant, Thursday 5 March 2026 14:30 UTC, three days before US
 * daylight saving starts. Every expected value is worked out by hand here, not by the code under
 * test. With the 72-hour policy target T = 2026-03-08T14:30:00.000Z:
 * - "N days" in a US zone that springs forward lands at the same local time, an hour earlier in UTC
 *   (e.g. 09:30 EST → 09:30 EDT = 13:30Z); Arizona, Hawaii and Puerto Rico keep 14:30Z.
 * - 5 Mar + 10 = 15 Mar, + 15 = 20 Mar, + 30 = 4 Apr, + 45 = 19 Apr, + 60 = 4 May.
 */
const DISCOVERY = new Date('2026-03-05T14:30:00.000Z');
const T = '2026-03-08T14:30:00.000Z';
const D30 = '2026-04-04T13:30:00.000Z';
const D45 = '2026-04-19T13:30:00.000Z';
const D60 = '2026-05-04T13:30:00.000Z';

const facts: IncidentFacts = {
  discoveredAt: DISCOVERY,
  encrypted: false,
  keyCompromised: false,
  materialityDeterminedAt: null,
  regimes: { hipaaCoveredEntity: true, secRegistrant: true, nydfsCoveredEntity: true },
};

interface Row {
  ruleId: string;
  /** The affected group's jurisdiction. */
  where: string;
  count?: number;
  categories?: DataCategory[];
  legal: string | null;
  due: string | null;
  /** The obligation's jurisdiction, where it differs from the rule's (HIPAA media). */
  obligationJurisdiction?: string;
}

const ROWS: Row[] = [
  // US states, DC and Puerto Rico: individuals. The policy target is earlier than every state limit.
  { ruleId: 'US-AL.individuals', where: 'US-AL', legal: D45, due: T },
  { ruleId: 'US-AK.individuals', where: 'US-AK', legal: null, due: T },
  { ruleId: 'US-AZ.individuals', where: 'US-AZ', legal: '2026-04-19T14:30:00.000Z', due: T }, // no DST in Arizona
  { ruleId: 'US-AR.individuals', where: 'US-AR', legal: null, due: T },
  { ruleId: 'US-CA.individuals', where: 'US-CA', legal: D30, due: T }, // SB 446: 30 days
  { ruleId: 'US-CO.individuals', where: 'US-CO', legal: D30, due: T },
  { ruleId: 'US-CT.individuals', where: 'US-CT', legal: D60, due: T },
  { ruleId: 'US-DE.individuals', where: 'US-DE', legal: D60, due: T },
  { ruleId: 'US-DC.individuals', where: 'US-DC', legal: null, due: T },
  { ruleId: 'US-FL.individuals', where: 'US-FL', legal: D30, due: T },
  { ruleId: 'US-GA.individuals', where: 'US-GA', legal: null, due: T },
  { ruleId: 'US-HI.individuals', where: 'US-HI', legal: null, due: T },
  { ruleId: 'US-ID.individuals', where: 'US-ID', legal: null, due: T },
  { ruleId: 'US-IL.individuals', where: 'US-IL', legal: null, due: T },
  { ruleId: 'US-IN.individuals', where: 'US-IN', legal: D45, due: T },
  { ruleId: 'US-IA.individuals', where: 'US-IA', legal: null, due: T },
  { ruleId: 'US-LA.individuals', where: 'US-LA', legal: D60, due: T },
  { ruleId: 'US-ME.individuals', where: 'US-ME', legal: D30, due: T },
  { ruleId: 'US-MD.individuals', where: 'US-MD', legal: D45, due: T },
  { ruleId: 'US-MA.individuals', where: 'US-MA', legal: null, due: T },
  { ruleId: 'US-NM.individuals', where: 'US-NM', legal: D45, due: T },
  { ruleId: 'US-NY.individuals', where: 'US-NY', legal: D30, due: T },
  { ruleId: 'US-OH.individuals', where: 'US-OH', legal: D45, due: T },
  { ruleId: 'US-OR.individuals', where: 'US-OR', legal: D45, due: T },
  { ruleId: 'US-RI.individuals', where: 'US-RI', legal: D45, due: T },
  { ruleId: 'US-SD.individuals', where: 'US-SD', legal: D60, due: T },
  { ruleId: 'US-TN.individuals', where: 'US-TN', legal: D45, due: T },
  { ruleId: 'US-TX.individuals', where: 'US-TX', legal: D60, due: T },
  { ruleId: 'US-VT.individuals', where: 'US-VT', legal: D45, due: T },
  { ruleId: 'US-WA.individuals', where: 'US-WA', legal: D30, due: T },
  { ruleId: 'US-WI.individuals', where: 'US-WI', legal: D45, due: T },
  { ruleId: 'US-PR.individuals', where: 'US-PR', legal: null, due: T },

  // Regulators. "Without unreasonable delay" and "with the individual notice" work to T.
  { ruleId: 'US-AL.regulator', where: 'US-AL', count: 1001, legal: D45, due: T },
  {
    ruleId: 'US-AZ.regulator',
    where: 'US-AZ',
    count: 1001,
    legal: '2026-04-19T14:30:00.000Z',
    due: '2026-04-19T14:30:00.000Z',
  },
  {
    ruleId: 'US-AZ.regulator.homeland-security',
    where: 'US-AZ',
    count: 1001,
    legal: '2026-04-19T14:30:00.000Z',
    due: '2026-04-19T14:30:00.000Z',
  },
  { ruleId: 'US-AR.regulator', where: 'US-AR', count: 1001, legal: D45, due: T }, // or at the individual notice, if sooner
  // 15 days after the planned notice: Sunday 8 March 07:30 PDT → 23 March 07:30 PDT.
  { ruleId: 'US-CA.regulator', where: 'US-CA', count: 501, legal: null, due: '2026-03-23T14:30:00.000Z' },
  { ruleId: 'US-CO.regulator', where: 'US-CO', count: 500, legal: D30, due: D30 },
  { ruleId: 'US-CT.regulator', where: 'US-CT', legal: null, due: T },
  { ruleId: 'US-DE.regulator', where: 'US-DE', count: 501, legal: null, due: T },
  { ruleId: 'US-DC.regulator', where: 'US-DC', count: 50, legal: null, due: T },
  { ruleId: 'US-FL.regulator', where: 'US-FL', count: 500, legal: D30, due: D30 },
  { ruleId: 'US-HI.regulator', where: 'US-HI', count: 1001, legal: null, due: T },
  { ruleId: 'US-IL.regulator', where: 'US-IL', count: 501, legal: null, due: T },
  { ruleId: 'US-IN.regulator', where: 'US-IN', legal: D45, due: T },
  // 5 business days after the planned notice (Sunday 8 March 09:30 CDT): Mon 9 … Fri 13 March.
  { ruleId: 'US-IA.regulator', where: 'US-IA', count: 501, legal: null, due: '2026-03-13T14:30:00.000Z' },
  // 10 days after the planned notice: 18 March 09:30 CDT.
  { ruleId: 'US-LA.regulator', where: 'US-LA', legal: null, due: '2026-03-18T14:30:00.000Z' },
  { ruleId: 'US-ME.regulator', where: 'US-ME', legal: D30, due: T },
  { ruleId: 'US-MD.regulator', where: 'US-MD', legal: null, due: T },
  { ruleId: 'US-MA.regulator', where: 'US-MA', legal: null, due: T },
  { ruleId: 'US-MA.regulator.ocabr', where: 'US-MA', legal: null, due: T },
  { ruleId: 'US-MO.regulator', where: 'US-MO', count: 1001, legal: null, due: T },
  { ruleId: 'US-MT.regulator', where: 'US-MT', legal: null, due: T },
  { ruleId: 'US-NE.regulator', where: 'US-NE', legal: null, due: T },
  { ruleId: 'US-NH.regulator', where: 'US-NH', legal: null, due: T },
  { ruleId: 'US-NJ.regulator', where: 'US-NJ', legal: null, due: T },
  { ruleId: 'US-NM.regulator', where: 'US-NM', count: 1001, legal: D45, due: D45 },
  { ruleId: 'US-NY.regulator', where: 'US-NY', legal: null, due: T },
  { ruleId: 'US-NY.regulator.state-police', where: 'US-NY', legal: null, due: T },
  { ruleId: 'US-NC.regulator', where: 'US-NC', legal: null, due: T },
  { ruleId: 'US-ND.regulator', where: 'US-ND', count: 251, legal: null, due: T },
  // 60 days after the planned notice: 7 May 09:30 CDT.
  { ruleId: 'US-OK.regulator', where: 'US-OK', count: 500, legal: null, due: '2026-05-07T14:30:00.000Z' },
  { ruleId: 'US-OR.regulator', where: 'US-OR', count: 251, legal: D45, due: T },
  { ruleId: 'US-PA.regulator', where: 'US-PA', count: 501, legal: null, due: T },
  { ruleId: 'US-RI.regulator', where: 'US-RI', count: 501, legal: D45, due: T },
  { ruleId: 'US-SC.regulator', where: 'US-SC', count: 1001, legal: null, due: T },
  { ruleId: 'US-SD.regulator', where: 'US-SD', count: 251, legal: D60, due: T },
  { ruleId: 'US-TX.regulator', where: 'US-TX', count: 250, legal: D30, due: D30 },
  { ruleId: 'US-UT.regulator', where: 'US-UT', count: 500, legal: null, due: T },
  { ruleId: 'US-UT.regulator.cyber-center', where: 'US-UT', count: 500, legal: null, due: T },
  // 14 business days (6, 9–13, 16–20, 23–25 March) → 25 March 09:30 EDT; working: the planned notice, sooner.
  { ruleId: 'US-VT.regulator', where: 'US-VT', legal: '2026-03-25T13:30:00.000Z', due: T },
  { ruleId: 'US-VA.regulator', where: 'US-VA', legal: null, due: T },
  { ruleId: 'US-WA.regulator', where: 'US-WA', count: 501, legal: D30, due: T },
  {
    ruleId: 'US-PR.regulator',
    where: 'US-PR',
    legal: '2026-03-15T14:30:00.000Z',
    due: '2026-03-15T14:30:00.000Z',
  }, // no DST

  // Consumer reporting agencies.
  {
    ruleId: 'US-MN.consumer_reporting_agencies',
    where: 'US-MN',
    count: 501,
    legal: '2026-03-07T14:30:00.000Z',
    due: '2026-03-07T14:30:00.000Z',
  },
  { ruleId: 'US-FL.consumer_reporting_agencies', where: 'US-FL', count: 1001, legal: null, due: T },
  { ruleId: 'US-NM.consumer_reporting_agencies', where: 'US-NM', count: 1001, legal: D45, due: D45 },
  {
    ruleId: 'US-AZ.consumer_reporting_agencies',
    where: 'US-AZ',
    count: 1001,
    legal: '2026-04-19T14:30:00.000Z',
    due: '2026-04-19T14:30:00.000Z',
  },
  { ruleId: 'US-TX.consumer_reporting_agencies', where: 'US-TX', count: 10_001, legal: null, due: T },

  // Sector regimes.
  { ruleId: 'US-HIPAA.individuals', where: 'US-CA', categories: ['medical'], legal: D60, due: T },
  { ruleId: 'US-HIPAA.regulator', where: 'US-CA', count: 500, categories: ['medical'], legal: D60, due: T },
  // 1 January 2027 00:00 EST + 60 days = 2 March 2027 00:00 EST.
  {
    ruleId: 'US-HIPAA.regulator.annual-log',
    where: 'US-CA',
    count: 499,
    categories: ['medical'],
    legal: '2027-03-02T05:00:00.000Z',
    due: '2027-03-02T05:00:00.000Z',
  },
  {
    ruleId: 'US-HIPAA.media',
    where: 'US-CA',
    count: 501,
    categories: ['medical'],
    legal: D60,
    due: T,
    obligationJurisdiction: 'US-CA',
  },
  { ruleId: 'US-NYDFS.regulator', where: 'US-NY', categories: ['email'], legal: T, due: T },
  { ruleId: 'US-SEC.regulator', where: 'US-TX', legal: null, due: null }, // materiality not yet determined

  // Europe.
  { ruleId: 'DE.regulator', where: 'DE', categories: ['email'], legal: T, due: T },
  { ruleId: 'DE.individuals', where: 'DE', legal: null, due: T },
  { ruleId: 'FR.regulator', where: 'FR', categories: ['email'], legal: T, due: T },
  { ruleId: 'IE.individuals', where: 'IE', categories: ['payment_card'], legal: null, due: T },
  { ruleId: 'NO.regulator', where: 'NO', categories: ['name'], legal: T, due: T },
  { ruleId: 'GB.regulator', where: 'GB', categories: ['email'], legal: T, due: T },
  { ruleId: 'GB.individuals', where: 'GB', categories: ['account_credentials'], legal: null, due: T },

  // The rest of the world.
  { ruleId: 'CA.regulator', where: 'CA-ON', legal: null, due: T },
  { ruleId: 'CA.individuals', where: 'CA-QC', legal: null, due: T },
  { ruleId: 'AU.regulator', where: 'AU', legal: null, due: T },
  { ruleId: 'AU.individuals', where: 'AU', legal: null, due: T },
  // 3 business days from Thursday 5 March 11:30 BRT: Fri 6, Mon 9, Tue 10 March.
  {
    ruleId: 'BR.regulator',
    where: 'BR',
    categories: ['medical'],
    legal: '2026-03-10T14:30:00.000Z',
    due: '2026-03-10T14:30:00.000Z',
  },
  {
    ruleId: 'BR.individuals',
    where: 'BR',
    categories: ['medical'],
    legal: '2026-03-10T14:30:00.000Z',
    due: T,
  },
  // 3 calendar days from the assessment (taken as discovery): 8 March 22:30 SGT.
  { ruleId: 'SG.regulator', where: 'SG', legal: T, due: T },
  { ruleId: 'SG.regulator', where: 'SG', count: 500, categories: ['email'], legal: T, due: T }, // significant scale
  { ruleId: 'SG.individuals', where: 'SG', legal: null, due: T },
  { ruleId: 'KR.individuals', where: 'KR', categories: ['email'], legal: T, due: T },
  { ruleId: 'KR.regulator', where: 'KR', count: 1000, categories: ['email'], legal: T, due: T },
  { ruleId: 'KR.regulator', where: 'KR', categories: ['passport'], legal: T, due: T },
  // Promptly, 5 days at most: 10 March 23:30 JST; working: T.
  { ruleId: 'JP.regulator.preliminary', where: 'JP', legal: '2026-03-10T14:30:00.000Z', due: T },
  {
    ruleId: 'JP.regulator.final',
    where: 'JP',
    legal: '2026-04-04T14:30:00.000Z',
    due: '2026-04-04T14:30:00.000Z',
  }, // no DST in Japan
  { ruleId: 'JP.individuals', where: 'JP', legal: null, due: T },
  {
    ruleId: 'IN.regulator.cert-in',
    where: 'IN',
    categories: ['email'],
    legal: '2026-03-05T20:30:00.000Z',
    due: '2026-03-05T20:30:00.000Z',
  },
  { ruleId: 'CN.regulator', where: 'CN', categories: ['email'], legal: null, due: T },
  {
    ruleId: 'CN.regulator.incident-report',
    where: 'CN',
    count: 1_000_000,
    categories: ['email'],
    legal: '2026-03-05T18:30:00.000Z',
    due: '2026-03-05T18:30:00.000Z',
  },
  { ruleId: 'CN.individuals', where: 'CN', categories: ['email'], legal: null, due: T },
];

function countryOf(jurisdiction: string): string {
  return jurisdiction.split('-')[0] ?? jurisdiction;
}

describe('assessObligations due times', () => {
  it('covers at least 60 distinct (jurisdiction, audience) pairs', () => {
    const pairs = new Set(ROWS.map((r) => `${r.ruleId.split('.')[0]}|${r.ruleId.split('.')[1]}`));
    expect(pairs.size).toBeGreaterThanOrEqual(60);
  });

  it.each(ROWS)('$ruleId for $where ($count affected): legal $legal, due $due', (row) => {
    const drafts = assessObligations(
      facts,
      [
        {
          jurisdiction: row.where,
          country: countryOf(row.where),
          count: row.count ?? 100,
          categories: row.categories ?? ['ssn'],
        },
      ],
      { individualNoticeTargetHours: 72 },
    );
    const draft = drafts.find((d) => d.ruleId === row.ruleId);
    expect(draft, `no obligation from ${row.ruleId}`).toBeDefined();
    expect(draft?.status).toBe('pending');
    expect(draft?.jurisdiction).toBe(row.obligationJurisdiction ?? row.ruleId.split('.')[0]);
    expect(draft?.legalDueAt?.toISOString() ?? null).toBe(row.legal);
    expect(draft?.dueAt?.toISOString() ?? null).toBe(row.due);
  });
});
