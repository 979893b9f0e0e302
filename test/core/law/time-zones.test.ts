import { describe, expect, it } from 'vitest';
import { RULES, US_STATE_JURISDICTIONS, jurisdictionTimeZone } from '../../../core/law';

describe('jurisdictionTimeZone', () => {
  it('is the one zone all rules of a jurisdiction count days in', () => {
    const zones = new Map<string, Set<string>>();
    for (const r of RULES)
      zones.set(r.jurisdiction, (zones.get(r.jurisdiction) ?? new Set()).add(r.timeZone));
    for (const [jurisdiction, set] of zones) {
      expect([...set], jurisdiction).toHaveLength(1);
      expect(jurisdictionTimeZone(jurisdiction), jurisdiction).toBe([...set][0]);
    }
  });

  it('covers every US state, and the US itself for customers with no state on file', () => {
    for (const state of US_STATE_JURISDICTIONS) expect(jurisdictionTimeZone(state), state).toBeTruthy();
    expect(jurisdictionTimeZone('US-CA')).toBe('America/Los_Angeles');
    expect(jurisdictionTimeZone('US-TX')).toBe('America/Chicago');
    expect(jurisdictionTimeZone('US')).toBe('America/New_York');
  });

  it('names the zone of a country with rules, and nothing for one without', () => {
    expect(jurisdictionTimeZone('DE')).toBe('Europe/Berlin');
    expect(jurisdictionTimeZone('JP')).toBe('Asia/Tokyo');
    expect(jurisdictionTimeZone('ZZ')).toBeUndefined();
  });
});
