import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { GroupFilter, Rule } from '../types';

/**
 * The Federal Trade Commission's two breach rules, each for the companies the profile names:
 * - the Safeguards Rule, 16 CFR 314.4(j), for financial institutions under the FTC's GLBA
 *   jurisdiction (not banks): the FTC itself, for 500 or more consumers, since 13 May 2024;
 * - the Health Breach Notification Rule, 16 CFR part 318, for vendors of personal health records
 *   and PHR related entities not covered by HIPAA (health apps): individuals, the FTC and the media.
 */

const FTC_SAFEGUARDS: AuthorityContact = {
  name: 'Federal Trade Commission (Safeguards Rule notification form)',
  website: 'https://www.ftc.gov/safeguards-rule-notification',
};

const FTC_HBNR: AuthorityContact = {
  name: 'Federal Trade Commission (Health Breach Notification Rule form)',
  website: 'https://www.ftc.gov/business-guidance/health-breach-notification-rule',
};

const ANYWHERE: GroupFilter = { anywhere: true };
const US: GroupFilter = { countries: ['US'] };

/** PHR identifiable health information, approximated by the health categories (16 CFR 318.2). */
const PHR_HEALTH: readonly DataCategory[] = ['medical', 'health_insurance', 'genetic', 'biometric'];

const COMMON = {
  jurisdiction: 'US-FTC',
  timeZone: 'America/New_York',
  timeZoneNote: 'The FTC is in Washington, DC; calendar days are counted in Eastern time.',
} as const;

const HBNR = {
  ...COMMON,
  regime: 'FTC Health Breach Notification Rule (16 CFR 318)',
  triggers: PHR_HEALTH,
  requiresRegime: 'healthApp',
  // The rule covers "unsecured" PHR identifiable health information: encrypted per HHS guidance is secured (318.2).
  safeHarbour: 'encryption',
  requiredContent: [],
} as const;

const HBNR_NOTE =
  'PHR identifiable health information is wider than the health categories (any information in or about a personal health record, including app data such as fitness or location readings): the officer confirms. The amended rule (89 FR 47028) took effect on 29 July 2024; an unauthorised disclosure, not only a security breach, counts.';

export const FTC_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'US-FTC.regulator.safeguards',
    regime: 'FTC Safeguards Rule (16 CFR 314.4(j))',
    audience: 'regulator',
    // "Customer information" is any nonpublic personal information about a customer.
    triggers: 'any_personal_data',
    // "The information of at least 500 consumers", wherever they live.
    scope: { kind: 'pooled', where: ANYWHERE },
    threshold: { minAffected: 500 },
    requiresRegime: 'glbaFinancialInstitution',
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 30,
      from: 'discovery',
      wording: 'as soon as possible',
    },
    // A notification event is acquisition of *unencrypted* customer information; encrypted data whose key was also taken counts as unencrypted.
    safeHarbour: 'encryption',
    requiredContent: [],
    authority: FTC_SAFEGUARDS,
    citation: '16 CFR 314.4(j)(1)',
    effectiveFrom: '2024-05-13',
    uncertain:
      'Applies to non-bank financial institutions under the FTC’s jurisdiction (mortgage brokers, lenders, tax preparers, auto dealers and others). Unauthorised acquisition is presumed where there was unauthorised access unless there is reliable evidence otherwise (314.2(m)). The FTC may publish the notice; a law-enforcement request can delay publication only (314.4(j)(2)).',
  },
  {
    ...HBNR,
    id: 'US-FTC.individuals.hbnr',
    audience: 'individuals',
    electronicNotice: { kind: 'agreement', citation: '16 CFR 318.5(a)(1)' },
    scope: { kind: 'pooled', where: US },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    citation: '16 CFR 318.3(a), 318.4(a), 318.5(a), 318.6',
    uncertain: `${HBNR_NOTE} Email counts only where the person named email as their primary contact method (318.5(a)(1)).`,
  },
  {
    ...HBNR,
    id: 'US-FTC.regulator.hbnr',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 500 },
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 60,
      from: 'discovery',
      wording: 'contemporaneously with the notice to affected individuals',
    },
    notLaterThanIndividualNotice: true,
    authority: FTC_HBNR,
    citation: '16 CFR 318.5(c)',
    uncertain: HBNR_NOTE,
  },
  {
    ...HBNR,
    id: 'US-FTC.regulator.hbnr-annual-log',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 1, maxAffected: 499 },
    deadline: { kind: 'after_year_end', days: 60 },
    authority: FTC_HBNR,
    citation: '16 CFR 318.5(c)',
    uncertain: `${HBNR_NOTE} Fewer than 500: a log of the year’s breaches, submitted within 60 calendar days after its end.`,
  },
  {
    ...HBNR,
    id: 'US-FTC.media.hbnr',
    audience: 'media',
    // "More than 500 residents of a State or jurisdiction": one notice per state.
    scope: { kind: 'per_jurisdiction', where: US },
    threshold: { minAffected: 501 },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    authority: { name: 'Prominent media outlets serving the state' },
    citation: '16 CFR 318.5(b)',
    uncertain: HBNR_NOTE,
  },
];
