import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Alaska Personal Information Protection Act, Alaska Stat. §§ 45.48.010–45.48.090. */
export const US_AK: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AK',
    regime: 'Alaska Stat. § 45.48.010 et seq.',
    timeZone: 'America/Juneau',
    timeZoneNote: 'Juneau (the capital); the Aleutians west of 169°30′ keep Hawaii–Aleutian time.',
    triggers: [...US_CORE, 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Alaska Stat. § 45.48.010',
      uncertain:
        'Where the company determines, after an appropriate investigation, that there is no reasonable likelihood of harm, disclosure is not required, but only after written notification to the Attorney General (§ 45.48.010(c)): record it as a no-risk-of-harm determination, which creates that duty.',
    },
    {
      // § 45.48.010(c): "disclosure is not required if, after an appropriate investigation and after
      // written notification to the attorney general of this state, the covered person determines that
      // there is not a reasonable likelihood that harm … has resulted or will result".
      key: 'no-harm',
      audience: 'regulator',
      onlyWhen: { determination: 'no_risk_of_harm' },
      deadline: {
        kind: 'without_unreasonable_delay',
        from: 'determination',
        wording: 'in writing, before relying on the determination that harm is not reasonably likely',
      },
      authority: { name: 'Alaska Attorney General', website: 'https://law.alaska.gov' },
      citation: 'Alaska Stat. § 45.48.010(c)',
      uncertain:
        'The written notification is a condition of the determination, so Forthright makes it due at once when the determination is approved. The determination must be documented in writing and kept for five years; the notification is not a public record.',
    },
    creditBureaus(1001, 'Alaska Stat. § 45.48.040'),
  ],
);
