/**
 * Whether, and on what condition, a law-enforcement request may delay notice under a jurisdiction's
 * rules. Most US state breach statutes allow it; the sector regimes differ, and most laws outside
 * the US give none, so a reason can be recorded there but the deadline keeps running.
 */
export interface LawEnforcementDelay {
  permitted: boolean;
  /** The condition or limit, in words, with the provision. */
  condition: string;
}

const US_STATE: LawEnforcementDelay = {
  permitted: true,
  condition:
    'A law-enforcement agency determines that notice would impede a criminal investigation (the state statute’s own terms; some require the request in writing).',
};

const NONE: LawEnforcementDelay = {
  permitted: false,
  condition: 'The law provides no law-enforcement delay: the deadline keeps running.',
};

/** Jurisdictions whose rule differs from the default of their kind. */
const BY_JURISDICTION: Readonly<Record<string, LawEnforcementDelay>> = {
  'US-NYDFS': {
    permitted: false,
    condition: '23 NYCRR 500.17 provides no law-enforcement delay: the 72 hours keep running.',
  },
  'US-SEC': {
    permitted: true,
    condition:
      'Only where the US Attorney General determines that disclosure poses a substantial risk to national security or public safety and notifies the SEC in writing (Form 8-K Item 1.05(c)): 30 days, extendable by the Attorney General.',
  },
  'US-HIPAA': {
    permitted: true,
    condition:
      'A law-enforcement official’s statement that notice would impede an investigation or damage national security (45 CFR 164.412): for the time in a written statement; an oral statement, documented, delays for no more than 30 days unless a written one follows.',
  },
  'US-FTC': {
    permitted: true,
    condition:
      'Safeguards Rule: a law-enforcement official may ask the FTC in writing to delay public posting (16 CFR 314.4(j)(2)); HBNR: as for HIPAA, 16 CFR 318.4(c).',
  },
  SG: {
    permitted: false,
    condition:
      'The PDPA gives no law-enforcement delay for the PDPC’s notice; a prescribed law-enforcement agency may only direct that individuals not be notified (s 26D(6)).',
  },
  AU: {
    permitted: false,
    condition:
      'The NDB scheme gives no law-enforcement delay; an enforcement-related activity exception covers enforcement bodies only (s 26WN), and the Commissioner may extend or waive the individuals’ notice on application (s 26WQ).',
  },
};

/** The law-enforcement delay rule of a jurisdiction. */
export function lawEnforcementDelay(jurisdiction: string): LawEnforcementDelay {
  const own = BY_JURISDICTION[jurisdiction];
  if (own) return own;
  // Sub-rules of a sector regime share its answer ('US-CA-CDPH' falls to the state default).
  if (jurisdiction.startsWith('US-')) return US_STATE;
  return NONE;
}

/** Whether a law-enforcement request may pause the deadline under a jurisdiction's rules. */
export function lawEnforcementDelayPermitted(jurisdiction: string): boolean {
  return lawEnforcementDelay(jurisdiction).permitted;
}
