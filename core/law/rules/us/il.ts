import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules, commonSubstituteNotice } from '../common';

/** Illinois Personal Information Protection Act, 815 ILCS 530. */
export const US_IL: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-IL',
    regime: '815 ILCS 530',
    timeZone: 'America/Chicago',
    triggers: [...US_CORE, 'medical', 'health_insurance', 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(250_000, 500_000, '815 ILCS 530/10(c)(3)', {
        checkedAgainst: 'https://www.ilga.gov/legislation/ilcs/documents/081505300K10.htm',
      }),
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'fraud_alert', 'credit_freeze'],
      // 10(a): "The notification shall not, however, include information concerning the number of
      // Illinois residents affected by the breach."
      noticeRestrictions: ['omit_number_affected'],
      citation: '815 ILCS 530/10(a)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'with_individual_notice' },
      authority: { name: 'Illinois Attorney General', website: 'https://www.illinoisattorneygeneral.gov' },
      citation: '815 ILCS 530/10(e)',
      effectiveFrom: '2020-01-01',
    },
  ],
);
