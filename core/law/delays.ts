import type { Audience } from '../domain/model';

/**
 * Whether, and on what condition, a law-enforcement request may delay notice under a jurisdiction's
 * rules. Most US state breach statutes allow it; the sector regimes differ, and most laws outside
 * the US give none, so a reason can be recorded there but the deadline keeps running.
 */
export interface LawEnforcementDelay {
  permitted: boolean;
  /** Only these audiences' notices may wait (Québec: the persons concerned, not the Commission). */
  onlyFor?: readonly Audience[];
  /** The condition or limit, in words, with the provision. */
  condition: string;
  /**
   * How many days a request made orally may hold notice, counted from the oral statement, unless a
   * written statement follows (HIPAA: 30, 45 CFR 164.412(b)); absent where the law sets no such limit.
   */
  oralRequestMaxDays?: number;
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
    oralRequestMaxDays: 30,
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
  ZA: {
    permitted: true,
    condition:
      'Only where a public body responsible for the prevention, detection or investigation of offences, or the Information Regulator, determines that notice would impede a criminal investigation (POPIA s 22(3)).',
  },
  'CA-QC': {
    permitted: true,
    onlyFor: ['individuals'],
    condition:
      'The notice to the persons concerned may wait while it could hamper an investigation by a body responsible by law for the prevention, detection or repression of crime (CQLR c. P-39.1, s 3.5, third paragraph); the notice to the Commission has no such pause.',
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
  // Any other US jurisdiction, a state's own sector rule included ('US-CA-CDPH', § 1280.15(c)): the state default.
  if (jurisdiction.startsWith('US-')) return US_STATE;
  return NONE;
}

/**
 * Whether a law-enforcement request may pause the deadline under a jurisdiction's rules, for this
 * audience's notice where one is given (every audience where it is not restricted).
 */
export function lawEnforcementDelayPermitted(jurisdiction: string, audience?: Audience): boolean {
  const delay = lawEnforcementDelay(jurisdiction);
  if (!delay.permitted) return false;
  return audience === undefined || delay.onlyFor === undefined || delay.onlyFor.includes(audience);
}

/**
 * The most days an oral law-enforcement request may hold this jurisdiction's notice before the clock
 * runs again by itself (HIPAA: 30, 45 CFR 164.412(b)), or null where the law sets no such limit.
 */
export function oralHoldLimitDays(jurisdiction: string): number | null {
  return lawEnforcementDelay(jurisdiction).oralRequestMaxDays ?? null;
}
