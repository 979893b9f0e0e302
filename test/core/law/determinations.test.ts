import { describe, expect, it } from 'vitest';
import type { DataCategory } from '../../../core/domain/categories';
import type { DeterminationFact } from '../../../core/domain/determinations';
import {
  GDPR_STATES,
  RULES,
  addCalendarDays,
  assessObligations,
  countPeople,
  coverage,
  determinationReason,
  mustPrecedeIndividualNotice,
} from '../../../core/law';
import type { AffectedGroup, IncidentFacts, ObligationDraft } from '../../../core/law';

/**
 * Issue 15 in the law engine: determinations (not required with the reason kept, the GDPR lead
 * authority, the duties that follow from a no-harm finding), duties before the individuals' notice,
 * deadlines from when notice actually went out, and thresholds counted the way statutes count.
 */

const DISCOVERY = new Date('2026-03-05T14:30:00.000Z');
const APPROVED = new Date('2026-03-10T16:00:00.000Z');
const POLICY = { individualNoticeTargetHours: 72 };
const NO_REGIMES = { hipaaCoveredEntity: false, secRegistrant: false, nydfsCoveredEntity: false };
const HIPAA = { ...NO_REGIMES, hipaaCoveredEntity: true };

function factsWith(overrides: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    discoveredAt: DISCOVERY,
    encrypted: false,
    keyCompromised: false,
    regimes: NO_REGIMES,
    ...overrides,
  };
}

function group(
  jurisdiction: string,
  count: number,
  categories: DataCategory[],
  personJurisdictions: string[] | null = null,
): AffectedGroup {
  return {
    jurisdiction,
    country: jurisdiction.split('-')[0] ?? jurisdiction,
    count,
    categories,
    personJurisdictions,
  };
}

function determination(overrides: Partial<DeterminationFact>): DeterminationFact {
  return {
    id: 'd-1',
    kind: 'no_risk_of_harm',
    ruleIds: [],
    jurisdictions: [],
    leadJurisdiction: null,
    reason: 'Forensic review: the file was encrypted at rest and never opened',
    approvedAt: APPROVED,
    ...overrides,
  };
}

const byRule = (drafts: ObligationDraft[], ruleId: string, jurisdiction?: string) =>
  drafts.find((d) => d.ruleId === ruleId && (jurisdiction === undefined || d.jurisdiction === jurisdiction));

describe('assessObligations: thresholds counted the way statutes count', () => {
  it('a Florida incident with 400 SSN residents and 5,000 email-only residents triggers no 500-resident duty', () => {
    const drafts = assessObligations(
      factsWith(),
      [group('US-FL', 400, ['ssn']), group('US-FL', 5000, ['email'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-FL.individuals')?.affectedCount).toBe(400);
    expect(byRule(drafts, 'US-FL.regulator')).toBeUndefined();
    expect(byRule(drafts, 'US-FL.consumer_reporting_agencies')).toBeUndefined();
  });

  it('the same people as one union group would have counted 5,400 (why groups are per category set)', () => {
    const drafts = assessObligations(factsWith(), [group('US-FL', 5400, ['email', 'ssn'])], POLICY);
    expect(byRule(drafts, 'US-FL.regulator')?.affectedCount).toBe(5400);
  });

  it('600 SSN residents beside 5,000 email-only ones: the Department is told of 600', () => {
    const drafts = assessObligations(
      factsWith(),
      [group('US-FL', 600, ['ssn']), group('US-FL', 5000, ['email'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-FL.regulator')?.affectedCount).toBe(600);
    expect(byRule(drafts, 'US-FL.consumer_reporting_agencies')).toBeUndefined();
  });

  it('a person merged across states counts in each state but once in HIPAA’s pooled total', () => {
    const both = ['US-CA', 'US-NY'];
    const groups = [
      group('US-CA', 300, ['medical'], both),
      group('US-NY', 300, ['medical'], both),
      group('US-TX', 150, ['medical']),
    ];
    expect(countPeople(groups)).toBe(450);
    const drafts = assessObligations(factsWith({ regimes: HIPAA }), groups, POLICY);
    expect(byRule(drafts, 'US-HIPAA.individuals')?.affectedCount).toBe(450);
    // 450 is under 500: the annual log, not the 60-day report.
    expect(byRule(drafts, 'US-HIPAA.regulator')).toBeUndefined();
    expect(byRule(drafts, 'US-HIPAA.regulator.annual-log')?.affectedCount).toBe(450);
    // Each state still counts its own residents.
    expect(byRule(drafts, 'US-CA.individuals')?.affectedCount).toBe(300);
    expect(byRule(drafts, 'US-NY.individuals')?.affectedCount).toBe(300);
  });

  it('without the merge marker the same groups would reach HIPAA’s 500 (two different people each)', () => {
    const groups = [
      group('US-CA', 300, ['medical']),
      group('US-NY', 300, ['medical']),
      group('US-TX', 150, ['medical']),
    ];
    const drafts = assessObligations(factsWith({ regimes: HIPAA }), groups, POLICY);
    expect(byRule(drafts, 'US-HIPAA.regulator')?.affectedCount).toBe(750);
  });

  it.each([
    ['US-TX.consumer_reporting_agencies', 'at one time'],
    ['US-FL.consumer_reporting_agencies', 'at a single time'],
    ['US-ME.consumer_reporting_agencies', 'at a single time'],
    ['US-MN.consumer_reporting_agencies', 'at one time'],
    ['US-NJ.consumer_reporting_agencies', 'at one time'],
    ['US-NY.consumer_reporting_agencies', 'at one time'],
  ])('%s counts persons notified "%s": flagged, with a note, in the coverage table', (ruleId, words) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    expect(rule.threshold?.countedAtOneTime).toBe(true);
    expect(rule.uncertain).toContain(`"${words}"`);
    expect(coverage().find((r) => r.ruleId === ruleId)?.threshold).toContain('notified at one time');
  });

  it('a credit-bureau rule without the words is not flagged', () => {
    expect(RULES.find((r) => r.id === 'US-CO.consumer_reporting_agencies')?.threshold?.countedAtOneTime).toBe(
      undefined,
    );
  });
});

describe('assessObligations: duties before the individuals’ notice', () => {
  it('Maryland’s Attorney General and New Jersey’s State Police must precede any individual notice', () => {
    expect(mustPrecedeIndividualNotice('US-MD.regulator')).toBe(true);
    expect(mustPrecedeIndividualNotice('US-NJ.regulator')).toBe(true);
    expect(mustPrecedeIndividualNotice('US-CA.regulator')).toBe(false);
    expect(mustPrecedeIndividualNotice('US-NY.regulator')).toBe(false);
    expect(mustPrecedeIndividualNotice('no-such-rule')).toBe(false);
  });

  it('only rules whose deadline is the individuals’ notice carry the flag', () => {
    const flagged = RULES.filter((r) => r.beforeIndividualNotice);
    expect(flagged.map((r) => r.id).sort()).toEqual(['US-MD.regulator', 'US-NJ.regulator']);
    for (const r of flagged) expect(r.deadline.kind).toBe('with_individual_notice');
  });

  it('the Maryland filing is due no later than the planned individuals’ notice', () => {
    const drafts = assessObligations(factsWith(), [group('US-MD', 10, ['ssn'])], POLICY);
    const individuals = byRule(drafts, 'US-MD.individuals')!;
    expect(byRule(drafts, 'US-MD.regulator')?.dueAt).toEqual(individuals.dueAt);
  });
});

describe('assessObligations: deadlines from when notice actually went out', () => {
  const groups = [group('US-CA', 600, ['ssn']), group('US-TX', 600, ['ssn'])];

  it('California’s regulator copy counts 15 days from the planned notice until notice goes out', () => {
    const drafts = assessObligations(factsWith(), groups, POLICY);
    const planned = byRule(drafts, 'US-CA.individuals')!.dueAt!;
    const ca = byRule(drafts, 'US-CA.regulator')!;
    expect(ca.legalDueAt).toBeNull();
    expect(ca.dueAt).toEqual(addCalendarDays(planned, 15, 'America/Los_Angeles'));
  });

  it.each([
    ['earlier', new Date('2026-03-06T09:00:00.000Z')],
    ['later', new Date('2026-03-20T18:00:00.000Z')],
  ])('moves when California’s notices actually went out %s than planned', (_, sentAt) => {
    const drafts = assessObligations(
      factsWith({ individualNoticeAtByJurisdiction: { 'US-CA': sentAt } }),
      groups,
      POLICY,
    );
    const expected = addCalendarDays(sentAt, 15, 'America/Los_Angeles');
    expect(byRule(drafts, 'US-CA.regulator')?.legalDueAt).toEqual(expected);
    expect(byRule(drafts, 'US-CA.regulator')?.dueAt).toEqual(expected);
  });

  it('another state’s notice going out does not move California’s clock', () => {
    const without = assessObligations(factsWith(), groups, POLICY);
    const texasOnly = assessObligations(
      factsWith({ individualNoticeAtByJurisdiction: { 'US-TX': new Date('2026-03-06T09:00:00.000Z') } }),
      groups,
      POLICY,
    );
    expect(byRule(texasOnly, 'US-CA.regulator')?.dueAt).toEqual(byRule(without, 'US-CA.regulator')?.dueAt);
    expect(byRule(texasOnly, 'US-CA.regulator')?.legalDueAt).toBeNull();
  });

  it('"or when the individuals are notified, if sooner" caps at the actual notice (Vermont)', () => {
    const sentAt = new Date('2026-03-06T15:00:00.000Z');
    const drafts = assessObligations(
      factsWith({ individualNoticeAtByJurisdiction: { 'US-VT': sentAt } }),
      [group('US-VT', 5, ['ssn'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-VT.regulator')?.legalDueAt).toEqual(sentAt);
    expect(byRule(drafts, 'US-VT.regulator')?.dueAt).toEqual(sentAt);
  });
});

describe('assessObligations: determinations', () => {
  it('an approved no-harm determination makes what it covers not required, with its reason kept', () => {
    const d = determination({ jurisdictions: ['US-TX'] });
    const drafts = assessObligations(
      factsWith({ determinations: [d] }),
      [group('US-TX', 20_000, ['ssn']), group('US-CA', 10, ['ssn'])],
      POLICY,
    );
    for (const ruleId of ['US-TX.individuals', 'US-TX.regulator', 'US-TX.consumer_reporting_agencies']) {
      const o = byRule(drafts, ruleId)!;
      expect(o.status).toBe('not_required');
      expect(o.reason).toBe(`Determination: no risk of harm — ${d.reason}`);
      expect(o.reason).toBe(determinationReason(d));
      expect(o.dueAt).toBeNull();
      expect(o.legalDueAt).toBeNull();
      expect(o.affectedCount).toBe(20_000);
    }
    expect(byRule(drafts, 'US-CA.individuals')?.status).toBe('pending');
  });

  it('a determination naming rule ids covers only those rules', () => {
    const d = determination({ kind: 'exemption', ruleIds: ['US-TX.consumer_reporting_agencies'] });
    const drafts = assessObligations(
      factsWith({ determinations: [d] }),
      [group('US-TX', 20_000, ['ssn'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-TX.consumer_reporting_agencies')?.reason).toBe(
      `Determination: exemption — ${d.reason}`,
    );
    expect(byRule(drafts, 'US-TX.individuals')?.status).toBe('pending');
    expect(byRule(drafts, 'US-TX.regulator')?.status).toBe('pending');
  });

  it('a law-enforcement request removes no duty (it holds delivery instead)', () => {
    const d = determination({ kind: 'law_enforcement_request' });
    const drafts = assessObligations(
      factsWith({ determinations: [d] }),
      [group('US-TX', 300, ['ssn'])],
      POLICY,
    );
    expect(drafts.every((o) => o.status === 'pending')).toBe(true);
  });

  it('the encryption safe harbour keeps its own reason', () => {
    const drafts = assessObligations(
      factsWith({ encrypted: true, determinations: [determination({})] }),
      [group('US-TX', 300, ['ssn'])],
      POLICY,
    );
    expect(byRule(drafts, 'US-TX.individuals')?.reason).toBe('encrypted, key not compromised');
  });

  describe('lead supervisory authority (GDPR Art. 56)', () => {
    const eu = [group('DE', 40, ['email']), group('FR', 25, ['email']), group('IT', 10, ['medical'])];

    it('leaves one EU supervisory filing, at the lead, counting every EU/EEA person; the others not required', () => {
      const lead = determination({ kind: 'lead_supervisory_authority', leadJurisdiction: 'IE' });
      const drafts = assessObligations(factsWith({ determinations: [lead] }), eu, POLICY);
      const ie = byRule(drafts, 'IE.regulator');
      expect(ie?.status).toBe('pending');
      expect(ie?.affectedCount).toBe(75);
      expect(ie?.dueAt).toEqual(new Date(DISCOVERY.getTime() + 72 * 3_600_000));
      for (const state of ['DE', 'FR', 'IT']) {
        const o = byRule(drafts, `${state}.regulator`)!;
        expect(o.status).toBe('not_required');
        expect(o.reason).toBe(
          'Lead supervisory authority under GDPR Art. 56: Data Protection Commission (IE)',
        );
        expect(o.dueAt).toBeNull();
      }
      // Art. 34 notice to the people is untouched.
      expect(byRule(drafts, 'IT.individuals')?.status).toBe('pending');
      const pendingAuthorities = drafts.filter(
        (o) => o.regime === 'GDPR' && o.audience === 'regulator' && o.status === 'pending',
      );
      expect(pendingAuthorities.map((o) => o.jurisdiction)).toEqual(['IE']);
    });

    it('a lead state with its own residents counts them with everyone else’s', () => {
      const lead = determination({ kind: 'lead_supervisory_authority', leadJurisdiction: 'FR' });
      const drafts = assessObligations(factsWith({ determinations: [lead] }), eu, POLICY);
      expect(byRule(drafts, 'FR.regulator')?.affectedCount).toBe(75);
      expect(byRule(drafts, 'FR.regulator')?.status).toBe('pending');
      expect(byRule(drafts, 'DE.regulator')?.status).toBe('not_required');
    });

    it('a lead outside the EU/EEA changes nothing', () => {
      const lead = determination({ kind: 'lead_supervisory_authority', leadJurisdiction: 'GB' });
      const drafts = assessObligations(factsWith({ determinations: [lead] }), eu, POLICY);
      expect(drafts.filter((o) => o.status === 'not_required')).toEqual([]);
      expect(GDPR_STATES).not.toContain('GB');
    });
  });

  describe('duties that follow from a no-harm determination', () => {
    it('Alaska: none without the determination', () => {
      const drafts = assessObligations(factsWith(), [group('US-AK', 10, ['ssn'])], POLICY);
      expect(byRule(drafts, 'US-AK.regulator.no-harm')).toBeUndefined();
      expect(byRule(drafts, 'US-AK.individuals')?.status).toBe('pending');
    });

    it('Alaska: the determination creates the written notice to the Attorney General, due when approved', () => {
      const d = determination({ ruleIds: ['US-AK.individuals'] });
      const drafts = assessObligations(
        factsWith({ determinations: [d] }),
        [group('US-AK', 10, ['ssn'])],
        POLICY,
      );
      expect(byRule(drafts, 'US-AK.individuals')?.status).toBe('not_required');
      const ag = byRule(drafts, 'US-AK.regulator.no-harm')!;
      expect(ag.status).toBe('pending');
      expect(ag.dueAt).toEqual(APPROVED);
      expect(ag.citation).toBe('Alaska Stat. § 45.48.010(c)');
      expect(ag.authority?.name).toBe('Alaska Attorney General');
    });

    it('a whole-incident determination creates each state’s duty and never removes them', () => {
      const d = determination({});
      const groups = [
        group('US-AK', 10, ['ssn']),
        group('US-FL', 10, ['ssn']),
        group('US-VT', 10, ['ssn']),
        group('US-NY', 600, ['ssn']),
      ];
      const drafts = assessObligations(factsWith({ determinations: [d] }), groups, POLICY);
      const fl = byRule(drafts, 'US-FL.regulator.no-harm')!;
      expect(fl.status).toBe('pending');
      expect(fl.legalDueAt).toEqual(addCalendarDays(APPROVED, 30, 'America/New_York'));
      expect(fl.citation).toBe('Fla. Stat. § 501.171(4)(c)');
      const ny = byRule(drafts, 'US-NY.regulator.no-harm')!;
      expect(ny.legalDueAt).toEqual(addCalendarDays(APPROVED, 10, 'America/New_York'));
      expect(ny.affectedCount).toBe(600);
      expect(byRule(drafts, 'US-VT.regulator.no-harm')?.dueAt).toEqual(APPROVED);
      expect(byRule(drafts, 'US-AK.regulator.no-harm')?.status).toBe('pending');
      for (const state of ['US-AK', 'US-FL', 'US-VT', 'US-NY'])
        expect(byRule(drafts, `${state}.individuals`)?.status).toBe('not_required');
    });

    it('New York: only when more than 500 residents are affected', () => {
      const drafts = assessObligations(
        factsWith({ determinations: [determination({ jurisdictions: ['US-NY'] })] }),
        [group('US-NY', 500, ['ssn'])],
        POLICY,
      );
      expect(byRule(drafts, 'US-NY.regulator.no-harm')).toBeUndefined();
    });

    it('a determination for another state creates nothing in Alaska', () => {
      const drafts = assessObligations(
        factsWith({ determinations: [determination({ jurisdictions: ['US-TX'] })] }),
        [group('US-AK', 10, ['ssn']), group('US-TX', 10, ['ssn'])],
        POLICY,
      );
      expect(byRule(drafts, 'US-AK.regulator.no-harm')).toBeUndefined();
    });
  });
});
