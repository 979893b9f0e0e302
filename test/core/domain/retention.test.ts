import { describe, expect, it } from 'vitest';
import { basisEnds, retainUntil, retentionBases } from '../../../core/domain/retention';

/** How long a closed incident is kept: the policy, lengthened by each law whose facts hold. */
describe('core/domain/retention', () => {
  const closedAt = new Date('2026-03-01T12:00:00Z');

  it('keeps an incident no law speaks for as long as the policy says', () => {
    const bases = retentionBases({ regimes: ['Cal. Civ. Code § 1798.82'], noHarmJurisdictions: [] }, 30);
    expect(bases.map((b) => b.citation)).toEqual(['policy']);
    expect(retainUntil(bases, closedAt).toISOString()).toBe('2026-03-31T12:00:00.000Z');
  });

  it('keeps a HIPAA incident six years, a New York no-harm determination five, whichever is longer', () => {
    const bases = retentionBases(
      { regimes: ['HIPAA', 'GDPR'], noHarmJurisdictions: ['US-NY', 'US-TX'] },
      1095,
    );
    expect(bases.map((b) => [b.citation, b.years ?? b.days])).toEqual([
      ['policy', 1095],
      ['45 CFR 164.530(j)(2)', 6],
      ['N.Y. Gen. Bus. Law § 899-aa(2)(a)', 5],
    ]);
    expect(basisEnds(bases[2]!, closedAt).toISOString()).toBe('2031-03-01T12:00:00.000Z');
    expect(retainUntil(bases, closedAt).toISOString()).toBe('2032-03-01T12:00:00.000Z');
  });

  it('lets a longer policy win over the laws, and knows Florida and Alaska', () => {
    const bases = retentionBases({ regimes: [], noHarmJurisdictions: ['US-FL', 'US-AK'] }, 3650);
    expect(bases.map((b) => b.citation)).toEqual([
      'policy',
      'Fla. Stat. § 501.171(4)(c)',
      'Alaska Stat. § 45.48.010(c)',
    ]);
    expect(retainUntil(bases, closedAt).toISOString()).toBe('2036-02-27T12:00:00.000Z');
  });
});
