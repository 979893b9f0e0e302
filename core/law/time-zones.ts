import { RULES } from './rules';

/*
 * Each rule names the zone its days are counted in; that is the one source of a jurisdiction's zone.
 * Notices show their dates in it too (core/delivery/notice-message.ts), so a customer reads the same
 * calendar day the deadline was counted on. The rules of one jurisdiction agree on it (a test checks).
 */
const ZONE_OF: ReadonlyMap<string, string> = (() => {
  const zones = new Map<string, string>();
  for (const rule of RULES) if (!zones.has(rule.jurisdiction)) zones.set(rule.jurisdiction, rule.timeZone);
  // A country whose own rules are all regional (the US: one per state) takes the zone its nationwide
  // sector regimes count in (HIPAA, SEC: Eastern), for customers whose state is not on file.
  for (const rule of RULES) {
    const country = rule.jurisdiction.slice(0, 2);
    if (rule.requiresRegime && !zones.has(country)) zones.set(country, rule.timeZone);
  }
  return zones;
})();

/**
 * The IANA zone of a jurisdiction ('US-CA', 'DE', or a country whose rules are regional, 'US'), as
 * its rules count days; undefined where no rule covers it.
 */
export function jurisdictionTimeZone(jurisdiction: string): string | undefined {
  return ZONE_OF.get(jurisdiction);
}
