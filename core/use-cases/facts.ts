import type { Config } from '../config';
import * as affected from '../db/affected';
import * as determinations from '../db/determinations';
import type { Incident } from '../db/incidents';
import type { Queryable } from '../db/pool';
import type { IncidentFacts } from '../law';

/** What of an incident the law engine reads (a stored incident, or a preview's hypothetical one). */
export type FactsSource = Pick<Incident, 'discoveredAt' | 'encrypted' | 'keyCompromised'> &
  Partial<Pick<Incident, 'materialityDeterminedAt' | 'extortionPaidAt'>>;

/**
 * The facts the law engine decides an incident's rules by: the one place they are built, for the
 * assessment, the unplaced people, the channel plan and the rules preview alike, so that none of
 * them reads a fact the others miss (the company profile's regimes come from configuration).
 */
export function incidentFacts(
  incident: FactsSource,
  config: { company: Pick<Config['company'], 'regimes'> },
): IncidentFacts {
  return {
    discoveredAt: incident.discoveredAt,
    encrypted: incident.encrypted,
    keyCompromised: incident.keyCompromised,
    materialityDeterminedAt: incident.materialityDeterminedAt ?? null,
    extortionPaidAt: incident.extortionPaidAt ?? null,
    regimes: config.company.regimes,
  };
}

/**
 * The facts an assessment decides by: `incidentFacts`, with the incident's approved determinations
 * (core/db/determinations.ts) and the time notice to each jurisdiction's people actually went out
 * (core/db/affected.ts `individualNoticeTimes`), read inside the caller's transaction.
 */
export async function assessmentFacts(
  db: Queryable,
  incident: FactsSource & Pick<Incident, 'id'>,
  config: { company: Pick<Config['company'], 'regimes'> },
): Promise<IncidentFacts> {
  const approved = await determinations.approvedFacts(db, incident.id);
  const noticeTimes = await affected.individualNoticeTimes(db, incident.id);
  return {
    ...incidentFacts(incident, config),
    determinations: approved,
    individualNoticeAtByJurisdiction: noticeTimes,
  };
}
