import { describe, expect, it } from 'vitest';
import { RULES, coverage, coversJurisdiction, substituteNoticeDue } from '../../../core/law';
import type { Rule } from '../../../core/law';

/** Substitute notice: each statute's conditions, tested at and across its figures. */

const rule = (id: string): Rule => {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};
const facts = (over: Partial<{ residents: number; unreachable: number; estimatedCostUsd: number }> = {}) => ({
  residents: 100,
  unreachable: 0,
  estimatedCostUsd: 100,
  ...over,
});

describe('substituteNoticeDue', () => {
  const ca = rule('US-CA.individuals');

  it.each([
    ['cost $250,000 exactly', { estimatedCostUsd: 250_000 }, null],
    ['cost $250,001', { estimatedCostUsd: 250_001 }, ['cost']],
    ['500,000 residents', { residents: 500_000 }, null],
    ['500,001 residents', { residents: 500_001 }, ['number']],
    ['nobody unreachable', { unreachable: 0 }, null],
    ['one person without contact details', { unreachable: 1 }, ['insufficient_contact']],
    [
      'all three',
      { residents: 600_000, estimatedCostUsd: 300_000, unreachable: 3 },
      ['cost', 'number', 'insufficient_contact'],
    ],
  ] as const)('California: %s', (_name, over, reasons) => {
    const due = substituteNoticeDue(ca, facts(over));
    expect(due?.reasons ?? null).toEqual(reasons === null ? null : [...reasons]);
  });

  it('California: e-mail, a 30-day website posting and statewide media, each required', () => {
    const due = substituteNoticeDue(ca, facts({ unreachable: 1 }))!;
    expect(due.elements.map((e) => [e.kind, e.days, e.choice])).toEqual([
      ['email', null, null],
      ['website', 30, null],
      ['media', null, null],
    ]);
    expect(due.provision.citation).toBe('Cal. Civ. Code § 1798.82(j)(3)');
  });

  it('California before SB 446 has the same substitute notice', () => {
    expect(substituteNoticeDue(rule('US-CA.individuals.pre-2026'), facts({ unreachable: 2 }))?.tier).toBe(0);
  });

  const hipaa = rule('US-HIPAA.individuals');

  it('HIPAA: 9 unreachable → an alternative written or telephone notice', () => {
    const due = substituteNoticeDue(hipaa, facts({ unreachable: 9 }))!;
    expect(due.provision.citation).toBe('45 CFR 164.404(d)(2)(i)');
    expect(due.elements.map((e) => e.kind)).toEqual(['alternative']);
  });

  it('HIPAA: 10 unreachable → a 90-day posting or major media, plus a 90-day toll-free number', () => {
    const due = substituteNoticeDue(hipaa, facts({ unreachable: 10 }))!;
    expect(due.provision.citation).toBe('45 CFR 164.404(d)(2)(ii)');
    expect(due.elements.map((e) => [e.kind, e.days, e.choice])).toEqual([
      ['website', 90, 0],
      ['media', null, 0],
      ['toll_free', 90, null],
    ]);
  });

  it('HIPAA: no threshold on cost or number; nobody unreachable, no substitute notice', () => {
    expect(substituteNoticeDue(hipaa, facts({ residents: 2_000_000, estimatedCostUsd: 5e6 }))).toBeNull();
  });

  const az = rule('US-AZ.individuals');

  it.each([
    [{ estimatedCostUsd: 50_000 }, null],
    [{ estimatedCostUsd: 50_001 }, ['cost']],
    [{ residents: 100_000 }, null],
    [{ residents: 100_001 }, ['number']],
  ] as const)('Arizona %o', (over, reasons) => {
    expect(substituteNoticeDue(az, facts(over))?.reasons ?? null).toEqual(
      reasons === null ? null : [...reasons],
    );
  });

  it('Arizona: a letter to the attorney general and a 45-day posting', () => {
    const due = substituteNoticeDue(az, facts({ unreachable: 1 }))!;
    expect(due.elements.map((e) => [e.kind, e.days])).toEqual([
      ['regulator_letter', null],
      ['website', 45],
    ]);
  });

  it('Texas: $250,000 or 500,000', () => {
    const tx = rule('US-TX.individuals');
    expect(substituteNoticeDue(tx, facts({ estimatedCostUsd: 250_000 }))).toBeNull();
    expect(substituteNoticeDue(tx, facts({ residents: 500_001 }))?.reasons).toEqual(['number']);
  });

  it('Florida: website and print and broadcast media, no e-mail element', () => {
    const due = substituteNoticeDue(rule('US-FL.individuals'), facts({ unreachable: 1 }))!;
    expect(due.elements.map((e) => e.kind)).toEqual(['website', 'media']);
  });

  it('a rule without a provision never calls for one', () => {
    const regulator = rule('US-CA.regulator');
    expect(substituteNoticeDue(regulator, facts({ unreachable: 1_000_000 }))).toBeNull();
  });

  it('only individuals’ rules carry a substitute notice, each cited', () => {
    for (const r of RULES.filter((x) => x.substituteNotice)) {
      expect(r.audience, r.id).toBe('individuals');
      for (const tier of r.substituteNotice!) expect(tier.citation, r.id).toMatch(/\S/);
    }
  });
});

describe('coversJurisdiction', () => {
  it('a state rule covers its state; HIPAA covers every US state and Puerto Rico', () => {
    expect(coversJurisdiction(rule('US-CA.individuals'), 'US-CA')).toBe(true);
    expect(coversJurisdiction(rule('US-CA.individuals'), 'US-TX')).toBe(false);
    expect(coversJurisdiction(rule('US-HIPAA.individuals'), 'US-TX')).toBe(true);
    expect(coversJurisdiction(rule('US-HIPAA.individuals'), 'PR')).toBe(true);
    expect(coversJurisdiction(rule('US-HIPAA.individuals'), 'DE')).toBe(false);
  });
});

describe('coverage', () => {
  it('shows the substitute notice conditions and elements', () => {
    const row = coverage().find((r) => r.ruleId === 'US-CA.individuals')!;
    expect(row.substituteNotice).toContain(
      'cost over $250,000, or more than 500,000 people, or insufficient contact information',
    );
    expect(row.substituteNotice).toContain('website (30 days)');
    const hipaa = coverage().find((r) => r.ruleId === 'US-HIPAA.individuals')!;
    expect(hipaa.substituteNotice).toContain(
      '10 or more unreachable → website (90 days) or media + toll-free (90 days)',
    );
  });
});
