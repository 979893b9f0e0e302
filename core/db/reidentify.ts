import { grownListKey } from '../domain/mailings';
import { identifyInputs, identifyParams, identifySql } from './affected';
import type { Queryable } from './pool';

/**
 * Re-identification after an amendment (migration 031; core/use-cases/amendments.ts): the incident's
 * people found again from its amended facts by the same statement as the first identification
 * (`identifySql`, into a temporary table instead of `affected_customers`), then compared with
 * those found before, in one transaction:
 * - added: records found now and not before. A new record of a person already affected (the same
 *   key or address as an earlier record) joins that person's notice rather than starting another:
 *   nobody gets two first notices. They are `pending` and get the notice when it is approved.
 * - grown: people found before whose exposed categories widened. Their record takes the union and
 *   keeps what it said before (`previous_categories`); those already told are listed for the
 *   supplement (`mailing_list_members`, list `amendment-<version>-grown`); those not yet told need
 *   nothing: their notice, when it goes, says all of it.
 * - removed: records not found any more. One not yet told becomes `not_affected` (never sent);
 *   every removed record leaves the law engine's counts. A record found again by a later amendment
 *   is restored (counted as added).
 * Safe to run again for the same version: a second run finds nothing more to change.
 */

const REIDENTIFY_SQL = identifySql('reidentified');

export interface ReidentifyCounts {
  added: number;
  grown: number;
  /** Of the grown, those already told: the supplement's recipients. */
  grownNotified: number;
  removed: number;
}

/** Runs the diff for `version` inside the caller's transaction. */
export async function reidentify(
  tx: Queryable,
  incidentId: string,
  version: number,
): Promise<ReidentifyCounts> {
  const facts = await identifyInputs(tx, incidentId);
  if (!facts) return { added: 0, grown: 0, grownNotified: 0, removed: 0 };
  await tx.query(`SET LOCAL work_mem = '256MB'`);
  await tx.query(`DROP TABLE IF EXISTS reidentified`);
  await tx.query(
    `CREATE TEMPORARY TABLE reidentified (LIKE affected_customers INCLUDING DEFAULTS) ON COMMIT DROP`,
  );
  await tx.query(REIDENTIFY_SQL, identifyParams(incidentId, facts));
  // Each record found now, with the person whose notice covers it: an earlier record keeps its
  // person; a new record of a person with an earlier record joins that person; else as found now.
  await tx.query(
    `CREATE TEMPORARY TABLE reidentified_people ON COMMIT DROP AS
     WITH adopt AS (
       SELECT coalesce(r.merged_into, r.customer_id) AS new_person,
              min(coalesce(a.merged_into, a.customer_id)) AS old_person
       FROM reidentified r
       JOIN affected_customers a ON a.incident_id = $1 AND a.customer_id = r.customer_id
       GROUP BY 1
     )
     SELECT r.customer_id, r.categories, r.masked_identifiers,
            coalesce(coalesce(a.merged_into, a.customer_id), ad.old_person, r.merged_into, r.customer_id) AS person,
            a.customer_id IS NOT NULL AS existed
     FROM reidentified r
     LEFT JOIN affected_customers a ON a.incident_id = $1 AND a.customer_id = r.customer_id
     LEFT JOIN adopt ad ON ad.new_person = coalesce(r.merged_into, r.customer_id)`,
    [incidentId],
  );

  const added = await tx.query(
    `INSERT INTO affected_customers
       (incident_id, customer_id, categories, masked_identifiers, jurisdiction, status, merged_into,
        notice_jurisdictions, found_by, reference_code, page_seed, full_name, email, locale, country, region,
        customer_status, representative_name, representative_email, postal_address, phone,
        electronic_consent_at, electronic_consent_method, added_in_version)
     SELECT $1, r.customer_id, r.categories, r.masked_identifiers, r.jurisdiction,
            CASE WHEN p.person <> r.customer_id THEN 'merged' ELSE r.status END,
            nullif(p.person, r.customer_id), r.notice_jurisdictions, r.found_by, r.reference_code, r.page_seed,
            r.full_name, r.email, r.locale, r.country, r.region, r.customer_status, r.representative_name,
            r.representative_email, r.postal_address, r.phone, r.electronic_consent_at,
            r.electronic_consent_method, $2
     FROM reidentified r JOIN reidentified_people p ON p.customer_id = r.customer_id
     WHERE NOT p.existed
     ORDER BY r.customer_id
     ON CONFLICT (incident_id, customer_id) DO NOTHING`,
    [incidentId, version],
  );
  // Found again after an earlier amendment had found them no longer affected.
  const restored = await tx.query(
    `UPDATE affected_customers a
     SET removed_in_version = NULL, added_in_version = $2,
         status = CASE WHEN a.status = 'not_affected' THEN 'pending' ELSE a.status END
     FROM reidentified_people p
     WHERE a.incident_id = $1 AND a.customer_id = p.customer_id AND a.removed_in_version IS NOT NULL`,
    [incidentId, version],
  );
  const grown = await tx.query(
    `WITH unions AS (
       SELECT p.person, array_agg(DISTINCT cat ORDER BY cat) AS categories
       FROM reidentified_people p CROSS JOIN LATERAL unnest(p.categories) AS cat GROUP BY p.person
     ),
     masks AS (
       SELECT p.person, jsonb_object_agg(x.key, x.value) AS masked
       FROM reidentified_people p CROSS JOIN LATERAL jsonb_each(p.masked_identifiers) AS x GROUP BY p.person
     )
     UPDATE affected_customers a
     SET previous_categories = a.categories,
         categories = ARRAY(SELECT DISTINCT c FROM unnest(a.categories || u.categories) AS c ORDER BY c),
         masked_identifiers = a.masked_identifiers || coalesce(m.masked, '{}'),
         grown_in_version = $2
     FROM unions u LEFT JOIN masks m ON m.person = u.person
     WHERE a.incident_id = $1 AND a.customer_id = u.person AND a.merged_into IS NULL
       AND a.added_in_version IS DISTINCT FROM $2
       AND NOT (u.categories <@ a.categories)`,
    [incidentId, version],
  );
  const listed = await tx.query(
    `INSERT INTO mailing_list_members (incident_id, list_key, customer_id)
     SELECT incident_id, $3, customer_id FROM affected_customers
     WHERE incident_id = $1 AND grown_in_version = $2 AND status = 'notified'
     ON CONFLICT DO NOTHING`,
    [incidentId, version, grownListKey(version)],
  );
  const removed = await tx.query(
    `UPDATE affected_customers a
     SET removed_in_version = $2,
         status = CASE WHEN a.status = 'pending' AND a.merged_into IS NULL THEN 'not_affected' ELSE a.status END
     WHERE a.incident_id = $1 AND a.removed_in_version IS NULL
       AND NOT EXISTS (SELECT 1 FROM reidentified_people p WHERE p.customer_id = a.customer_id)
       AND NOT EXISTS (SELECT 1 FROM reidentified_people p WHERE p.person = a.customer_id)`,
    [incidentId, version],
  );
  return {
    added: (added.rowCount ?? 0) + (restored.rowCount ?? 0),
    grown: grown.rowCount ?? 0,
    grownNotified: listed.rowCount ?? 0,
    removed: removed.rowCount ?? 0,
  };
}

/** How many people a version's diff listed for its supplement (those already told whose exposure grew). */
export async function countGrownListed(db: Queryable, incidentId: string, version: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM mailing_list_members WHERE incident_id = $1 AND list_key = $2`,
    [incidentId, grownListKey(version)],
  );
  return rows[0]?.n ?? 0;
}
