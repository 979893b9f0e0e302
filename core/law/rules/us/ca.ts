import type { Rule } from '../../types';
import { MOST_EXPEDIENT, stateRules, commonSubstituteNotice } from '../common';

/**
 * California, Cal. Civ. Code § 1798.82 (businesses). SB 446 (Stats. 2025) set fixed deadlines from
 * 1 January 2026; the earlier text is kept for incidents discovered before then.
 */
const SB446 = '2026-01-01';
const AG = { name: 'California Attorney General', website: 'https://oag.ca.gov/privacy/databreach' };

/** Substitute notice, for the individuals' rules old and new. */
const SUBSTITUTE = commonSubstituteNotice(250_000, 500_000, 'Cal. Civ. Code § 1798.82(j)(3)', {
  postingDays: 30,
  uncertain:
    "The subdivision is cited as lettered before SB 446. A conspicuous posting is a link on the home page or first significant page, set off from the surrounding text. (j)(4) also accepts notice under the business's own information security policy, which Forthright does not model.",
});

export const US_CA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-CA',
    regime: 'Cal. Civ. Code § 1798.82',
    timeZone: 'America/Los_Angeles',
    triggers: [
      'ssn',
      'drivers_license',
      'passport',
      'tax_id',
      'financial_account',
      'payment_card',
      'account_credentials',
      'medical',
      'health_insurance',
      'biometric',
      'genetic',
    ],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: MOST_EXPEDIENT,
      },
      requiredContent: ['us_ca_format'],
      conditionalContent: [
        // (d)(2)(F): credit bureaus' numbers where an SSN, driver's licence or California ID card number was exposed.
        { categories: ['ssn', 'drivers_license'], parts: ['credit_bureaus'] },
        // (d)(2)(G): 12 months of identity theft prevention where (h)(1)(A)–(B) data was exposed and the business was the source.
        {
          categories: ['ssn', 'drivers_license', 'tax_id', 'passport'],
          parts: ['identity_theft_protection'],
          term: { months: 12, citation: 'Cal. Civ. Code § 1798.82(d)(2)(G)' },
        },
      ],
      authority: AG,
      citation: 'Cal. Civ. Code § 1798.82(a), (d), as amended by SB 446 (2025)',
      effectiveFrom: SB446,
      uncertain:
        'The 30 calendar days run from discovery or notification of the breach; a law-enforcement delay is allowed. Identity theft services are required only where the business was the source of the breach.',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'calendar_days', days: 15, from: 'individual_notice' },
      authority: AG,
      citation: 'Cal. Civ. Code § 1798.82(f), as amended by SB 446 (2025)',
      effectiveFrom: SB446,
      uncertain:
        'A sample copy of the notice, submitted electronically, within 15 calendar days of notifying residents.',
    },
    {
      key: 'pre-2026',
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      requiredContent: ['us_ca_format'],
      conditionalContent: [
        { categories: ['ssn', 'drivers_license'], parts: ['credit_bureaus'] },
        {
          categories: ['ssn', 'drivers_license', 'tax_id', 'passport'],
          parts: ['identity_theft_protection'],
          term: { months: 12, citation: 'Cal. Civ. Code § 1798.82(d)(2)(G)' },
        },
      ],
      authority: AG,
      citation: 'Cal. Civ. Code § 1798.82(a), (d) (before SB 446)',
      effectiveUntil: SB446,
    },
    {
      key: 'pre-2026',
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'with_individual_notice' },
      authority: AG,
      citation: 'Cal. Civ. Code § 1798.82(f) (before SB 446)',
      effectiveUntil: SB446,
      uncertain:
        'The earlier text set no time for the sample copy; Forthright asks for it with the individual notice.',
    },
  ],
);
