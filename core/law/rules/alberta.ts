import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/** Alberta: Personal Information Protection Act (PIPA), s 34.1, and the PIPA Regulation, s 19. */
export const ALBERTA_RULES: readonly Rule[] = [
  {
    id: 'CA-AB.regulator',
    jurisdiction: 'CA-AB',
    regime: 'Alberta PIPA',
    audience: 'regulator',
    // Where a reasonable person would consider that a real risk of significant harm exists (s 34.1(1)).
    triggers: HIGH_RISK,
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: {
      name: 'Office of the Information and Privacy Commissioner of Alberta',
      website: 'https://oipc.ab.ca',
    },
    citation: 'PIPA, S.A. 2003, c. P-6.5, s 34.1; Personal Information Protection Act Regulation, s 19',
    effectiveFrom: '2010-05-01',
    uncertain: `${HIGH_RISK_NOTE} Individuals are notified where the Commissioner requires it (s 37.1; Regulation s 19.1): the officer records that direction; there is no individuals’ rule of its own here. PIPEDA may apply alongside it for interprovincial activity.`,
    timeZone: 'America/Edmonton',
  },
];
