/**
 * The parts of an individual notice whose presence the law decides. Law rules (core/law) list the
 * parts they require; the notice renderer (core/mail) composes a notice from the union of parts
 * required by every rule that applies to the recipient. One vocabulary, so the two cannot drift.
 */
export const CONTENT_PARTS = [
  /** California Civ. Code 1798.82(d): title "Notice of Data Breach" and the five headings, in order. */
  'us_ca_format',
  /** Toll-free numbers, addresses and websites of Equifax, Experian and TransUnion. */
  'credit_bureaus',
  /** The Federal Trade Commission's contact details and identitytheft.gov. */
  'ftc_contact',
  /** The state attorney general's (or other state regulator's) contact details. */
  'state_regulator_contact',
  /** The right to place a security freeze, free of charge, and how. */
  'credit_freeze',
  /** How to place a fraud alert. */
  'fraud_alert',
  /** The right to obtain a police report (e.g. Massachusetts). */
  'police_report',
  /** An offer of identity-theft prevention and mitigation services at no cost (required for SSN exposure by some states). */
  'identity_theft_protection',
  /** GDPR Art. 34 / UK GDPR: nature of the breach, DPO contact, likely consequences, measures taken. */
  'gdpr_art34',
  /** Contact of the data protection officer or privacy office. */
  'dpo_contact',
  /** The supervisory authority (national regulator) the person may complain to. */
  'supervisory_authority_contact',
  /** HIPAA 45 CFR 164.404(c): toll-free number, e-mail, website or postal address for questions. */
  'hipaa_contact',
  /**
   * New Mexico § 57-12C-7(6)–(7): advice to review account statements and credit reports for errors,
   * and the person's rights under the federal Fair Credit Reporting Act.
   */
  'fcra_rights',
] as const;

export type ContentPart = (typeof CONTENT_PARTS)[number];

/** How the company can be reached, as every notice names it (from the configuration, frozen with a draft). */
export interface CompanyContact {
  name: string;
  postalAddress: string;
  supportEmail: string;
  supportPhone: string;
  dpoContact: string;
}

/** A regulator or authority a notice may need to name (taken from the law rules). */
export interface AuthorityContact {
  name: string;
  website?: string;
  phone?: string;
  postalAddress?: string;
  /** Where the authority takes filings by email (core/law/packets.ts `submissionFor`); FILING_EMAILS may add one. */
  email?: string;
}
