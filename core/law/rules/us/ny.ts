import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/**
 * New York, Gen. Bus. Law § 899-aa, as amended in December 2024 (30-day limit; the Department of
 * Financial Services added to the agencies notified).
 */
const AMENDED = '2024-12-21';
const WITH_NOTICE = {
  kind: 'with_individual_notice',
  wording:
    'as to the timing, content and distribution of the notices, no later than the notice to individuals',
} as const;
const REGULATOR_NOTE =
  'The statute sets no separate time for the agencies’ notice; Forthright asks for it with the individual notice.';

/** Substitute notice, for the individuals' rules old and new. */
const SUBSTITUTE = commonSubstituteNotice(250_000, 500_000, 'N.Y. Gen. Bus. Law § 899-aa(5)(d)', {
  uncertain:
    'E-mail notice is not allowed where the breached information includes an e-mail address with its password or security question and answer; Forthright does not check that here.',
});

export const US_NY: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NY',
    regime: 'N.Y. Gen. Bus. Law § 899-aa',
    electronicNotice: {
      kind: 'express_consent',
      citation: 'N.Y. Gen. Bus. Law § 899-aa(5)(b)',
      uncertain:
        'Electronic notice only where the person expressly consented to receive it and a log of each such notice is kept (§ 899-aa(5)(b)); the consent on record (when and how) stands for the express consent, the delivery record for the log.',
    },
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'medical', 'health_insurance', 'biometric', 'account_credentials'],
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
      requiredContent: ['state_regulator_contact', 'ftc_contact'],
      authority: { name: 'New York State Attorney General', website: 'https://ag.ny.gov' },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(2), (7)',
      effectiveFrom: AMENDED,
      uncertain:
        'The 30-day limit (Laws of 2024) is encoded from 21 December 2024; the addition of medical and health-insurance data to "private information" took effect in 2025 — a lawyer should confirm both dates.',
    },
    // The text before the 2024 amendment, kept for incidents discovered before 21 December 2024: no
    // day limit, and medical and health-insurance information not yet "private information".
    {
      key: 'pre-2024',
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      triggers: [...US_CORE, 'biometric', 'account_credentials'],
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      requiredContent: ['state_regulator_contact', 'ftc_contact'],
      authority: { name: 'New York State Attorney General', website: 'https://ag.ny.gov' },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(2), (7) (before the 2024 amendment)',
      effectiveUntil: AMENDED,
    },
    {
      audience: 'regulator',
      deadline: WITH_NOTICE,
      authority: { name: 'New York State Attorney General', website: 'https://ag.ny.gov' },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(8)(a)',
      uncertain: REGULATOR_NOTE,
    },
    {
      key: 'department-of-state',
      audience: 'regulator',
      deadline: WITH_NOTICE,
      authority: {
        name: 'New York Department of State, Division of Consumer Protection',
        website: 'https://dos.ny.gov',
      },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(8)(a)',
      uncertain: REGULATOR_NOTE,
    },
    {
      key: 'state-police',
      audience: 'regulator',
      deadline: WITH_NOTICE,
      authority: { name: 'New York State Police' },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(8)(a)',
      uncertain: REGULATOR_NOTE,
    },
    {
      key: 'dfs',
      audience: 'regulator',
      deadline: WITH_NOTICE,
      authority: {
        name: 'New York State Department of Financial Services',
        website: 'https://www.dfs.ny.gov',
      },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(8)(a), as amended (Laws of 2024)',
      effectiveFrom: '2025-03-21',
      uncertain: `${REGULATOR_NOTE} We believe the Department of Financial Services was added with effect from March 2025; confirm the date.`,
    },
    {
      // § 899-aa(2)(a): "If the incident affects over five hundred residents of New York, the person or
      // business shall provide the written determination to the state attorney general within ten
      // days after the determination."
      key: 'no-harm',
      audience: 'regulator',
      onlyWhen: { determination: 'no_risk_of_harm' },
      threshold: { minAffected: 501 },
      deadline: { kind: 'calendar_days', days: 10, from: 'determination' },
      authority: { name: 'New York State Attorney General', website: 'https://ag.ny.gov' },
      citation: 'N.Y. Gen. Bus. Law § 899-aa(2)(a)',
      uncertain:
        'The exception covers only an inadvertent disclosure by persons authorized to access the information that will not likely result in misuse or financial (or, for online credentials, emotional) harm; Forthright does not record whether the disclosure was inadvertent: compliance says so in the determination. The determination must be kept for at least five years.',
    },
    creditBureaus(5001, 'N.Y. Gen. Bus. Law § 899-aa(8)(b)', { atOneTime: 'at one time' }),
  ],
);
