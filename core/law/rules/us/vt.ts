import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Vermont Security Breach Notice Act, 9 V.S.A. § 2435. */
const AG = { name: 'Vermont Attorney General', website: 'https://ago.vermont.gov' };

export const US_VT: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-VT',
    regime: '9 V.S.A. § 2435',
    timeZone: 'America/New_York',
    triggers: [
      ...US_CORE,
      'passport',
      'tax_id',
      'medical',
      'health_insurance',
      'biometric',
      'genetic',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: MOST_EXPEDIENT,
      },
      authority: AG,
      citation: '9 V.S.A. § 2435(b)(1)',
    },
    {
      // The preliminary notice; the company also sends the AG a copy of the consumer notice when it goes out.
      audience: 'regulator',
      deadline: { kind: 'business_days', days: 14, from: 'discovery' },
      notLaterThanIndividualNotice: true,
      authority: AG,
      citation: '9 V.S.A. § 2435(b)(3)',
      uncertain:
        'Licensees of the Department of Financial Regulation notify it instead. A data collector that had sworn to the Attorney General, before the breach, that it maintains written security policies and procedures gives this preliminary notice before notifying consumers instead (§ 2435(b)(3)(B), from a secondary summary): Forthright does not record that affirmation, so it does not hold delivery for it. Business days skip Vermont’s state holidays (1 V.S.A. § 371) except Juneteenth, which we are unsure of.',
    },
    {
      // § 2435(d)(1): notice is not required if the data collector establishes that misuse of the
      // information is not reasonably possible and gives notice of that determination, with a detailed
      // explanation, to the Attorney General (or the Department of Financial Regulation for its licensees).
      key: 'no-harm',
      audience: 'regulator',
      onlyWhen: { determination: 'no_risk_of_harm' },
      deadline: {
        kind: 'without_unreasonable_delay',
        from: 'determination',
        wording: 'notice of the determination with a detailed explanation, before relying on it',
      },
      authority: AG,
      citation: '9 V.S.A. § 2435(d)(1)',
      uncertain:
        'Not checked against the official text in this review (only secondary summaries were found). The statute names no time: the notice is a condition of relying on the determination, so Forthright makes it due at once when the determination is approved. Licensees of the Department of Financial Regulation notify it instead; the explanation may be designated a trade secret.',
    },
    creditBureaus(1001, '9 V.S.A. § 2435(c)'),
  ],
);
