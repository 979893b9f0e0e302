import type { DataCategory } from '../domain/categories';
import type { FoundBy, PostalAddress } from '../domain/contact';
import type {
  AffectedStatus,
  CustomerStatus,
  LetterStatus,
  NoticeChannel,
  NoticeChannelReason,
} from '../domain/model';
import { IncidentNotFoundError } from '../errors';
import type { Pool, Queryable } from './pool';
import { inTransaction, querySerially } from './pool';
import { AWAITING_EMAIL_SQL, EMAIL_CHANNEL_SQL, NOT_HELD_SQL } from './reach';
import { REMEDIATION_COLUMN_SQL } from './remediation-codes';
import type { RemediationOffer } from './remediation-codes';

/**
 * Finds the affected customers of an incident in ONE set-based statement and records them, each
 * with the union of the exposed categories across all of their holdings. Re-running it (a retried
 * activity, a re-identification after corrected facts) adds nothing twice. Returns how many
 * people the incident affects: records merged into another's notice are not counted again.
 *
 * Affected = the union of two sources, each person recorded with how they were found (`found_by`):
 * - `system`: a holding in one of the incident's systems, whose period overlaps the exposure
 *   window, sharing at least one exposed category;
 * - `list`: a customer the incident names explicitly (`customerExternalIds`), with the categories
 *   their matching holdings expose, else the incident's (the company knows they were exposed, not
 *   through which holding);
 * - `both`: found by the systems and named.
 * Naming customers adds to what the systems find, never narrows it: an export that leaked the
 * CRM and also a named list of VIPs leaked both. No list (absent, null, or empty) names nobody;
 * the API refuses an empty list (400 on `customerExternalIds`), so "none" is said by leaving it out.
 *
 * One notice per person, not per mailbox: records are merged only when they are the same person —
 * - both carry the company's own person key, and it is the same (its word is final: the same key
 *   with different addresses is one person, different keys at one address are two people); or
 * - neither carries one, and both their own email address (trimmed, case-insensitive) and their
 *   name (trimmed, case-folded with lower(), runs of white space as one space; accents kept, so
 *   "José" and "Jose" stay two people) coincide — someone who signed up twice.
 * A record with a key and one without are never merged: where the two rules disagree, two notices
 * to one mailbox is the safe mistake, and one notice listing another person's data is not. Two
 * people sharing a family address thus each get their own notice naming only their own data.
 *
 * The record with the lowest customer id receives the notice, with the union of the categories and
 * masked identifiers of all of them (and, when they are in different jurisdictions,
 * `notice_jurisdictions` naming each, so that the one notice meets every one's content rules; and
 * as `found_by` how any of them was found); the others are recorded `merged` with `merged_into`
 * naming it, keep their own categories (support shows them), jurisdiction (the legal counts count
 * the person there, see `groupsByJurisdiction`) and `found_by`, and are never delivered to on their
 * own. Deceased customers are never merged: their notice goes to a representative, and different
 * people's records sharing a representative are different data subjects. The grouping happens in
 * the same statement, over the incident's whole affected set, so a retry that adds nothing changes
 * nothing either.
 *
 * The incident's systems, categories and window are read first and passed as parameters, so the
 * planner sees real values (an index scan on holdings by system, estimates that pick hash joins)
 * rather than a one-row CTE it cannot look into. See bench/README.md for the plan at 1,000,000
 * customers and 3,000,000 holdings.
 */
export async function identify(pool: Pool, incidentId: string): Promise<number> {
  const incident = await identifyInputs(pool, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  await inTransaction(pool, async (tx) => {
    // The grouping sorts a row per exposed holding: kept in memory rather than spilled to disk.
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query(IDENTIFY_SQL, identifyParams(incidentId, incident));
  });
  // Fresh statistics: until they see this incident's rows, the planner takes it for empty and picks
  // whole-incident scans for delivery's per-page writes. Sampled, so cheap at any size.
  await pool.query(`ANALYZE affected_customers`);
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM affected_customers WHERE incident_id = $1 AND status <> 'merged'`,
    [incidentId],
  );
  return rows[0]!.n;
}

/** How many of an incident's affected records were merged into another record's notice. */
export async function countMerged(db: Queryable, incidentId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM affected_customers WHERE incident_id = $1 AND merged_into IS NOT NULL`,
    [incidentId],
  );
  return rows[0]!.n;
}

/**
 * Per incident, how many people each source found (see `identify`): records merged into another's
 * notice are not counted again, and a person found both ways counts in `both` only. Zeros for an
 * incident with no one identified yet.
 */
export async function countFoundBy(
  db: Queryable,
  ids: string[],
): Promise<Map<string, Record<FoundBy, number>>> {
  const { rows } = await db.query<Record<FoundBy, number> & { incidentId: string }>(
    `SELECT incident_id AS "incidentId", count(*) FILTER (WHERE found_by = 'system')::int AS system,
            count(*) FILTER (WHERE found_by = 'list')::int AS list,
            count(*) FILTER (WHERE found_by = 'both')::int AS both
     FROM affected_customers WHERE incident_id = ANY($1::uuid[]) AND status <> 'merged' GROUP BY incident_id`,
    [ids],
  );
  const byId = new Map(rows.map(({ incidentId, ...c }) => [incidentId, c]));
  return new Map(ids.map((id) => [id, byId.get(id) ?? { system: 0, list: 0, both: 0 }]));
}

/** What identification reads of an incident: its systems, categories, window and named customers' ids. */
export interface IdentifyInputs {
  systems: string[];
  categories: string[];
  from: Date | null;
  to: Date | null;
  named: number[] | null;
}

/**
 * The incident's identification inputs, read first and passed as parameters (see `identify`);
 * null when there is no such incident. Re-identification after an amendment reads the same
 * (core/db/reidentify.ts).
 */
export async function identifyInputs(db: Queryable, incidentId: string): Promise<IdentifyInputs | null> {
  const { rows } = await db.query<IdentifyInputs>(
    `SELECT systems, data_categories AS categories, occurred_from AS "from", occurred_to AS "to",
            CASE WHEN customer_external_ids IS NULL THEN NULL
                 ELSE ARRAY(SELECT c.id FROM customers c WHERE c.external_id = ANY(customer_external_ids) ORDER BY c.id)
            END AS named
     FROM incidents WHERE id = $1`,
    [incidentId],
  );
  return rows[0] ?? null;
}

/** The parameters of the identification statement, in its order ($1–$6). */
export function identifyParams(incidentId: string, inputs: IdentifyInputs): unknown[] {
  return [incidentId, inputs.systems, inputs.categories, inputs.from, inputs.to, inputs.named];
}

/**
 * The identification statement: $1 incident id, $2 systems, $3 exposed categories, $4/$5 the
 * exposure window (null: open), $6 the named customers' ids (null or empty: none named). Exported
 * for EXPLAIN in bench/identification.ts. Holdings are narrowed by system (index), category overlap
 * and period before their categories are unnested; the named customers are added by one hash full
 * join; customers join by hash. Person keys and addresses shared by several records are found by
 * one hash aggregate over the affected set; only their records have their names compared and are
 * aggregated again for the unions. `target`: `affected_customers` for the first identification, or
 * the temporary table `reidentified` an amendment compares with it (core/db/reidentify.ts).
 */
export function identifySql(target: 'affected_customers' | 'reidentified'): string {
  return `WITH matched AS (
   SELECT h.customer_id,
          array_agg(DISTINCT cat ORDER BY cat) AS categories,
          coalesce(jsonb_object_agg(cat, h.masked_identifiers ->> cat)
                     FILTER (WHERE h.masked_identifiers ? cat), '{}') AS masked
   FROM holdings h
   CROSS JOIN LATERAL unnest(h.categories) AS cat
   WHERE h.system = ANY($2::text[])
     AND h.categories && $3::text[]
     AND cat = ANY($3::text[])
     AND tstzrange(h.held_from, h.held_to, '[]')
         && tstzrange(coalesce($4::timestamptz, '-infinity'), coalesce($5::timestamptz, 'infinity'), '[]')
   GROUP BY h.customer_id
 ),
 -- The union of the two sources (see identify): found by the systems, named, or both.
 exposed AS (
   SELECT coalesce(m.customer_id, n.id) AS customer_id, coalesce(m.categories, $3::text[]) AS categories,
          coalesce(m.masked, '{}'::jsonb) AS masked,
          CASE WHEN n.id IS NULL THEN 'system' WHEN m.customer_id IS NULL THEN 'list' ELSE 'both' END AS found_by
   FROM matched m FULL JOIN unnest($6::bigint[]) AS n(id) ON n.id = m.customer_id
 ),
 people AS MATERIALIZED (
   SELECT e.customer_id, e.categories, e.masked, e.found_by, coalesce(c.region, c.country) AS jurisdiction,
          -- Frozen here: who the notice is for and how it can reach them (see FROZEN_RECIPIENT_COLUMNS).
          c.full_name, c.email, c.locale, c.country, c.region, c.status AS customer_status,
          c.representative_name, c.representative_email, c.postal_address, c.phone,
          c.electronic_consent_at, c.electronic_consent_method,
          CASE WHEN c.status = 'deceased' AND c.representative_email IS NULL THEN 'manual' ELSE 'pending' END AS status,
          -- Whose record it is, as far as one column tells (see identify): the person key, else the
          -- email address. None for a deceased customer (their notice goes to a representative or
          -- is handled by hand), nor for a record with neither. The prefixes keep keys and
          -- addresses apart.
          CASE WHEN c.status = 'deceased' THEN NULL
               WHEN c.person_key IS NOT NULL THEN 'key:' || c.person_key
               WHEN btrim(c.email) <> '' THEN 'email:' || lower(btrim(c.email))
          END AS holder
   FROM exposed e JOIN customers c ON c.id = e.customer_id
   -- Rows go in in customer order (delivery pages by it); the merge join below keeps this order.
   ORDER BY e.customer_id
 ),
 -- Keys and addresses several records share: one hash aggregate over the affected set. Only
 -- their few records go on (and only theirs have their names normalised).
 shared AS (
   SELECT holder FROM people WHERE holder IS NOT NULL GROUP BY holder HAVING count(*) > 1
 ),
 -- Among those, the people: one key is one person; one address is one person per name (trimmed,
 -- case-folded by lower(), runs of white space as one space; accents kept). The record with the
 -- lowest id of each person with several records receives the notice.
 candidates AS (
   SELECT p.customer_id, p.categories, p.masked, p.jurisdiction, p.found_by, p.holder,
          CASE WHEN p.holder LIKE 'email:%' THEN lower(regexp_replace(btrim(p.full_name), '\\s+', ' ', 'g')) END AS name
   FROM shared s JOIN people p ON p.holder = s.holder
 ),
 members AS MATERIALIZED (
   SELECT recipient, customer_id, categories, masked, jurisdiction, found_by
   FROM (SELECT *, min(customer_id) OVER person AS recipient, count(*) OVER person AS records
         FROM candidates WINDOW person AS (PARTITION BY holder, name)) c
   WHERE records > 1
 ),
 -- For the records of people with several: the recipient with the union of what all of them
 -- exposed (two different cards: both last digits, as an array), of their jurisdictions when
 -- they differ, and of how they were found; the others merged into it.
 merges AS MATERIALIZED (
   SELECT u.recipient AS customer_id, NULL::bigint AS merged_into, u.categories, coalesce(k.masked, '{}') AS masked,
          CASE WHEN cardinality(u.jurisdictions) > 1 THEN u.jurisdictions END AS jurisdictions,
          CASE WHEN u.by_system AND u.by_list THEN 'both' WHEN u.by_list THEN 'list' ELSE 'system' END AS found_by
   FROM (SELECT recipient, array_agg(DISTINCT cat ORDER BY cat) AS categories,
                array_agg(DISTINCT jurisdiction ORDER BY jurisdiction) AS jurisdictions,
                bool_or(found_by <> 'list') AS by_system, bool_or(found_by <> 'system') AS by_list
         FROM members CROSS JOIN LATERAL unnest(categories) AS cat GROUP BY recipient) u
   LEFT JOIN (SELECT recipient, jsonb_object_agg(key, masked) AS masked
              FROM (SELECT m.recipient, x.key,
                           CASE WHEN count(DISTINCT x.value) = 1 THEN to_jsonb(min(x.value))
                                ELSE jsonb_agg(DISTINCT x.value ORDER BY x.value) END AS masked
                    FROM members m CROSS JOIN LATERAL jsonb_each_text(m.masked) AS x
                    GROUP BY m.recipient, x.key) per_key
              GROUP BY recipient) k ON k.recipient = u.recipient
   UNION ALL
   SELECT customer_id, recipient, categories, masked, NULL, found_by FROM members WHERE customer_id <> recipient
 )
 INSERT INTO ${target}
   (incident_id, customer_id, categories, masked_identifiers, jurisdiction, status, merged_into,
    notice_jurisdictions, found_by, reference_code, page_seed, full_name, email, locale, country, region,
    customer_status, representative_name, representative_email, postal_address, phone, electronic_consent_at,
    electronic_consent_method)
 SELECT $1, p.customer_id, coalesce(m.categories, p.categories), coalesce(m.masked, p.masked), p.jurisdiction,
        CASE WHEN m.merged_into IS NULL THEN p.status ELSE 'merged' END, m.merged_into, m.jurisdictions,
        coalesce(m.found_by, p.found_by),
        reference_code(nextval('affected_reference_seq')),
        replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
        p.full_name, p.email, p.locale, p.country, p.region, p.customer_status, p.representative_name,
        p.representative_email, p.postal_address, p.phone, p.electronic_consent_at, p.electronic_consent_method
 FROM people p LEFT JOIN merges m ON m.customer_id = p.customer_id
 ORDER BY p.customer_id${target === 'affected_customers' ? '\n ON CONFLICT (incident_id, customer_id) DO NOTHING' : ''}`;
}

/** The first identification, into `affected_customers` (a retry that adds nothing changes nothing). */
export const IDENTIFY_SQL = identifySql('affected_customers');

/** Customers named by external id that the inventory does not know (validated before an incident opens). */
export async function unknownExternalIds(db: Queryable, externalIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT x.id FROM unnest($1::text[]) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = x.id)`,
    [externalIds],
  );
  return rows.map((r) => r.id);
}

export interface AffectedGroupRow {
  jurisdiction: string;
  country: string;
  count: number;
  categories: DataCategory[];
}

/**
 * Counts and category unions per jurisdiction: what the law engine assesses. Counted in people: a
 * person counts once in every jurisdiction one of their records is in, with everything exposed
 * about them (a merged record counts where it is, as its recipient, with the recipient's union) —
 * so a person with records in two states counts in both, with the same data as their one notice
 * lists, and no state's residents are under-counted; two records in one state are one resident.
 */
export async function groupsByJurisdiction(db: Queryable, incidentId: string): Promise<AffectedGroupRow[]> {
  const { rows } = await db.query<AffectedGroupRow>(
    `SELECT a.jurisdiction, min(a.country) AS country,
            count(DISTINCT coalesce(a.merged_into, a.customer_id))::int AS count,
            array_agg(DISTINCT cat ORDER BY cat) AS categories
     FROM affected_customers a
     -- The recipient's union is looked up for merged records only (a primary-key probe each).
     CROSS JOIN LATERAL unnest(CASE WHEN a.merged_into IS NULL THEN a.categories ELSE (
         SELECT r.categories FROM affected_customers r
         WHERE r.incident_id = a.incident_id AND r.customer_id = a.merged_into) END) AS cat
     -- Records an amendment found no longer affected are not counted (core/db/reidentify.ts).
     WHERE a.incident_id = $1 AND a.removed_in_version IS NULL
     GROUP BY a.jurisdiction ORDER BY a.jurisdiction`,
    [incidentId],
  );
  return rows;
}

/** People of one jurisdiction sharing what was exposed about them and where else they have records. */
export interface PersonGroupRow extends AffectedGroupRow {
  /** Every jurisdiction of these people's records when they have several (merged into one notice), sorted; else null. */
  personJurisdictions: string[] | null;
}

/**
 * People counted as the statutes count them (issue 15 item 6), for the law engine: one group per
 * (jurisdiction, what was exposed about the person, the person's jurisdictions). A threshold then
 * counts only the people whose data triggers the rule — 400 Florida residents whose SSNs were exposed
 * and 5,000 whose only email address was are a group of 400 with `ssn` and one of 5,000 with `email`,
 * not 5,400 with both — and a pooled total counts a person with records in several jurisdictions
 * once (core/law `countPeople`, by `personJurisdictions`). A person counts in every jurisdiction one
 * of their records is in, with their notice's categories (the union over their records, as
 * `groupsByJurisdiction`). One statement: merged records look up their recipient by primary key.
 */
export async function personGroups(db: Queryable, incidentId: string): Promise<PersonGroupRow[]> {
  const { rows } = await db.query<PersonGroupRow>(
    `SELECT a.jurisdiction, min(a.country) AS country,
            coalesce(r.categories, a.categories) AS categories,
            CASE WHEN a.merged_into IS NULL THEN a.notice_jurisdictions ELSE r.notice_jurisdictions END
              AS "personJurisdictions",
            count(DISTINCT coalesce(a.merged_into, a.customer_id))::int AS count
     FROM affected_customers a
     LEFT JOIN LATERAL (
       SELECT r.categories, r.notice_jurisdictions FROM affected_customers r
       WHERE a.merged_into IS NOT NULL AND r.incident_id = a.incident_id AND r.customer_id = a.merged_into
     ) r ON true
     -- Records an amendment found no longer affected are not counted (core/db/reidentify.ts).
     WHERE a.incident_id = $1 AND a.removed_in_version IS NULL
     GROUP BY a.jurisdiction, 3, 4
     ORDER BY a.jurisdiction, 3, 4`,
    [incidentId],
  );
  return rows;
}

/**
 * When notice to each jurisdiction's people actually went out: per jurisdiction, the earliest email
 * sent (a delivery `sent`, or `bounced` after it was sent) or letter posted (migration 016: its day,
 * read as the start of that day in UTC, the earliest it can have been) to anyone with a record
 * there (a merged record through its person's notice). An email to someone without a lawful channel
 * is part of a substitute notice, not individual notice, and is left out. Jurisdictions nobody was
 * notified in yet are absent. Per person first, then one hash join with the affected records.
 */
export async function individualNoticeTimes(
  db: Queryable,
  incidentId: string,
): Promise<Record<string, Date>> {
  const { rows } = await db.query<{ jurisdiction: string; at: Date }>(
    `WITH sent AS (
       SELECT customer_id, min(at) AS at FROM (
         SELECT d.customer_id, d.sent_at AS at
         FROM deliveries d
         JOIN affected_customers p ON p.incident_id = d.incident_id AND p.customer_id = d.customer_id
         WHERE d.incident_id = $1 AND d.status IN ('sent', 'bounced') AND d.sent_at IS NOT NULL
           AND p.channel IS DISTINCT FROM 'none'
         UNION ALL
         SELECT l.customer_id, l.posted_on::timestamp AT TIME ZONE 'UTC'
         FROM letters l WHERE l.incident_id = $1 AND l.posted_on IS NOT NULL
       ) x GROUP BY customer_id
     )
     SELECT a.jurisdiction, min(s.at) AS at
     FROM affected_customers a JOIN sent s ON s.customer_id = coalesce(a.merged_into, a.customer_id)
     WHERE a.incident_id = $1
     GROUP BY a.jurisdiction`,
    [incidentId],
  );
  return Object.fromEntries(rows.map((r) => [r.jurisdiction, r.at]));
}

export interface AffectedCustomerRow {
  customerId: number;
  externalId: string;
  fullName: string;
  email: string | null;
  jurisdiction: string;
  categories: DataCategory[];
  status: AffectedStatus;
  /** For a `merged` record: the customer id of the record whose notice covers it. */
  mergedInto: number | null;
  foundBy: FoundBy;
  referenceCode: string;
  acknowledgedAt: Date | null;
  deliveryStatus: string | null;
  sentAt: Date | null;
  /** How their notice goes, and why (null: not planned). */
  channel: NoticeChannel | null;
  channelReason: NoticeChannelReason | null;
  /** Their latest printed letter (core/letters): where it stands, and the day it was posted (YYYY-MM-DD). */
  letterStatus: LetterStatus | null;
  postedOn: string | null;
}

/**
 * One page of an incident's affected customers, keyset-paginated by customer id, optionally filtered
 * by a search and to those not yet reached: records neither notified nor merged (waiting for their
 * email or letter, undeliverable, without a channel, or handled by hand). A merged record is left
 * out whatever its person's state: that person is listed under the record that receives the notice.
 */
export async function listPage(
  db: Queryable,
  incidentId: string,
  options: { after: number; limit: number; search?: string | undefined; unreached?: boolean | undefined },
): Promise<AffectedCustomerRow[]> {
  const { rows } = await db.query<AffectedCustomerRow>(
    `SELECT a.customer_id AS "customerId", c.external_id AS "externalId", a.full_name AS "fullName", a.email,
            a.jurisdiction, a.categories, a.status, a.merged_into AS "mergedInto", a.found_by AS "foundBy",
            a.reference_code AS "referenceCode",
            a.acknowledged_at AS "acknowledgedAt", d.status AS "deliveryStatus", d.sent_at AS "sentAt",
            a.channel, a.channel_reason AS "channelReason",
            l.status AS "letterStatus", to_char(l.posted_on, 'YYYY-MM-DD') AS "postedOn"
     FROM affected_customers a
     JOIN customers c ON c.id = a.customer_id
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     -- Their latest letter, by the letters' unique (incident, customer, notice) index.
     LEFT JOIN LATERAL (SELECT status, posted_on FROM letters
                        WHERE incident_id = a.incident_id AND customer_id = a.customer_id
                        ORDER BY id DESC LIMIT 1) l ON true
     WHERE a.incident_id = $1 AND a.customer_id > $2
       AND ($4::text IS NULL OR a.full_name ILIKE '%' || $4 || '%' OR lower(a.email) = lower($4)
            OR lower(c.email) = lower($4)
            OR c.external_id = $4 OR a.reference_code = upper($4))
       AND (NOT $5 OR a.status NOT IN ('notified', 'merged'))
     ORDER BY a.customer_id LIMIT $3`,
    [incidentId, options.after, options.limit, options.search ?? null, options.unreached ?? false],
  );
  return rows;
}

/** Everything a notice needs about one recipient. Read inside activities only: it is personal data. */
export interface Recipient {
  customerId: number;
  fullName: string;
  /** Null: the person has no email address (they are never emailed; a letter or substitute notice reaches them). */
  email: string | null;
  locale: string;
  country: string;
  region: string | null;
  customerStatus: CustomerStatus;
  representativeName: string | null;
  representativeEmail: string | null;
  /** How many times the frozen recipient values were corrected: what a claim is made at. */
  recipientVersion: number;
  /** Where a letter goes; null: no postal address known. */
  postalAddress: PostalAddress | null;
  phone: string | null;
  /**
   * When and how the person agreed to electronic notices (both or neither; null: no consent on
   * record), as the inventory had it at identification.
   */
  electronicConsentAt: Date | null;
  electronicConsentMethod: string | null;
  /** How identification found the person: a system's holdings, the incident's list, or both. */
  foundBy: FoundBy;
  jurisdiction: string;
  /**
   * Set when records of this person in other jurisdictions were merged into this notice: every
   * jurisdiction whose content rules it must meet (its own included). Null: just `jurisdiction`.
   */
  noticeJurisdictions: string[] | null;
  categories: DataCategory[];
  /** Category → last digits; several (an array) when merged records held different ones. */
  maskedIdentifiers: Record<string, string | string[]>;
  referenceCode: string;
  /**
   * The random value the person's page token is computed from (core/delivery/page-token.ts); null
   * for a record from before migration 013, whose token only its link holds.
   */
  pageSeed: string | null;
  /** The SHA-256 of the page token, written when the notice is first sent (null until then). */
  pageTokenHash: string | null;
  /**
   * The person's remediation code and how to enrol (core/db/remediation-codes.ts), given with the
   * claim of their notice; null: none. Absent where a caller built the record without it.
   */
  remediation?: RemediationOffer | null;
  deliveryId: number | null;
  deliveryStatus: string | null;
  attempts: number;
}

/**
 * The next page of recipients still to notify in one delivery shard (customer id modulo `shards`),
 * after `after` (keyset, never the whole list). A page holds customers whose email is still to be
 * sent (`AWAITING_EMAIL_SQL`: pending, planned for email, for email and letter, or without a
 * channel but with an email address, not yet emailed): in a retry pass (`onlyRetrying`, kept for
 * the record) that is those that failed temporarily, claims an interruption left behind, and anyone a later
 * re-identification added behind the cursor. Served by affected_customers_status_idx
 * (incident_id, status, customer_id) in customer order.
 */
export async function pendingRecipients(
  pool: Pool,
  incidentId: string,
  page: { shard: number; shards: number; after: number; limit: number; onlyRetrying: boolean },
): Promise<Recipient[]> {
  const { rows } = await querySerially<Recipient>(
    pool,
    `SELECT ${RECIPIENT_COLUMNS} FROM ${recipientSourceAfter('$4')}
     WHERE a.incident_id = $1 AND ${AWAITING_EMAIL_SQL} AND ${NOT_HELD_SQL}
       AND a.customer_id % $2 = $3 AND a.customer_id > $4
     ORDER BY a.customer_id LIMIT $5`,
    [incidentId, page.shards, page.shard, page.after, page.limit],
  );
  return rows;
}

/**
 * A page of every recipient an email notice goes to (all but `manual`, `merged` and those planned
 * for a letter alone or for no channel without an email address), whatever their delivery
 * status, by keyset. For benchmarks and checks that need the same messages again.
 */
export async function emailRecipientsPage(
  db: Queryable,
  incidentId: string,
  page: { after: number; limit: number },
): Promise<Recipient[]> {
  const { rows } = await db.query<Recipient>(
    `SELECT ${RECIPIENT_COLUMNS} FROM ${recipientSourceAfter('$2')}
     WHERE a.incident_id = $1 AND a.status NOT IN ('manual', 'merged') AND ${EMAIL_CHANNEL_SQL}
       AND a.customer_id > $2
     ORDER BY a.customer_id LIMIT $3`,
    [incidentId, page.after, page.limit],
  );
  return rows;
}

/**
 * Who the notice is for and where it goes are the values frozen at identification (columns of
 * affected_customers), never the live customer row: an inventory import while the notices go out
 * redirects nothing. Only `correctRecipient` changes them, audited.
 */
export const FROZEN_RECIPIENT_COLUMNS = `a.full_name AS "fullName", a.email, a.locale, a.country,
  a.region, a.customer_status AS "customerStatus", a.representative_name AS "representativeName",
  a.representative_email AS "representativeEmail", a.recipient_version AS "recipientVersion",
  a.postal_address AS "postalAddress", a.phone, a.electronic_consent_at AS "electronicConsentAt",
  a.electronic_consent_method AS "electronicConsentMethod", a.found_by AS "foundBy"`;

/**
 * Everything of a person's record (alias `a`) their notice is rendered from: the frozen recipient
 * values and what was exposed. For an email, a letter and the customer page alike.
 */
export const NOTICE_PERSON_COLUMNS = `a.customer_id AS "customerId", ${FROZEN_RECIPIENT_COLUMNS}, a.jurisdiction,
  a.notice_jurisdictions AS "noticeJurisdictions", a.categories, a.masked_identifiers AS "maskedIdentifiers",
  a.reference_code AS "referenceCode", a.page_seed AS "pageSeed", a.page_token_hash AS "pageTokenHash",
  ${REMEDIATION_COLUMN_SQL}`;

const RECIPIENT_COLUMNS = `${NOTICE_PERSON_COLUMNS}, d.id AS "deliveryId", d.status AS "deliveryStatus",
  coalesce(d.attempts, 0) AS attempts`;

/**
 * A recipient is an affected customer (with their frozen recipient values) and their delivery row if
 * any, for a keyset page after the customer id `cursor` (a parameter, e.g. '$4'). The cursor is
 * repeated on the delivery side: PostgreSQL does not carry a.customer_id > cursor across the outer
 * join, and without it every page read the incident's deliveries from the first one on (a merge
 * join from the start of the index), so a page cost more the further the delivery had gone.
 */
const recipientSourceAfter = (cursor: string) => `affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       AND d.customer_id > ${cursor}`;

/** The recipient values frozen on a person's record at identification (see FROZEN_RECIPIENT_COLUMNS). */
export interface FrozenRecipient {
  fullName: string;
  email: string | null;
  representativeName: string | null;
  representativeEmail: string | null;
}

/**
 * A person's frozen recipient values and case status, with the record locked (FOR UPDATE) until
 * the transaction ends: a claim of their delivery waits for it (see deliveries.claim). Null when
 * the customer is not affected by the incident.
 */
export async function lockFrozenRecipient(
  db: Queryable,
  incidentId: string,
  customerId: number,
): Promise<(FrozenRecipient & { status: AffectedStatus }) | null> {
  const { rows } = await db.query<FrozenRecipient & { status: AffectedStatus }>(
    `SELECT a.full_name AS "fullName", a.email, a.representative_name AS "representativeName",
            a.representative_email AS "representativeEmail", a.status
     FROM affected_customers a WHERE a.incident_id = $1 AND a.customer_id = $2
     FOR UPDATE`,
    [incidentId, customerId],
  );
  return rows[0] ?? null;
}

/** Overwrites a person's frozen recipient values and bumps their version (the caller audits before and after). */
export async function setFrozenRecipient(
  db: Queryable,
  incidentId: string,
  customerId: number,
  values: FrozenRecipient,
): Promise<void> {
  await db.query(
    `UPDATE affected_customers SET full_name = $3, email = $4, representative_name = $5, representative_email = $6,
       recipient_version = recipient_version + 1
     WHERE incident_id = $1 AND customer_id = $2`,
    [
      incidentId,
      customerId,
      values.fullName,
      values.email,
      values.representativeName,
      values.representativeEmail,
    ],
  );
}

/**
 * Records the hash of each person's page token (core/delivery/page-token.ts) and when their link
 * stops working, `days` from now, for records that have none yet: run before their notice is first
 * sent. The hash follows from the record's random value and the key, so two attempts write the same.
 */
export async function issuePageTokens(
  db: Queryable,
  incidentId: string,
  tokens: { customerId: number; hash: string }[],
  days: number,
): Promise<void> {
  if (tokens.length === 0) return;
  await db.query(
    `UPDATE affected_customers a
     SET page_token_hash = t.hash, page_expires_at = now() + make_interval(days => $4)
     FROM unnest($2::bigint[], $3::text[]) AS t(customer_id, hash)
     WHERE a.incident_id = $1 AND a.customer_id = t.customer_id AND a.page_token_hash IS NULL`,
    [incidentId, tokens.map((t) => t.customerId), tokens.map((t) => t.hash), days],
  );
}
