import { describe, expect, it } from 'vitest';
import {
  CONTACT_COMBINATIONS,
  ELECTRONIC_NOTICE_KINDS,
  RULES,
  channelPolicy,
  coverage,
  decideChannel,
} from '../../../core/law';
import type { ContactFacts, IncidentFacts } from '../../../core/law';

const NO_REGIMES = { hipaaCoveredEntity: false, secRegistrant: false, nydfsCoveredEntity: false };
const FACTS: IncidentFacts = {
  discoveredAt: new Date('2026-03-05T14:30:00.000Z'),
  encrypted: false,
  keyCompromised: false,
  regimes: NO_REGIMES,
};
const HIPAA: IncidentFacts = { ...FACTS, regimes: { ...NO_REGIMES, hipaaCoveredEntity: true } };

const contact = (overrides: Partial<ContactFacts> = {}): ContactFacts => ({
  hasEmail: true,
  consented: false,
  hasPostalAddress: true,
  viaRepresentative: false,
  ...overrides,
});

describe('electronicNotice on the rules', () => {
  it.each(RULES.filter((r) => r.audience === 'individuals').map((r) => [r.id, r] as const))(
    '%s says whether email counts, with a citation',
    (_id, rule) => {
      expect(ELECTRONIC_NOTICE_KINDS).toContain(rule.electronicNotice?.kind);
      expect(rule.electronicNotice!.citation.trim().length).toBeGreaterThan(5);
    },
  );

  it('reads the statutes that differ from the E-SIGN default', () => {
    const kind = (id: string) => RULES.find((r) => r.id === id)?.electronicNotice?.kind;
    expect(kind('US-CA.individuals')).toBe('esign_consent');
    expect(kind('US-TX.individuals')).toBe('esign_consent');
    expect(kind('US-NY.individuals')).toBe('express_consent');
    expect(kind('US-FL.individuals')).toBe('allowed');
    expect(kind('US-HIPAA.individuals')).toBe('agreement');
    expect(kind('DE.individuals')).toBe('allowed');
    expect(kind('GB.individuals')).toBe('allowed');
    // The coverage table says it in words, with the citation.
    const row = (id: string) => coverage().find((r) => r.ruleId === id)?.electronicNotice;
    expect(row('US-NY.individuals')).toMatch(/express consent.*899-aa\(5\)\(b\)/);
    expect(row('US-HIPAA.individuals')).toMatch(/first-class mail.*164\.404\(d\)\(1\)\(i\)/);
    expect(row('US-HIPAA.regulator')).toBeNull();
    // A state on the default says what is unchecked about it.
    expect(RULES.find((r) => r.id === 'US-TX.individuals')?.uncertain).toMatch(/E-SIGN/);
  });
});

describe('channelPolicy', () => {
  it('lets email count freely under GDPR', () => {
    expect(channelPolicy('DE', ['email', 'financial_account'], FACTS)).toMatchObject({
      emailNeedsConsent: false,
    });
  });

  it('needs consent in a state whose statute allows electronic notice only under E-SIGN', () => {
    const policy = channelPolicy('US-CA', ['ssn'], FACTS);
    expect(policy.emailNeedsConsent).toBe(true);
    expect(policy.citations.join(' ')).toMatch(/7001/);
  });

  it('needs express consent in New York', () => {
    const policy = channelPolicy('US-NY', ['ssn'], FACTS);
    expect(policy).toMatchObject({
      emailNeedsConsent: true,
      citations: ['N.Y. Gen. Bus. Law § 899-aa(5)(b)'],
    });
  });

  it('lets email count in Florida, unless HIPAA applies too (a covered entity, health data exposed)', () => {
    expect(channelPolicy('US-FL', ['ssn', 'medical'], FACTS).emailNeedsConsent).toBe(false);
    const pooled = channelPolicy('US-FL', ['ssn', 'medical'], HIPAA);
    expect(pooled.emailNeedsConsent).toBe(true);
    expect(pooled.citations).toContain('45 CFR 164.404(d)(1)(i)');
    // Not PHI: HIPAA does not apply to this person, Florida's rule alone decides.
    expect(channelPolicy('US-FL', ['account_credentials'], HIPAA).emailNeedsConsent).toBe(false);
  });

  it('takes the strictest of every jurisdiction of a merged person', () => {
    expect(channelPolicy(['DE', 'US-FL'], ['ssn'], FACTS).emailNeedsConsent).toBe(false);
    const merged = channelPolicy(['DE', 'US-CA'], ['ssn'], FACTS);
    expect(merged.emailNeedsConsent).toBe(true);
    expect(merged.citations.length).toBe(2);
  });

  it('leaves the channel free where no individuals rule applies', () => {
    // An email address alone triggers no US statute.
    expect(channelPolicy('US-CA', ['email'], FACTS)).toEqual({ emailNeedsConsent: false, citations: [] });
  });

  it('ignores a rule whose encryption safe harbour applies', () => {
    const encrypted = { ...FACTS, encrypted: true };
    expect(channelPolicy('US-CA', ['ssn'], encrypted).emailNeedsConsent).toBe(false);
  });
});

describe('decideChannel', () => {
  const free = { emailNeedsConsent: false, citations: [] };
  const consentNeeded = { emailNeedsConsent: true, citations: ['15 U.S.C. § 7001(c)(1)'] };

  it('emails where email counts freely, whatever else is known', () => {
    expect(decideChannel(free, contact())).toEqual({ channel: 'email', reason: 'email_allowed' });
    expect(decideChannel(free, contact({ hasPostalAddress: false }))).toEqual({
      channel: 'email',
      reason: 'email_allowed',
    });
  });

  it('emails a person who consented where consent is needed', () => {
    expect(decideChannel(consentNeeded, contact({ consented: true }))).toEqual({
      channel: 'email',
      reason: 'email_consented',
    });
  });

  it('sends a letter, with an email beside it, to a person who did not consent', () => {
    expect(decideChannel(consentNeeded, contact())).toEqual({
      channel: 'email_and_letter',
      reason: 'no_consent',
    });
  });

  it('leaves no lawful channel for a person without consent and without an address', () => {
    expect(decideChannel(consentNeeded, contact({ hasPostalAddress: false }))).toEqual({
      channel: 'none',
      reason: 'no_consent',
    });
  });

  it('sends a letter to a person with an address and no email, under any rule', () => {
    for (const policy of [free, consentNeeded]) {
      expect(decideChannel(policy, contact({ hasEmail: false }))).toEqual({
        channel: 'letter',
        reason: 'no_email',
      });
    }
  });

  it('leaves no channel for a person with neither an email nor an address', () => {
    expect(decideChannel(free, contact({ hasEmail: false, hasPostalAddress: false }))).toEqual({
      channel: 'none',
      reason: 'no_contact',
    });
  });

  it("emails a deceased customer's representative, as before", () => {
    expect(decideChannel(consentNeeded, contact({ viaRepresentative: true }))).toEqual({
      channel: 'email',
      reason: 'representative_email',
    });
  });

  it('decides every combination of contact facts', () => {
    expect(CONTACT_COMBINATIONS).toHaveLength(16);
    for (const c of CONTACT_COMBINATIONS) {
      const { channel } = decideChannel(consentNeeded, c);
      // Email is the lawful channel only with consent (or for a representative).
      if (channel === 'email') expect(c.viaRepresentative || (c.hasEmail && c.consented)).toBe(true);
      if (channel === 'letter' || channel === 'email_and_letter') expect(c.hasPostalAddress).toBe(true);
    }
  });
});
