import type { DataCategory } from '../domain/categories';
import type { Queryable } from './pool';

/*
 * Remediation codes (migration 025): pools of enrolment codes from a credit-monitoring or
 * identity-protection vendor, imported per incident, and one code per eligible person, handed out
 * in the statement that claims their notice (core/db/deliveries.ts `claim`, `assignForLetters`
 * below). Who is eligible is decided by the law engine per notice variant (jurisdictions and
 * categories: core/law `identityProtectionTerm`); SQL sees it as a list of variant keys
 * (`ELIGIBILITY_KEY_SQL`).
 */

/** What a person's notice and page say about their code: the product and how to enrol. */
export interface RemediationOffer {
  provider: string;
  product: string;
  /** The product's term in months. */
  months: number;
  /** The last day to enrol, YYYY-MM-DD (a date, not an instant: the vendor's deadline). */
  enrollBy: string;
  enrollUrl: string;
  code: string;
  /** The vendor's product for minors. */
  forMinors: boolean;
}

/** The offer as JSON, from a code row `k` and its pool `p`. */
export const OFFER_JSON_SQL = (k: string, p: string) => `json_build_object('provider', ${p}.provider,
  'product', ${p}.product, 'months', ${p}.term_months, 'enrollBy', to_char(${p}.enroll_by, 'YYYY-MM-DD'),
  'enrollUrl', ${p}.enroll_url, 'code', ${k}.code, 'forMinors', ${p}.for_minors)`;

/**
 * A person's code, as a column of a query over their record (alias `a`): one probe of the unique
 * (incident, customer) index. Part of core/db/affected.ts NOTICE_PERSON_COLUMNS, so every source a
 * notice is rendered from (delivery, letters, the page, the sent copy) carries the same code.
 */
export const REMEDIATION_COLUMN_SQL = `(SELECT ${OFFER_JSON_SQL('k', 'p')}
    FROM remediation_codes k JOIN remediation_code_pools p ON p.id = k.pool_id
    WHERE k.incident_id = a.incident_id AND k.customer_id = a.customer_id) AS remediation`;

/**
 * Whether the customer (alias `c`, the inventory row) is a minor today: a date of birth less than
 * 18 years ago. No date of birth: an adult.
 */
export const MINOR_SQL = (c: string) =>
  `coalesce(${c}.date_of_birth > (current_date - interval '18 years')::date, false)`;

/**
 * A person's notice variant as far as eligibility goes (alias `a`): their notice's jurisdictions and
 * exposed categories, as `variantKey` writes them in TypeScript.
 */
export const ELIGIBILITY_KEY_SQL = `coalesce(array_to_string(a.notice_jurisdictions, '+'), a.jurisdiction)
  || '|' || array_to_string(a.categories, ',')`;

/** The TypeScript twin of ELIGIBILITY_KEY_SQL. */
export function variantKey(jurisdictions: readonly string[], categories: readonly string[]): string {
  return `${jurisdictions.join('+')}|${categories.join(',')}`;
}

export interface CodePool {
  id: string;
  incidentId: string;
  provider: string;
  product: string;
  termMonths: number;
  enrollBy: string;
  enrollUrl: string;
  forMinors: boolean;
  codes: number;
  /** Codes not yet given to anyone. */
  free: number;
  fileSha256: string;
  /** Which of the file's products (1, 2, …: a file listing several is several pools). */
  part: number;
  importedBy: string;
  importedAt: Date;
}

const POOL_COLUMNS = `p.id, p.incident_id AS "incidentId", p.provider, p.product, p.term_months AS "termMonths",
  to_char(p.enroll_by, 'YYYY-MM-DD') AS "enrollBy", p.enroll_url AS "enrollUrl", p.for_minors AS "forMinors",
  p.codes, p.file_sha256 AS "fileSha256", p.part, p.imported_by AS "importedBy", p.imported_at AS "importedAt"`;

export type NewCodePool = Omit<CodePool, 'id' | 'codes' | 'free' | 'importedAt'>;

/**
 * Records a pool and its codes in one statement. Null when the same file (and part) was imported
 * for the incident before (nothing written). A code the provider's pools already hold breaks
 * `remediation_code_once`: callers check with `existingCodes` first to name it.
 */
export async function insertPool(
  db: Queryable,
  pool: NewCodePool,
  codes: readonly string[],
): Promise<{ id: string } | null> {
  const { rows } = await db.query<{ id: string }>(
    `WITH p AS (
       INSERT INTO remediation_code_pools
         (incident_id, provider, product, term_months, enroll_by, enroll_url, for_minors, codes, file_sha256, part,
          imported_by)
       VALUES ($1, $2, $3, $4, $5::date, $6, $7, cardinality($8::text[]), $9, $11, $10)
       ON CONFLICT ON CONSTRAINT remediation_code_pools_file_once DO NOTHING
       RETURNING id, incident_id, provider, for_minors
     ),
     k AS (
       INSERT INTO remediation_codes (pool_id, incident_id, provider, for_minors, code)
       SELECT p.id, p.incident_id, p.provider, p.for_minors, x.code
       FROM p CROSS JOIN unnest($8::text[]) WITH ORDINALITY AS x(code, n) ORDER BY x.n
     )
     SELECT id FROM p`,
    [
      pool.incidentId,
      pool.provider,
      pool.product,
      pool.termMonths,
      pool.enrollBy,
      pool.enrollUrl,
      pool.forMinors,
      codes,
      pool.fileSha256,
      pool.importedBy,
      pool.part,
    ],
  );
  return rows[0] ?? null;
}

/** Of `codes`, those the provider's pools already hold (any incident), sorted. */
export async function existingCodes(
  db: Queryable,
  provider: string,
  codes: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM remediation_codes WHERE provider = $1 AND code = ANY($2::text[]) ORDER BY code`,
    [provider, codes],
  );
  return rows.map((r) => r.code);
}

/** An incident's pools, oldest import first (a file's products in its order), each with how many of its codes are still free. */
export async function listPools(db: Queryable, incidentId: string): Promise<CodePool[]> {
  const { rows } = await db.query<CodePool>(
    `SELECT ${POOL_COLUMNS},
            (SELECT count(*) FROM remediation_codes k WHERE k.pool_id = p.id AND k.customer_id IS NULL)::int AS free
     FROM remediation_code_pools p WHERE p.incident_id = $1 ORDER BY p.imported_at, p.file_sha256, p.part`,
    [incidentId],
  );
  return rows;
}

/** People of an incident who may need a code, grouped by what decides it. */
export interface EligibilityGroup {
  /** The notice's jurisdictions (several when merged records span them). */
  jurisdictions: string[];
  categories: DataCategory[];
  minor: boolean;
  /** People in the group (records that receive a notice, not deceased: see below). */
  people: number;
  /** Of those, people holding a code. */
  withCode: number;
}

/**
 * The incident's people who receive a notice of their own (not merged into another's, not handled
 * by hand) and are alive — a representative of a deceased person is told to contact the company,
 * never sent a code — grouped by their notice's jurisdictions and categories and by being a minor,
 * with how many hold a code. A handful of groups, one statement.
 */
export async function eligibilityGroups(db: Queryable, incidentId: string): Promise<EligibilityGroup[]> {
  const { rows } = await db.query<EligibilityGroup>(
    `SELECT coalesce(a.notice_jurisdictions, ARRAY[a.jurisdiction]) AS jurisdictions, a.categories,
            ${MINOR_SQL('c')} AS minor, count(*)::int AS people, count(k.id)::int AS "withCode"
     FROM affected_customers a
     JOIN customers c ON c.id = a.customer_id
     LEFT JOIN remediation_codes k ON k.incident_id = a.incident_id AND k.customer_id = a.customer_id
     WHERE a.incident_id = $1 AND a.status NOT IN ('merged', 'manual') AND a.customer_status <> 'deceased'
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [incidentId],
  );
  return rows;
}

/** An eligible person without a code: who to follow up with by hand, or once more codes come. */
export interface PersonWithoutCode {
  customerId: number;
  externalId: string;
  referenceCode: string;
  jurisdiction: string;
  minor: boolean;
  /** Their email's delivery status, if any (null: not emailed yet). */
  deliveryStatus: string | null;
}

/**
 * The people in the eligible variants (`eligibleKeys`, see ELIGIBILITY_KEY_SQL) without a code,
 * by keyset on customer id.
 */
export async function listWithoutCode(
  db: Queryable,
  incidentId: string,
  eligibleKeys: readonly string[],
  page: { after: number; limit: number },
): Promise<PersonWithoutCode[]> {
  if (eligibleKeys.length === 0) return [];
  const { rows } = await db.query<PersonWithoutCode>(
    `SELECT a.customer_id AS "customerId", c.external_id AS "externalId", a.reference_code AS "referenceCode",
            a.jurisdiction, ${MINOR_SQL('c')} AS minor, d.status AS "deliveryStatus"
     FROM affected_customers a
     JOIN customers c ON c.id = a.customer_id
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     WHERE a.incident_id = $1 AND a.status NOT IN ('merged', 'manual') AND a.customer_status <> 'deceased'
       AND ${ELIGIBILITY_KEY_SQL} = ANY($2::text[])
       AND NOT EXISTS (SELECT 1 FROM remediation_codes k WHERE k.incident_id = a.incident_id AND k.customer_id = a.customer_id)
       AND a.customer_id > $3
     ORDER BY a.customer_id LIMIT $4`,
    [incidentId, eligibleKeys, page.after, page.limit],
  );
  return rows;
}

/**
 * The statement's part that hands out codes, shared by the email claim and the letters' claim.
 * Given a CTE `need(customer_id, minor)` of people who need a code and have none, it pairs them in
 * customer order with the incident's free codes of their kind (adult or minor product; pools whose
 * enrolment date has not passed), oldest first, and gives each their code: CTE `assigned
 * (customer_id, pool_id, code)`. Free codes are locked SKIP LOCKED and re-checked free when locked,
 * so two statements running at once never take the same code; a person gets two codes never
 * (`remediation_code_per_person`: the second statement fails and its caller retries, by which time
 * the first code is visible). People left over when the codes run out get none.
 * `$1` must be the incident id.
 */
export const ASSIGN_CODES_CTES = `
     -- The people and the free codes of each kind as two sorted arrays, zipped: the nth person
     -- of a kind gets its nth code (unnest of two arrays pads the shorter with NULLs). Linear in
     -- the page, whatever the planner estimates of the CTEs (a join on row numbers was planned as
     -- a nested loop comparing every pair).
     pairs AS (
       SELECT z.customer_id, z.code_id
       FROM (SELECT minor, array_agg(customer_id ORDER BY customer_id) AS ids FROM need GROUP BY minor) w
       JOIN (SELECT for_minors, array_agg(id ORDER BY id) AS ids FROM (
               SELECT * FROM (SELECT k.id, k.for_minors FROM remediation_codes k
                              JOIN remediation_code_pools p ON p.id = k.pool_id
                              WHERE k.incident_id = $1 AND k.customer_id IS NULL AND NOT k.for_minors
                                AND p.enroll_by >= current_date
                              ORDER BY k.id LIMIT (SELECT count(*) FROM need WHERE NOT minor)
                              FOR UPDATE OF k SKIP LOCKED) adult
               UNION ALL
               SELECT * FROM (SELECT k.id, k.for_minors FROM remediation_codes k
                              JOIN remediation_code_pools p ON p.id = k.pool_id
                              WHERE k.incident_id = $1 AND k.customer_id IS NULL AND k.for_minors
                                AND p.enroll_by >= current_date
                              ORDER BY k.id LIMIT (SELECT count(*) FROM need WHERE minor)
                              FOR UPDATE OF k SKIP LOCKED) minor
             ) free GROUP BY for_minors) f ON f.for_minors = w.minor
       CROSS JOIN LATERAL unnest(w.ids, f.ids) AS z(customer_id, code_id)
       WHERE z.customer_id IS NOT NULL AND z.code_id IS NOT NULL
     ),
     assigned AS (
       UPDATE remediation_codes k SET customer_id = z.customer_id, assigned_at = now()
       FROM pairs z
       WHERE k.id = z.code_id
       RETURNING k.customer_id, k.pool_id, k.code
     )`;

/**
 * Gives a code to everyone of a letter batch in the eligible variants (`eligibleKeys`) who has none,
 * in the letters' claim transaction (core/use-cases/letters.ts `openLetterBatch`): one statement
 * for the whole batch. Returns how many got one and how many eligible were left without.
 */
export async function assignForLetters(
  db: Queryable,
  incidentId: string,
  batchId: string,
  eligibleKeys: readonly string[],
): Promise<{ assigned: number; without: number }> {
  if (eligibleKeys.length === 0) return { assigned: 0, without: 0 };
  const { rows } = await db.query<{ assigned: number; without: number }>(
    `WITH need AS (
       SELECT a.customer_id, ${MINOR_SQL('c')} AS minor
       FROM letters l
       JOIN affected_customers a ON a.incident_id = l.incident_id AND a.customer_id = l.customer_id
       JOIN customers c ON c.id = a.customer_id
       WHERE l.batch_id = $2 AND a.customer_status <> 'deceased' AND ${ELIGIBILITY_KEY_SQL} = ANY($3::text[])
         AND NOT EXISTS (SELECT 1 FROM remediation_codes k WHERE k.incident_id = $1 AND k.customer_id = a.customer_id)
     ),
     ${ASSIGN_CODES_CTES}
     SELECT (SELECT count(*) FROM assigned)::int AS assigned,
            ((SELECT count(*) FROM need) - (SELECT count(*) FROM assigned))::int AS without`,
    [incidentId, batchId, eligibleKeys],
  );
  return rows[0]!;
}

/** Distinct notice variants (jurisdictions, categories) of a letter batch's people. */
export async function letterBatchVariants(
  db: Queryable,
  batchId: string,
): Promise<{ jurisdictions: string[]; categories: DataCategory[] }[]> {
  const { rows } = await db.query<{ jurisdictions: string[]; categories: DataCategory[] }>(
    `SELECT DISTINCT coalesce(a.notice_jurisdictions, ARRAY[a.jurisdiction]) AS jurisdictions, a.categories
     FROM letters l JOIN affected_customers a ON a.incident_id = l.incident_id AND a.customer_id = l.customer_id
     WHERE l.batch_id = $1`,
    [batchId],
  );
  return rows;
}
