/**
 * The vocabulary of determinations: a documented, four-eyes-approved decision by compliance that
 * changes what the law asks of an incident (core/use-cases/determinations.ts records them, core/law
 * `assessObligations` applies the approved ones). Pure `as const` sets, restated as CHECK constraints
 * by migration 022 and held together with them by test/core/db/status-sets.test.ts. Workflows may
 * import it.
 */

/**
 * `no_risk_of_harm`: an investigation found no reasonable likelihood of harm (e.g. AS 45.48.010(c),
 * Fla. Stat. § 501.171(4)(c), N.Y. GBL § 899-aa(2)(a), 9 V.S.A. § 2435(d)(1)); the notices it covers are
 * not required, and some states then ask for the determination in writing instead.
 * `lead_supervisory_authority`: the GDPR one-stop shop (Art. 56): only the lead supervisory authority
 * is notified under Art. 33. `exemption`: another statutory exemption (e.g. encrypted data whose key
 * was not exposed, a federal regulator's regime deemed compliant). `safe_harbour`: notice given under
 * the entity's own policy or a primary regulator's rules that the statute deems compliant.
 * `law_enforcement_request`: a law-enforcement agency asked for a delay; it does not remove a duty, it
 * holds delivery (`placeIncidentHold` in core/use-cases/obligations.ts).
 * `incident_withdrawal`: the incident is withdrawn as a whole (a false alarm, a duplicate of another):
 * every obligation is not required with the reason, its workflow stops (timers, reminders, the
 * standard notice at the cut-off) and nothing more is sent; it cannot be withdrawn in turn.
 */
export const DETERMINATION_KINDS = [
  'no_risk_of_harm',
  'lead_supervisory_authority',
  'exemption',
  'safe_harbour',
  'law_enforcement_request',
  'incident_withdrawal',
] as const;
export type DeterminationKind = (typeof DETERMINATION_KINDS)[number];

/** Proposed by one compliance user, approved or rejected by a second; an approved one may be withdrawn. */
export const DETERMINATION_STATUSES = ['proposed', 'approved', 'rejected', 'withdrawn'] as const;
export type DeterminationStatus = (typeof DETERMINATION_STATUSES)[number];

/** An approved determination as the law engine sees it (core/db/determinations.ts `approvedFacts`). */
export interface DeterminationFact {
  id: string;
  kind: DeterminationKind;
  /** Rule ids it covers; empty: every rule of `jurisdictions`. */
  ruleIds: string[];
  /** Jurisdictions it covers; both empty: the whole incident. */
  jurisdictions: string[];
  /** lead_supervisory_authority: the member state of the lead SA (GDPR Art. 56), e.g. 'IE'. */
  leadJurisdiction: string | null;
  reason: string;
  approvedAt: Date;
}
