import type { Queryable } from './pool';

/**
 * Overrides of a filing that must precede the individuals' notice (migration 023): compliance let
 * delivery go ahead before it was filed. No business rules: core/use-cases/prior-filings.ts decides.
 */
export interface PriorFilingOverride {
  ruleId: string;
  jurisdiction: string;
  reason: string;
  overriddenBy: string;
  overriddenAt: Date;
}

const COLUMNS = `rule_id AS "ruleId", jurisdiction, reason, overridden_by AS "overriddenBy",
  overridden_at AS "overriddenAt"`;

export async function listForIncident(db: Queryable, incidentId: string): Promise<PriorFilingOverride[]> {
  const { rows } = await db.query<PriorFilingOverride>(
    `SELECT ${COLUMNS} FROM prior_filing_overrides WHERE incident_id = $1 ORDER BY overridden_at, rule_id`,
    [incidentId],
  );
  return rows;
}

/** Records an override once; null when one was recorded already (the first reason stands). */
export async function record(
  db: Queryable,
  incidentId: string,
  input: Pick<PriorFilingOverride, 'ruleId' | 'jurisdiction' | 'reason' | 'overriddenBy'>,
): Promise<PriorFilingOverride | null> {
  const { rows } = await db.query<PriorFilingOverride>(
    `INSERT INTO prior_filing_overrides (incident_id, rule_id, jurisdiction, reason, overridden_by)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [incidentId, input.ruleId, input.jurisdiction, input.reason, input.overriddenBy],
  );
  return rows[0] ?? null;
}
