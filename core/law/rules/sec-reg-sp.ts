import type { Rule } from '../types';
import { GOVERNMENT_ID } from './common';

/**
 * SEC Regulation S-P, 17 CFR 248.30(a)(3)–(4) as amended in 2024 (89 FR 47688): broker-dealers,
 * investment advisers, investment companies, funding portals and transfer agents notify affected
 * individuals of unauthorised access to their sensitive customer information.
 */
export const SEC_REG_SP_RULES: readonly Rule[] = [
  {
    id: 'US-SEC.individuals.reg-s-p',
    jurisdiction: 'US-SEC',
    regime: 'SEC Regulation S-P (17 CFR 248.30)',
    audience: 'individuals',
    electronicNotice: { kind: 'esign_consent', citation: '17 CFR 248.30(a)(4)(i); 15 U.S.C. § 7001(c)(1)' },
    // "Sensitive customer information": identifiers such as SSNs and government numbers, account and card
    // numbers with access codes, biometric records, authentication data (248.30(d)(12)).
    triggers: [
      'ssn',
      'drivers_license',
      ...GOVERNMENT_ID,
      'financial_account',
      'payment_card',
      'account_credentials',
      'biometric',
    ],
    // Customers of the institution, wherever they live.
    scope: { kind: 'pooled', where: { anywhere: true } },
    requiresRegime: 'secRegSpInstitution',
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 30,
      from: 'discovery',
      wording: 'as soon as practicable',
    },
    // The exception is a risk finding (no reasonable likelihood of substantial harm, 248.30(a)(4)(i)), not encryption.
    safeHarbour: 'none',
    // (a)(4)(iv): what happened, the data, how to reach the institution, advice to review account
    // statements, fraud alerts, the FTC's identity-theft guidance, free credit reports.
    requiredContent: ['credit_bureaus', 'fraud_alert', 'ftc_contact'],
    citation: '17 CFR 248.30(a)(4)',
    effectiveFrom: '2025-12-03',
    uncertain:
      'Compliance is required from 3 December 2025 for larger entities and 3 June 2026 for smaller ones; Forthright applies it from the earlier date. The 30 days run from becoming aware that unauthorised access occurred or is reasonably likely; notice is not needed if, after a reasonable investigation, the institution determines the information has not been and is not reasonably likely to be used in a way causing substantial harm or inconvenience (a judgement the officer records). The Attorney General may ask for a delay on national-security or public-safety grounds. A service provider must tell the institution within 72 hours (248.30(a)(5)(i)); that duty is on the provider.',
    timeZone: 'America/New_York',
  },
];
