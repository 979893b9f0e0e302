import type { Rule, SubstituteNotice } from '../../types';
import { US_CORE, creditBureaus, stateRules, SUBSTITUTE_UNVERIFIED } from '../common';

/** Substitute notice for the individuals' rule(s). */
const SUBSTITUTE: readonly SubstituteNotice[] = [
  {
    when: { costExceedsUsd: 250_000, affectedExceeds: 500_000, unreachableAtLeast: 1 },
    consistsOf: [
      {
        kind: 'website',
        wording: 'a conspicuous notice on the Internet website of the covered entity if it maintains one',
      },
      {
        kind: 'media',
        wording:
          'notice in print and to broadcast media, including major media in urban and rural areas where the affected individuals reside',
      },
    ],
    citation: 'Fla. Stat. § 501.171(6)(b)',
    uncertain: SUBSTITUTE_UNVERIFIED,
  },
];

/** Florida Information Protection Act of 2014, Fla. Stat. § 501.171. */
export const US_FL: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-FL',
    regime: 'Fla. Stat. § 501.171',
    // § 501.171(4)(d): written notice to the mailing address, or "e-mail notice sent to the e-mail
    // address for the individual in the records of the covered entity" — no consent needed.
    electronicNotice: { kind: 'allowed', citation: 'Fla. Stat. § 501.171(4)(d)2.' },
    timeZone: 'America/New_York',
    timeZoneNote: 'Tallahassee (the capital); the western panhandle is on Central time.',
    // § 501.171(1)(g)1.a.(VI)–(VII), added by SB 262 (2023) from 1 July 2024: biometric data and "any
    // information regarding an individual's geolocation".
    triggers: [
      ...US_CORE,
      'passport',
      'medical',
      'health_insurance',
      'biometric',
      'precise_geolocation',
      'account_credentials',
    ],
    uncertain:
      'Biometric data and geolocation count from 1 July 2024 (SB 262, 2023); an incident discovered before then that exposed only those is flagged although the earlier text did not cover it. The statute says any geolocation information, not only precise location: coarser location data may also count.',
  },
  [
    {
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: 'as expeditiously as practicable and without unreasonable delay',
      },
      citation: 'Fla. Stat. § 501.171(4)(a)',
      uncertain:
        'A 15-day extension is available on good cause given in writing to the Department of Legal Affairs within 30 days.',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 500 },
      deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
      authority: {
        name: 'Florida Department of Legal Affairs (Attorney General)',
        website: 'https://www.myfloridalegal.com',
      },
      citation: 'Fla. Stat. § 501.171(3)(a)',
      uncertain: 'A 15-day extension is available on good cause given in writing within 30 days.',
    },
    {
      // § 501.171(4)(c): notice to individuals is not required if, after an appropriate
      // investigation and consultation with law enforcement, the covered entity reasonably determines
      // that the breach has not and will not likely result in identity theft or other financial harm;
      // the determination is documented in writing, kept for five years and given to the Department.
      key: 'no-harm',
      audience: 'regulator',
      onlyWhen: { determination: 'no_risk_of_harm' },
      deadline: { kind: 'calendar_days', days: 30, from: 'determination' },
      authority: {
        name: 'Florida Department of Legal Affairs (Attorney General)',
        website: 'https://www.myfloridalegal.com',
      },
      citation: 'Fla. Stat. § 501.171(4)(c)',
      uncertain:
        'Checked against secondary summaries of § 501.171(4)(c) only, not the official text, in this review. The determination needs consultation with the relevant law-enforcement agencies first; Forthright does not record that consultation.',
    },
    creditBureaus(1001, 'Fla. Stat. § 501.171(5)', { atOneTime: 'at a single time' }),
  ],
);
