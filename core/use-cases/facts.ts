import type { Config } from '../config';
import type { Incident } from '../db/incidents';
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
