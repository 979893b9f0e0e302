import { describe, expect, it } from 'vitest';
import type { DataCategory } from '../../../core/domain/categories';
import {
  COMPANY_REGIME_TOKENS,
  RULES,
  RULES_VERSION,
  assessObligations,
  companyProfile,
  coverage,
  describeProfile,
  lawEnforcementDelay,
  lawEnforcementDelayPermitted,
  publicHolidays,
  renderCoverageMarkdown,
  requiredContentFor,
  restrictionWarnings,
  unplacedGroups,
} from '../../../core/law';
import type { AffectedGroup, CompanyRegimes, IncidentFacts, ObligationDraft } from '../../../core/law';

/**
 * Issue 16: the findings of a statute-by-statute audit of the rules, one block each. Every test here
 * failed on the rules as they were before the audit (RULES_VERSION 2026-11-23), except where a
 * comment says the rule was already right and the test pins it.
 */

const DISCOVERY = new Date('2026-03-05T14:30:00.000Z'); // Thursday 09:30 EST
const POLICY = { individualNoticeTargetHours: 72 };
const NO_REGIMES: CompanyRegimes = {
  hipaaCoveredEntity: false,
  secRegistrant: false,
  nydfsCoveredEntity: false,
};

function facts(overrides: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    discoveredAt: DISCOVERY,
    encrypted: false,
    keyCompromised: false,
    regimes: NO_REGIMES,
    ...overrides,
  };
}

function profile(...regimes: (keyof CompanyRegimes)[]): CompanyRegimes {
  return { ...NO_REGIMES, ...Object.fromEntries(regimes.map((r) => [r, true])) };
}

function group(jurisdiction: string, count: number, categories: DataCategory[]): AffectedGroup {
  return { jurisdiction, country: jurisdiction.split('-')[0] ?? jurisdiction, count, categories };
}

function ids(drafts: ObligationDraft[]): string[] {
  return drafts.map((d) => d.ruleId);
}

function draft(drafts: ObligationDraft[], ruleId: string): ObligationDraft | undefined {
  return drafts.find((d) => d.ruleId === ruleId);
}

function assess(groups: AffectedGroup[], overrides: Partial<IncidentFacts> = {}): ObligationDraft[] {
  return assessObligations(facts(overrides), groups, POLICY);
}

describe('thresholds, triggers and content', () => {
  it('Pennsylvania: consumer reporting agencies at 500 residents since Act 33 (73 P.S. § 2305)', () => {
    expect(ids(assess([group('US-PA', 500, ['ssn'])]))).toContain('US-PA.consumer_reporting_agencies');
    expect(ids(assess([group('US-PA', 499, ['ssn'])]))).not.toContain('US-PA.consumer_reporting_agencies');
  });

  it('Wisconsin: "1,000 or more" (Wis. Stat. § 134.98(2)(br))', () => {
    expect(ids(assess([group('US-WI', 1000, ['ssn'])]))).toContain('US-WI.consumer_reporting_agencies');
    expect(ids(assess([group('US-WI', 999, ['ssn'])]))).not.toContain('US-WI.consumer_reporting_agencies');
  });

  it.each([
    ['US-TX', 'passport'],
    ['US-TX', 'tax_id'],
    ['US-NM', 'passport'],
    ['US-IA', 'passport'],
    ['US-MO', 'passport'],
    ['US-SD', 'tax_id'],
    ['US-NH', 'passport'],
    ['US-SC', 'passport'],
    ['US-OK', 'passport'],
    ['US-NC', 'tax_id'],
    ['US-PR', 'passport'],
  ] as const)(
    '%s: a government-issued identification number (%s) triggers the statute',
    (state, category) => {
      expect(ids(assess([group(state, 10, [category])]))).toContain(`${state}.individuals`);
    },
  );

  it.each(['biometric', 'precise_geolocation'] as const)(
    'Florida: %s triggers § 501.171 since 1 July 2024',
    (category) => {
      const drafts = assess([group('US-FL', 600, [category])]);
      expect(ids(drafts)).toEqual(expect.arrayContaining(['US-FL.individuals', 'US-FL.regulator']));
    },
  );

  it.each(['ssn', 'postal_address', 'date_of_birth', 'biometric', 'payment_card'] as const)(
    'HIPAA: a covered entity’s patient %s is protected health information',
    (category) => {
      const drafts = assess([group('US-OH', 10, [category])], { regimes: profile('hipaaCoveredEntity') });
      expect(ids(drafts)).toContain('US-HIPAA.individuals');
    },
  );

  it('Illinois: the notice must not state how many Illinois residents were affected (815 ILCS 530/10(a))', () => {
    const content = requiredContentFor('US-IL', ['ssn'], facts());
    expect(content.restrictions).toEqual(['omit_number_affected']);
  });

  it('Illinois: free text that states a number of people is flagged for the approver, not edited', () => {
    const texts = {
      'What happened': 'An export of 12,400 customer records was copied.',
      'What we are doing': 'We have reset passwords and informed the police.',
    };
    const warnings = restrictionWarnings(['omit_number_affected'], texts);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^What happened seems to state a number of people \(“12,400 customer/);
    expect(warnings[0]).toContain('815 ILCS 530/10(a)');
    expect(
      restrictionWarnings(['omit_number_affected'], { x: 'Thousands of users were affected.' }),
    ).toHaveLength(1);
    expect(
      restrictionWarnings(['omit_number_affected'], { x: 'On 3 March we found 2 servers exposed.' }),
    ).toEqual([]);
    // No restriction, no warning: elsewhere the number may be stated.
    expect(restrictionWarnings([], texts)).toEqual([]);
  });

  it('New Mexico: credit bureaus and the federal guidance the notice must carry (§ 57-12C-7)', () => {
    const content = requiredContentFor('US-NM', ['ssn'], facts());
    expect(content.parts).toEqual(
      expect.arrayContaining([
        'credit_bureaus',
        'fraud_alert',
        'credit_freeze',
        'ftc_contact',
        'fcra_rights',
      ]),
    );
  });

  it('Rhode Island: credit bureaus and the Attorney General’s contact (§ 11-49.3-4(d))', () => {
    const content = requiredContentFor('US-RI', ['ssn'], facts());
    expect(content.parts).toEqual(
      expect.arrayContaining(['credit_bureaus', 'state_regulator_contact', 'police_report', 'credit_freeze']),
    );
    expect(content.authorities.map((a) => a.name)).toContain('Rhode Island Attorney General');
  });

  it('cites South Dakota’s credit-bureau duty as § 22-40-24 and Massachusetts’ monitoring as c. 93H § 3A', () => {
    const rule = (id: string) => RULES.find((r) => r.id === id);
    expect(rule('US-SD.consumer_reporting_agencies')?.citation).toBe('SDCL § 22-40-24');
    expect(rule('US-MA.individuals')?.citation).toMatch(/§§ 3\(b\), 3A/);
  });

  it.each(['BR', 'CA', 'AU'])(
    '%s: encryption is a risk factor, not an exemption (obligations stay pending)',
    (j) => {
      const drafts = assess([group(j, 10, ['ssn'])], { encrypted: true, keyCompromised: false });
      expect(draft(drafts, `${j}.regulator`)?.status).toBe('pending');
      expect(draft(drafts, `${j}.individuals`)?.status).toBe('pending');
    },
  );
});

describe('applicability', () => {
  it('NYDFS: the extortion payment within 24 hours and the written explanation within 30 days (500.17(c))', () => {
    const regimes = profile('nydfsCoveredEntity');
    const without = assess([group('US-NJ', 10, ['ssn'])], { regimes });
    expect(ids(without)).not.toContain('US-NYDFS.regulator.extortion');
    const paidAt = new Date('2026-03-06T20:00:00.000Z');
    const paid = assess([group('US-NJ', 10, ['ssn'])], { regimes, extortionPaidAt: paidAt });
    expect(draft(paid, 'US-NYDFS.regulator.extortion')?.dueAt?.toISOString()).toBe(
      '2026-03-07T20:00:00.000Z',
    );
    expect(draft(paid, 'US-NYDFS.regulator.extortion-explanation')?.dueAt?.toISOString()).toBe(
      '2026-04-05T19:00:00.000Z', // 30 days later at 15:00 New York time, now EDT
    );
  });

  it('law-enforcement delay per jurisdiction, not for every US- rule', () => {
    expect(lawEnforcementDelayPermitted('US-NYDFS')).toBe(false);
    expect(lawEnforcementDelayPermitted('SG')).toBe(false);
    expect(lawEnforcementDelayPermitted('AU')).toBe(false);
    expect(lawEnforcementDelayPermitted('DE')).toBe(false);
    expect(lawEnforcementDelayPermitted('US-CA')).toBe(true);
    expect(lawEnforcementDelay('US-SEC')).toMatchObject({ permitted: true, condition: /Attorney General/ });
    expect(lawEnforcementDelay('US-HIPAA')).toMatchObject({ permitted: true, condition: /30 days/ });
    // Where the statute itself provides one outside the US: South Africa, Québec.
    expect(lawEnforcementDelay('ZA')).toMatchObject({ permitted: true, condition: /s 22\(3\)/ });
    expect(lawEnforcementDelayPermitted('CA-QC', 'individuals')).toBe(true);
    expect(lawEnforcementDelayPermitted('CA-QC', 'regulator')).toBe(false);
  });

  it('New York before 21 December 2024: the superseded text, without the 30-day limit', () => {
    const before = assess([group('US-NY', 10, ['ssn'])], {
      discoveredAt: new Date('2024-06-03T14:00:00.000Z'),
    });
    expect(ids(before)).toContain('US-NY.individuals.pre-2024');
    expect(ids(before)).not.toContain('US-NY.individuals');
    expect(draft(before, 'US-NY.individuals.pre-2024')?.legalDueAt).toBeNull();
    const after = assess([group('US-NY', 10, ['ssn'])]);
    expect(ids(after)).toContain('US-NY.individuals');
    expect(ids(after)).not.toContain('US-NY.individuals.pre-2024');
  });

  it('Pennsylvania before 26 September 2024: individuals still notified; the agencies above 1,000', () => {
    const discoveredAt = new Date('2024-06-03T14:00:00.000Z');
    const drafts = assess([group('US-PA', 600, ['ssn'])], { discoveredAt });
    expect(ids(drafts)).toEqual(['US-PA.individuals.pre-2024']);
    const many = assess([group('US-PA', 1001, ['ssn'])], { discoveredAt });
    expect(ids(many)).toContain('US-PA.consumer_reporting_agencies.pre-2024');
  });

  it('a US customer with no state: listed with the state rules that might apply', () => {
    const unplaced = unplacedGroups(facts(), [group('US', 7, ['ssn']), group('US-CA', 3, ['ssn'])]);
    expect(unplaced).toHaveLength(1);
    expect(unplaced[0]).toMatchObject({ jurisdiction: 'US', count: 7 });
    expect(unplaced[0]?.regions).toEqual(expect.arrayContaining(['US-CA', 'US-TX', 'US-NY']));
    expect(unplaced[0]?.mightApply).toEqual(expect.arrayContaining(['US-CA.individuals', 'US-TX.regulator']));
    // Nothing to warn about when the data triggers no state statute, or everyone has a state.
    expect(unplacedGroups(facts(), [group('US', 7, ['email'])])).toEqual([]);
    expect(unplacedGroups(facts(), [group('US-CA', 7, ['ssn']), group('DE', 2, ['ssn'])])).toEqual([]);
  });

  // Already right before the audit: these pin the observed-day rules against the states' own calendars.
  it('Vermont (1 V.S.A. § 371(b)) and Iowa (Iowa Code § 1C.2(3)) move weekend holidays to Friday or Monday', () => {
    const vt2025 = publicHolidays('US-VT', 2025);
    expect(vt2025).toContain('2025-08-15'); // Bennington Battle Day, Saturday 16 August
    expect(publicHolidays('US-VT', 2027)).toContain('2027-07-05'); // 4 July 2027 is a Sunday
    expect(publicHolidays('US-VT', 2026)).not.toContain('2026-11-27'); // no day after Thanksgiving
    const ia2027 = publicHolidays('US-IA', 2027);
    expect(ia2027).toEqual(expect.arrayContaining(['2027-11-26', '2027-12-24', '2027-12-31']));
    expect(ia2027).not.toContain('2027-10-11'); // no Columbus Day
  });

  it('Australia: the 30-day assessment (s 26WH(2)) is a tracked deadline', () => {
    const drafts = assess([group('AU', 10, ['ssn'])]);
    expect(draft(drafts, 'AU.regulator.assessment')?.dueAt?.toISOString()).toBe('2026-04-04T14:30:00.000Z');
  });

  it('SEC: a determination after 5:30 p.m. Eastern is due by 5:30 p.m. on the fourth business day', () => {
    const drafts = assess([group('US-CA', 10, ['ssn'])], {
      regimes: profile('secRegistrant'),
      materialityDeterminedAt: new Date('2026-11-23T23:00:00.000Z'), // Monday 18:00 EST
    });
    expect(draft(drafts, 'US-SEC.regulator')?.dueAt?.toISOString()).toBe('2026-11-30T22:30:00.000Z');
  });
});

describe('the new regimes, each only for the company profile that needs it', () => {
  const cases: [string, keyof CompanyRegimes, AffectedGroup[], Record<string, string>][] = [
    [
      'FTC Safeguards Rule: 500 consumers anywhere, 30 days',
      'glbaFinancialInstitution',
      [group('US-CA', 300, ['email']), group('DE', 200, ['email'])],
      { 'US-FTC.regulator.safeguards': '2026-04-04T13:30:00.000Z' },
    ],
    [
      'FTC Health Breach Notification Rule: individuals, FTC and media, 60 days',
      'healthApp',
      [group('US-CA', 600, ['medical'])],
      {
        'US-FTC.individuals.hbnr': '2026-05-04T13:30:00.000Z',
        'US-FTC.media.hbnr': '2026-05-04T13:30:00.000Z',
      },
    ],
    [
      'SEC Regulation S-P: individuals within 30 days',
      'secRegSpInstitution',
      [group('US-NJ', 10, ['ssn'])],
      { 'US-SEC.individuals.reg-s-p': '2026-04-04T13:30:00.000Z' },
    ],
    [
      'Cal. Health & Safety Code § 1280.15: CDPH and patients within 15 business days',
      'californiaHealthFacility',
      [group('US-CA', 2, ['medical'])],
      { 'US-CA-CDPH.regulator': '2026-03-26T13:30:00.000Z' }, // 06:30 Pacific, now PDT
    ],
    [
      'NIS2: early warning 24 h, notification 72 h, final report one month',
      'nis2Entity',
      [group('DE', 10, ['email'])],
      {
        'EU-NIS2.regulator.early-warning': '2026-03-06T14:30:00.000Z',
        'EU-NIS2.regulator.notification': '2026-03-08T14:30:00.000Z',
        'EU-NIS2.regulator.final-report': '2026-04-05T13:30:00.000Z',
      },
    ],
    [
      'DORA: initial 24 h, intermediate 72 h, final one month',
      'doraFinancialEntity',
      [group('FR', 10, ['email'])],
      {
        'EU-DORA.regulator.initial': '2026-03-06T14:30:00.000Z',
        'EU-DORA.regulator.final': '2026-04-05T13:30:00.000Z',
      },
    ],
    [
      'processor: the controller (GDPR Art. 33(2)), the owner (US states), the organisation (Singapore)',
      'processor',
      [group('DE', 1, ['email']), group('US-NY', 1, ['email']), group('SG', 1, ['email'])],
      { 'US-PROCESSOR.regulator.owner': '2026-03-15T13:30:00.000Z' },
    ],
    [
      'HIPAA business associate: the covered entity within 60 days',
      'hipaaBusinessAssociate',
      [group('US-TX', 10, ['medical'])],
      { 'US-HIPAA.regulator.business-associate': '2026-05-04T13:30:00.000Z' },
    ],
  ];

  // The law's own deadline (legalDueAt); the working one may be earlier (the 72-hour policy target).
  it.each(cases)('%s', (_name, regime, groups, due) => {
    const without = ids(assess(groups));
    for (const id of Object.keys(due)) expect(without, id).not.toContain(id);
    const drafts = assess(groups, { regimes: profile(regime) });
    for (const [id, at] of Object.entries(due))
      expect(draft(drafts, id)?.legalDueAt?.toISOString(), id).toBe(at);
  });

  it('FTC Safeguards: not below 500, nor before 13 May 2024', () => {
    const regimes = profile('glbaFinancialInstitution');
    expect(ids(assess([group('US-CA', 499, ['email'])], { regimes }))).not.toContain(
      'US-FTC.regulator.safeguards',
    );
    const early = assess([group('US-CA', 600, ['email'])], {
      regimes,
      discoveredAt: new Date('2024-05-01T12:00:00.000Z'),
    });
    expect(ids(early)).not.toContain('US-FTC.regulator.safeguards');
  });

  it('processor duties: the controller in the EU and Singapore, the owner in the US', () => {
    const drafts = assess(
      [group('DE', 1, ['email']), group('US-NY', 1, ['email']), group('SG', 1, ['email'])],
      {
        regimes: profile('processor'),
      },
    );
    expect(ids(drafts)).toEqual(
      expect.arrayContaining([
        'EU-PROCESSOR.regulator.controller',
        'US-PROCESSOR.regulator.owner',
        'SG.regulator.data-intermediary',
      ]),
    );
  });

  it.each([
    ['CH', 'CH.regulator'],
    ['ZA', 'ZA.regulator'],
    ['NZ', 'NZ.regulator'],
    ['CA-QC', 'CA-QC.regulator'],
    ['CA-AB', 'CA-AB.regulator'],
  ])('%s: its own law, for every company', (j, ruleId) => {
    expect(ids(assess([group(j, 10, ['ssn'])]))).toContain(ruleId);
  });
});

describe('the company profile', () => {
  it('reads the configured tokens; everything not named is false', () => {
    expect(COMPANY_REGIME_TOKENS).toHaveLength(11);
    const p = companyProfile(['glba', 'nis2', 'hipaa']);
    expect(p).toMatchObject({ glbaFinancialInstitution: true, nis2Entity: true, hipaaCoveredEntity: true });
    expect(Object.values(p).filter(Boolean)).toHaveLength(3);
  });

  it('describes every regime of the profile, with whether it applies (the Law rules page)', () => {
    const entries = describeProfile(companyProfile(['reg_s_p']));
    expect(entries).toHaveLength(COMPANY_REGIME_TOKENS.length);
    expect(entries.filter((e) => e.applies)).toEqual([
      {
        regime: 'secRegSpInstitution',
        token: 'reg_s_p',
        label: 'Broker-dealer, investment adviser or other Reg S-P institution',
        applies: true,
      },
    ]);
  });

  it('the coverage document shows the profile each rule needs', () => {
    const row = (id: string) => coverage().find((r) => r.ruleId === id);
    expect(row('US-FTC.regulator.safeguards')?.profile).toBe('glbaFinancialInstitution');
    expect(row('US-CA.individuals')?.profile).toBeNull();
    const markdown = renderCoverageMarkdown();
    expect(markdown).toContain('| Company profile |');
    expect(markdown).toContain('Financial institution under the FTC Safeguards Rule');
  });

  it('the rules version is the review date', () => {
    expect(RULES_VERSION).toBe('2026-12-07');
  });
});
