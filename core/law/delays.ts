/**
 * Whether a law-enforcement request may delay notice under a jurisdiction's rules. Every US state
 * breach statute, HIPAA (45 CFR 164.412) and the SEC's Item 1.05 (on the Attorney General's
 * determination) allow it; GDPR, UK GDPR and the other regimes covered here set no such pause, so a
 * reason can be recorded there but the deadline keeps running.
 */
export function lawEnforcementDelayPermitted(jurisdiction: string): boolean {
  return jurisdiction.startsWith('US-');
}
