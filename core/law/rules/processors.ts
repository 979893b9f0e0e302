import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { GDPR_STATES } from './gdpr';

/**
 * A processor's duty to the controller it acts for (GDPR and UK GDPR Art. 33(2)), for companies the
 * profile marks as processors. Forthright's audiences have no "controller" (obligations.audience is
 * checked by migration 002), so the duty is tracked as a regulator-type obligation naming the
 * controller as the one to notify. HIPAA business associates are in hipaa.ts.
 */
const CONTROLLER: AuthorityContact = {
  name: 'The controller for which the company processes the personal data',
};

export const PROCESSOR_RULES: readonly Rule[] = [
  {
    id: 'EU-PROCESSOR.regulator.controller',
    jurisdiction: 'EU-PROCESSOR',
    regime: 'GDPR / UK GDPR Art. 33(2)',
    audience: 'regulator',
    triggers: 'any_personal_data',
    scope: { kind: 'pooled', where: { countries: [...GDPR_STATES, 'GB'] } },
    requiresRegime: 'processor',
    deadline: {
      kind: 'without_unreasonable_delay',
      from: 'discovery',
      wording: 'without undue delay after becoming aware of the breach',
    },
    // Art. 33(2) has no exception: every breach goes to the controller, which then judges the risk.
    safeHarbour: 'none',
    requiredContent: [],
    authority: CONTROLLER,
    citation: 'Regulation (EU) 2016/679 Art. 33(2); UK GDPR Art. 33(2)',
    uncertain:
      'The data processing agreement (Art. 28(3)(f)) usually sets a number of hours; enter it as the policy target. Where the company is the controller for some customers and processor for others, the controller’s own duties apply to the former only: the officer decides which.',
    timeZone: 'Europe/Brussels',
    timeZoneNote: 'No single zone: the controller’s; Brussels time is used.',
  },
];

const OWNER: AuthorityContact = {
  name: 'The owner or licensee of the data (the business for which the company maintains it)',
};

/** Service providers under US state statutes and Singapore's data intermediaries. */
export const SERVICE_PROVIDER_RULES: readonly Rule[] = [
  {
    id: 'US-PROCESSOR.regulator.owner',
    jurisdiction: 'US-PROCESSOR',
    regime: 'US state breach statutes (maintaining data the company does not own)',
    audience: 'regulator',
    triggers: 'any_personal_data',
    scope: { kind: 'pooled', where: { countries: ['US'] } },
    requiresRegime: 'processor',
    // The strictest of the common formulas: "immediately following discovery" (N.Y. Gen. Bus. Law
    // § 899-aa(3)), and no later than 10 days (Ala. Code § 8-38-8; Fla. Stat. § 501.171(6)(a)).
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 10,
      from: 'discovery',
      wording: 'immediately following discovery',
    },
    safeHarbour: 'encryption',
    requiredContent: [],
    authority: OWNER,
    citation:
      'e.g. N.Y. Gen. Bus. Law § 899-aa(3); Ala. Code § 8-38-8; Fla. Stat. § 501.171(6); Or. Rev. Stat. § 646A.604(2)',
    uncertain:
      'One obligation for every US state’s service-provider clause, at the strictest common terms; the triggers are each state’s personal information, read here as any personal data. Oregon also asks a vendor to tell the Attorney General where more than 250 residents are affected (or the number is unknown) within 10 days (§ 646A.604(2)(b)); that is not modelled.',
    timeZone: 'America/New_York',
    timeZoneNote: 'No single zone: the owner’s; Eastern time is used.',
  },
  {
    id: 'SG.regulator.data-intermediary',
    jurisdiction: 'SG',
    regime: 'PDPA',
    audience: 'regulator',
    triggers: 'any_personal_data',
    requiresRegime: 'processor',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'without undue delay' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: OWNER,
    citation: 'PDPA s 26C(3)(a)',
    effectiveFrom: '2021-02-01',
    uncertain:
      'A data intermediary processing for another organisation tells that organisation of any breach it has reason to believe occurred; the organisation then assesses it.',
    timeZone: 'Asia/Singapore',
  },
];
