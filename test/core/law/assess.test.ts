import { describe, expect, it } from 'vitest';
import type { DataCategory } from '../../../core/domain/categories';
import {
  GDPR_STATES,
  NOT_REQUIRED_REASONS,
  US_STATE_JURISDICTIONS,
  assessObligations,
  requiredContentFor,
} from '../../../core/law';
import type { AffectedGroup, IncidentFacts, ObligationDraft } from '../../../core/law';

const DISCOVERY = new Date('2026-03-05T14:30:00.000Z');
const POLICY = { individualNoticeTargetHours: 72 };
const ALL_REGIMES = { hipaaCoveredEntity: true, secRegistrant: true, nydfsCoveredEntity: true };
const NO_REGIMES = { hipaaCoveredEntity: false, secRegistrant: false, nydfsCoveredEntity: false };

function factsWith(overrides: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    discoveredAt: DISCOVERY,
    encrypted: false,
    keyCompromised: false,
    regimes: NO_REGIMES,
    ...overrides,
  };
}

function group(jurisdiction: string, count: number, categories: DataCategory[]): AffectedGroup {
  return { jurisdiction, country: jurisdiction.split('-')[0] ?? jurisdiction, count, categories };
}

function byRule(drafts: ObligationDraft[], ruleId: string): ObligationDraft | undefined {
  return drafts.find((d) => d.ruleId === ruleId);
}

describe('assessObligations', () => {
  describe('safe harbour', () => {
    const encrypted = factsWith({ encrypted: true, keyCompromised: false, regimes: ALL_REGIMES });
    const groups = [
      group('DE', 40, ['medical']),
      group('US-CA', 40, ['ssn', 'medical']),
      group('KR', 40, ['email']),
    ];
    const drafts = assessObligations(encrypted, groups, POLICY);

    it.each([
      'DE.individuals', // GDPR Art. 34(3)(a)
      'US-CA.individuals',
      'US-HIPAA.individuals',
    ])('%s is not required, with the reason, and no due time', (ruleId) => {
      const d = byRule(drafts, ruleId);
      expect(d?.status).toBe('not_required');
      expect(d?.reason).toBe(NOT_REQUIRED_REASONS.encrypted);
      expect(d?.reason).toBe('encrypted, key not compromised');
      expect(d?.dueAt).toBeNull();
      expect(d?.legalDueAt).toBeNull();
    });

    it.each([
      'DE.regulator', // GDPR Art. 33 has no encryption exemption
      'KR.individuals',
      'US-SEC.regulator',
    ])('%s stays pending: the law gives no harbour', (ruleId) => {
      const d = byRule(drafts, ruleId);
      expect(d?.status).toBe('pending');
      expect(d?.reason).toBeNull();
    });

    it('does not apply when the key was compromised', () => {
      const compromised = assessObligations(
        factsWith({ encrypted: true, keyCompromised: true }),
        groups,
        POLICY,
      );
      expect(compromised.every((d) => d.status === 'pending')).toBe(true);
      expect(byRule(compromised, 'DE.individuals')?.status).toBe('pending');
    });
  });

  describe('thresholds', () => {
    it.each([
      ['US-CO', 'US-CO.regulator', 499, 500],
      ['US-FL', 'US-FL.regulator', 499, 500],
      ['US-TX', 'US-TX.regulator', 249, 250],
      ['US-WA', 'US-WA.regulator', 500, 501], // "more than 500"
      ['US-FL', 'US-FL.consumer_reporting_agencies', 1000, 1001],
      ['US-NY', 'US-NY.consumer_reporting_agencies', 5000, 5001],
    ])('%s: %s absent at the count below, present at the threshold', (jurisdiction, ruleId, below, at) => {
      const under = assessObligations(factsWith(), [group(jurisdiction, below, ['ssn'])], POLICY);
      expect(byRule(under, ruleId)).toBeUndefined();
      const over = assessObligations(factsWith(), [group(jurisdiction, at, ['ssn'])], POLICY);
      expect(over.filter((d) => d.ruleId === ruleId)).toHaveLength(1);
      expect(byRule(over, ruleId)?.affectedCount).toBe(at);
    });

    it('499 Colorado residents: individuals notified, no regulator obligation there; 500: one', () => {
      const under = assessObligations(factsWith(), [group('US-CO', 499, ['ssn'])], POLICY);
      expect(under.filter((d) => d.jurisdiction === 'US-CO' && d.audience === 'regulator')).toEqual([]);
      expect(byRule(under, 'US-CO.individuals')?.status).toBe('pending');
      const at = assessObligations(factsWith(), [group('US-CO', 500, ['ssn'])], POLICY);
      expect(at.filter((d) => d.jurisdiction === 'US-CO' && d.audience === 'regulator')).toHaveLength(1);
    });

    it('counts only the groups whose data triggers the rule', () => {
      // 300 with SSNs and 300 with e-mail addresses only: 300 count towards Colorado's 500.
      const drafts = assessObligations(
        factsWith(),
        [group('US-CO', 300, ['ssn']), group('US-CO', 300, ['email'])],
        POLICY,
      );
      expect(byRule(drafts, 'US-CO.regulator')).toBeUndefined();
      expect(byRule(drafts, 'US-CO.individuals')?.affectedCount).toBe(300);
    });

    it('HIPAA: under 500 in total goes to the annual log; 500 or more to HHS within 60 days', () => {
      const hipaa = factsWith({ regimes: { ...NO_REGIMES, hipaaCoveredEntity: true } });
      const small = assessObligations(
        hipaa,
        [group('US-CA', 250, ['medical']), group('US-NY', 249, ['medical'])],
        POLICY,
      );
      expect(byRule(small, 'US-HIPAA.regulator.annual-log')?.affectedCount).toBe(499);
      expect(byRule(small, 'US-HIPAA.regulator')).toBeUndefined();
      const large = assessObligations(
        hipaa,
        [group('US-CA', 250, ['medical']), group('US-NY', 250, ['medical'])],
        POLICY,
      );
      expect(byRule(large, 'US-HIPAA.regulator')?.affectedCount).toBe(500);
      expect(byRule(large, 'US-HIPAA.regulator.annual-log')).toBeUndefined();
      expect(large.filter((d) => d.ruleId === 'US-HIPAA.media')).toEqual([]);
    });

    it('HIPAA media: one notice per state with more than 500 residents', () => {
      const hipaa = factsWith({ regimes: { ...NO_REGIMES, hipaaCoveredEntity: true } });
      const drafts = assessObligations(
        hipaa,
        [
          group('US-CA', 501, ['medical']),
          group('US-TX', 500, ['medical']),
          group('US-NY', 900, ['health_insurance']),
        ],
        POLICY,
      );
      const media = drafts.filter((d) => d.ruleId === 'US-HIPAA.media');
      expect(media.map((d) => [d.jurisdiction, d.affectedCount])).toEqual([
        ['US-CA', 501],
        ['US-NY', 900],
      ]);
    });

    it('Singapore: 500 affected makes the PDPC notifiable by scale, but not the individuals', () => {
      const under = assessObligations(factsWith(), [group('SG', 499, ['email'])], POLICY);
      expect(under).toEqual([]);
      const scale = assessObligations(factsWith(), [group('SG', 500, ['email'])], POLICY);
      expect(scale.map((d) => d.ruleId)).toEqual(['SG.regulator']);
    });
  });

  describe('policy target', () => {
    const everywhere: AffectedGroup[] = [
      ...US_STATE_JURISDICTIONS.map((j) => group(j, 20_000, ['ssn', 'medical'])),
      ...GDPR_STATES.map((j) => group(j, 20_000, ['medical'])),
      ...['GB', 'CA', 'AU', 'BR', 'SG', 'KR', 'JP', 'IN', 'CN'].map((j) =>
        group(j, 20_000, ['medical', 'ssn']),
      ),
    ];

    it.each([72, 24, 1])('individuals are never due later than discovery + %i hours', (hours) => {
      const drafts = assessObligations(factsWith({ regimes: ALL_REGIMES }), everywhere, {
        individualNoticeTargetHours: hours,
      });
      const individuals = drafts.filter((d) => d.audience === 'individuals');
      expect(individuals.length).toBeGreaterThan(80);
      const target = DISCOVERY.getTime() + hours * 3_600_000;
      for (const d of individuals) {
        expect(d.dueAt, d.ruleId).not.toBeNull();
        expect(d.dueAt?.getTime() ?? Number.POSITIVE_INFINITY, d.ruleId).toBeLessThanOrEqual(target);
      }
    });

    it('a law stricter than the policy wins: PIPA’s 72 hours under a 96-hour target', () => {
      const drafts = assessObligations(factsWith(), [group('KR', 10, ['email'])], {
        individualNoticeTargetHours: 96,
      });
      expect(byRule(drafts, 'KR.individuals')?.dueAt?.toISOString()).toBe('2026-03-08T14:30:00.000Z');
    });

    it('every obligation has a working due time, except the SEC’s before materiality is determined', () => {
      const drafts = assessObligations(factsWith({ regimes: ALL_REGIMES }), everywhere, POLICY);
      const missing = drafts.filter((d) => d.dueAt === null).map((d) => d.ruleId);
      expect(missing).toEqual(['US-SEC.regulator']);
    });
  });

  describe('applicability', () => {
    it('a name, e-mail or phone alone triggers no US state law', () => {
      const drafts = assessObligations(
        factsWith(),
        US_STATE_JURISDICTIONS.map((j) => group(j, 5000, ['name', 'email', 'phone'])),
        POLICY,
      );
      expect(drafts).toEqual([]);
    });

    it('a date of birth triggers only the states that list it (North Dakota, Washington)', () => {
      const drafts = assessObligations(
        factsWith(),
        US_STATE_JURISDICTIONS.map((j) => group(j, 10, ['name', 'date_of_birth'])),
        POLICY,
      );
      expect(drafts.map((d) => d.ruleId)).toEqual(['US-ND.individuals', 'US-WA.individuals']);
    });

    it('produces one obligation per (rule, jurisdiction), summing groups', () => {
      const drafts = assessObligations(
        factsWith(),
        [group('US-CA', 300, ['ssn']), group('US-CA', 250, ['payment_card'])],
        POLICY,
      );
      expect(drafts.filter((d) => d.ruleId === 'US-CA.individuals')).toHaveLength(1);
      expect(byRule(drafts, 'US-CA.individuals')?.affectedCount).toBe(550);
      expect(byRule(drafts, 'US-CA.regulator')?.affectedCount).toBe(550);
      const keys = drafts.map((d) => `${d.ruleId}|${d.jurisdiction}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('a country’s rules cover customers recorded under one of its regions', () => {
      const drafts = assessObligations(
        factsWith(),
        [group('CA-ON', 10, ['ssn']), group('CA-QC', 5, ['ssn'])],
        POLICY,
      );
      expect(drafts.map((d) => [d.ruleId, d.jurisdiction, d.affectedCount])).toEqual([
        ['CA.individuals', 'CA', 15],
        ['CA.regulator', 'CA', 15],
        // Québec's own law (Law 25, issue 16) applies to its residents alongside PIPEDA.
        ['CA-QC.individuals', 'CA-QC', 5],
        ['CA-QC.regulator', 'CA-QC', 5],
      ]);
    });

    it('Puerto Rico customers recorded under the territory’s own code are US-PR', () => {
      const drafts = assessObligations(
        factsWith(),
        [{ jurisdiction: 'PR', country: 'PR', count: 3, categories: ['ssn'] }],
        POLICY,
      );
      expect(drafts.map((d) => d.ruleId)).toEqual(['US-PR.individuals', 'US-PR.regulator']);
    });

    it('sector regimes apply only when configured', () => {
      const groups = [group('US-NY', 10, ['medical', 'ssn'])];
      const none = assessObligations(factsWith(), groups, POLICY).map((d) => d.jurisdiction);
      expect(none).not.toContain('US-HIPAA');
      expect(none).not.toContain('US-SEC');
      expect(none).not.toContain('US-NYDFS');
      const all = assessObligations(factsWith({ regimes: ALL_REGIMES }), groups, POLICY).map(
        (d) => d.jurisdiction,
      );
      expect(all).toEqual(expect.arrayContaining(['US-HIPAA', 'US-SEC', 'US-NYDFS']));
    });

    it('NYDFS applies wherever the affected people live (23 NYCRR 500.17(a), issue 16)', () => {
      const drafts = assessObligations(
        factsWith({ regimes: ALL_REGIMES }),
        [group('US-NJ', 10, ['ssn']), group('DE', 5, ['email'])],
        POLICY,
      );
      expect(byRule(drafts, 'US-NYDFS.regulator')).toMatchObject({ affectedCount: 15 });
      const none = assessObligations(factsWith(), [group('US-NJ', 10, ['ssn'])], POLICY);
      expect(byRule(none, 'US-NYDFS.regulator')).toBeUndefined();
    });

    it('SEC: once per incident; 4 business days after the materiality determination once it is recorded', () => {
      const facts = factsWith({
        regimes: ALL_REGIMES,
        // Monday 23 November 2026 10:00 EST: Tue 24, Wed 25, (Thanksgiving), Fri 27, Mon 30.
        materialityDeterminedAt: new Date('2026-11-23T15:00:00.000Z'),
      });
      const drafts = assessObligations(
        facts,
        [group('US-CA', 10, ['ssn']), group('DE', 10, ['email'])],
        POLICY,
      );
      const sec = drafts.filter((d) => d.ruleId === 'US-SEC.regulator');
      expect(sec).toHaveLength(1);
      expect(sec[0]?.affectedCount).toBe(20);
      expect(sec[0]?.legalDueAt?.toISOString()).toBe('2026-11-30T15:00:00.000Z');
      expect(sec[0]?.dueAt?.toISOString()).toBe('2026-11-30T15:00:00.000Z');
      expect(sec[0]?.deadlineText).toBe('4 business days after the materiality determination');
    });

    it('deadlines counted from the individual notice use it once recorded', () => {
      const facts = factsWith({ individualNoticeAt: new Date('2026-03-07T18:00:00.000Z') }); // 10:00 PST, 13:00 EST
      const drafts = assessObligations(
        facts,
        [group('US-CA', 600, ['ssn']), group('US-WA', 600, ['ssn'])],
        POLICY,
      );
      // 15 days later at 10:00 PDT.
      expect(byRule(drafts, 'US-CA.regulator')?.legalDueAt?.toISOString()).toBe('2026-03-22T17:00:00.000Z');
      expect(byRule(drafts, 'US-CA.regulator')?.dueAt?.toISOString()).toBe('2026-03-22T17:00:00.000Z');
      // Washington: 30 days, or when individuals are notified if sooner.
      expect(byRule(drafts, 'US-WA.regulator')?.legalDueAt?.toISOString()).toBe('2026-03-07T18:00:00.000Z');
    });

    it('Singapore counts from the recorded assessment', () => {
      const facts = factsWith({ notifiableAssessedAt: new Date('2026-03-20T02:00:00.000Z') });
      const drafts = assessObligations(facts, [group('SG', 10, ['ssn'])], POLICY);
      expect(byRule(drafts, 'SG.regulator')?.legalDueAt?.toISOString()).toBe('2026-03-23T02:00:00.000Z');
    });
  });

  describe('rules in force at discovery', () => {
    it('California before SB 446 (discovered in 2025): the earlier rules', () => {
      const drafts = assessObligations(
        factsWith({ discoveredAt: new Date('2025-11-10T17:00:00.000Z') }),
        [group('US-CA', 600, ['ssn'])],
        POLICY,
      );
      expect(drafts.map((d) => d.ruleId)).toEqual(['US-CA.individuals.pre-2026', 'US-CA.regulator.pre-2026']);
      expect(byRule(drafts, 'US-CA.individuals.pre-2026')?.legalDueAt).toBeNull();
    });

    it('California from 1 January 2026 (Pacific time): SB 446', () => {
      // 31 December 2025 23:30 PST is still 2025 in California.
      const before = assessObligations(
        factsWith({ discoveredAt: new Date('2026-01-01T07:30:00.000Z') }),
        [group('US-CA', 1, ['ssn'])],
        POLICY,
      );
      expect(before.map((d) => d.ruleId)).toEqual(['US-CA.individuals.pre-2026']);
      const after = assessObligations(
        factsWith({ discoveredAt: new Date('2026-01-01T08:30:00.000Z') }),
        [group('US-CA', 1, ['ssn'])],
        POLICY,
      );
      expect(after.map((d) => d.ruleId)).toEqual(['US-CA.individuals']);
    });

    it('India: only CERT-In today; the DPDP Rules’ breach duties once in force', () => {
      const today = assessObligations(factsWith(), [group('IN', 10, ['email'])], POLICY);
      expect(today.map((d) => d.ruleId)).toEqual(['IN.regulator.cert-in']);
      const later = assessObligations(
        factsWith({ discoveredAt: new Date('2027-06-01T06:00:00.000Z') }),
        [group('IN', 10, ['email'])],
        POLICY,
      );
      expect(later.map((d) => d.ruleId)).toEqual([
        'IN.individuals',
        'IN.regulator',
        'IN.regulator.cert-in',
        'IN.regulator.detailed-report',
      ]);
      expect(byRule(later, 'IN.regulator.detailed-report')?.legalDueAt?.toISOString()).toBe(
        '2027-06-04T06:00:00.000Z',
      );
    });
  });

  it('carries content, authority, citation and the uncertain note onto each draft', () => {
    const drafts = assessObligations(
      factsWith(),
      [group('US-CT', 5, ['ssn']), group('FR', 5, ['biometric'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-CT.individuals')).toMatchObject({
      requiredContent: ['identity_theft_protection'],
      citation: 'Conn. Gen. Stat. § 36a-701b(b)',
      regime: 'Conn. Gen. Stat. § 36a-701b',
      deadlineText: 'without unreasonable delay, no later than 60 days after discovery',
    });
    expect(byRule(drafts, 'FR.regulator')?.authority?.name).toMatch(/CNIL/);
    expect(byRule(drafts, 'FR.individuals')?.uncertain).toMatch(/high risk/);
  });
});

describe('requiredContentFor', () => {
  it('Massachusetts with an SSN: police report, freeze, identity protection; no nature or number', () => {
    const content = requiredContentFor('US-MA', ['ssn'], factsWith());
    expect(content.parts).toEqual(['credit_freeze', 'police_report', 'identity_theft_protection']);
    expect(content.restrictions).toEqual(['omit_nature_of_breach', 'omit_number_affected']);
  });

  it('California with an SSN: the prescribed format, the bureaus and identity protection, naming the AG', () => {
    const content = requiredContentFor('US-CA', ['ssn'], factsWith());
    expect(content.parts).toEqual(['us_ca_format', 'credit_bureaus', 'identity_theft_protection']);
    expect(content.authorities.map((a) => a.name)).toEqual(['California Attorney General']);
  });

  it('California with a card number only: the format alone', () => {
    expect(requiredContentFor('US-CA', ['payment_card'], factsWith()).parts).toEqual(['us_ca_format']);
  });

  it('adds HIPAA content for a covered entity exposing health data', () => {
    const content = requiredContentFor('US-CA', ['medical'], factsWith({ regimes: ALL_REGIMES }));
    expect(content.parts).toEqual(['us_ca_format', 'hipaa_contact']);
  });

  it('GDPR high-risk data: Art. 34 content and the supervisory authority', () => {
    const content = requiredContentFor('IE', ['medical'], factsWith());
    expect(content.parts).toEqual(['gdpr_art34', 'dpo_contact']);
    expect(content.authorities.map((a) => a.name)).toEqual(['Data Protection Commission']);
  });

  it('nothing where no individuals’ rule applies (data not triggering, or the harbour)', () => {
    expect(requiredContentFor('US-CA', ['email'], factsWith())).toEqual({
      parts: [],
      authorities: [],
      restrictions: [],
    });
    expect(requiredContentFor('US-CA', ['ssn'], factsWith({ encrypted: true }))).toEqual({
      parts: [],
      authorities: [],
      restrictions: [],
    });
  });
});
