import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { DATA_CATEGORIES, normaliseCategories, type DataCategory } from '../domain/categories';
import { PHONE_MESSAGE, PHONE_PATTERN, type PostalAddress } from '../domain/contact';
import { CUSTOMER_STATUSES, type CustomerStatus } from '../domain/model';
import { InventoryImportError } from '../errors';
import type { ImportProblem } from '../errors';
import * as audit from './audit';
import { inTransaction } from './pool';
import type { Pool, PoolClient, Queryable } from './pool';

/**
 * The inventory: who the customers are (customers) and which system holds which categories of
 * their data over which period (holdings). Imports are set-based: one statement per JSON request,
 * and `COPY` into a staging table then one merge for CSV files of any size. Re-importing the same
 * rows changes nothing: customers are keyed by external id, holdings by (customer, system, from).
 */

/** A customer as the API and CSV files name the fields. */
export interface CustomerInput {
  externalId: string;
  fullName: string;
  /** Absent or null: the customer has no email address (a letter or a substitute notice reaches them). */
  email?: string | null;
  /** BCP 47 language tag the notice is written in. @default 'en' */
  locale?: string | null;
  /** ISO 3166-1 alpha-2, e.g. `DE`. */
  country: string;
  /** ISO 3166-2, e.g. `US-CA`, where the law depends on it. */
  region?: string | null;
  /** @default 'active' */
  status?: CustomerStatus | null;
  /** Who receives the notice for a deceased customer (an executor, a relative). */
  representativeName?: string | null;
  representativeEmail?: string | null;
  /**
   * The company's own id of the person, when it has one: records carrying the same key are one
   * person and get one notice (core/db/affected.ts). Absent: the email address and name decide.
   */
  personKey?: string | null;
  /** As the company holds it, e.g. `+1 415 555 0100`. */
  phone?: string | null;
  /** Where a letter goes. */
  postalAddress?: PostalAddress | null;
  /**
   * When and how the person agreed to receive notices electronically (E-SIGN 15 U.S.C. 7001(c),
   * HIPAA 45 CFR 164.404(d)(1)(i)); absent: they did not. `at` is an ISO 8601 instant or a Date.
   */
  electronicConsent?: { at: string | Date; method: string } | null;
  /**
   * Date of birth, YYYY-MM-DD (issue 17): a person under 18 is given the vendor's minor product of
   * identity-theft protection (core/db/remediation-codes.ts). Absent: the stored value is kept.
   */
  dateOfBirth?: string | null;
}

/** A holding: `system` holds `categories` of the customer's data from `from` until `to` (open-ended when absent). */
export interface HoldingInput {
  customerExternalId: string;
  system: string;
  categories: readonly DataCategory[];
  /** ISO 8601 instant, or a Date. Absent: since always. */
  from?: string | Date | null;
  /** ISO 8601 instant, or a Date. Absent: still held. */
  to?: string | Date | null;
  /** The last digits a notice may show, e.g. `{ "payment_card": "4242" }`; never a full identifier. */
  maskedIdentifiers?: Record<string, string> | null;
}

export interface UpsertResult {
  /** Rows received (after removing repeats of the same key: the last one wins). */
  received: number;
  inserted: number;
  updated: number;
  /** Rows identical to what was stored: nothing written. */
  unchanged: number;
}

export interface HoldingsUpsertResult extends UpsertResult {
  /**
   * External ids the holdings name that no customer has (sorted, at most 1,000). When not empty,
   * nothing was written: the whole import is refused.
   */
  unknownCustomerExternalIds: string[];
}

// --- Customers -------------------------------------------------------------------------------------

const CUSTOMER_COLUMNS = {
  externalId: 'external_id',
  fullName: 'full_name',
  email: 'email',
  locale: 'locale',
  country: 'country',
  region: 'region',
  status: 'status',
  representativeName: 'representative_name',
  representativeEmail: 'representative_email',
  personKey: 'person_key',
  phone: 'phone',
  // The JSON's nested postalAddress and electronicConsent, flattened: a CSV cell holds one value.
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  addressLine3: 'address_line3',
  addressLine4: 'address_line4',
  addressLocality: 'address_locality',
  addressRegion: 'address_region',
  addressPostalCode: 'address_postal_code',
  addressCountry: 'address_country',
  electronicConsentAt: 'electronic_consent_at',
  electronicConsentMethod: 'electronic_consent_method',
  dateOfBirth: 'date_of_birth',
} as const;
// Files from before issue 14 (no contact columns, an email on every row) read exactly as they did.
// The email column stays required, its cells do not: an empty cell is a customer without one, while
// a file that forgot the column altogether is still refused rather than read as "nobody has email".
const CUSTOMER_REQUIRED = ['externalId', 'fullName', 'email', 'country'] as const;

/**
 * CSV header names of customer files: the JSON fields, with `postalAddress` flattened into
 * addressLine1–4, addressLocality, addressRegion, addressPostalCode, addressCountry and
 * `electronicConsent` into electronicConsentAt and electronicConsentMethod.
 */
export const CUSTOMER_CSV_FIELDS = Object.keys(CUSTOMER_COLUMNS) as (keyof typeof CUSTOMER_COLUMNS)[];

interface MergeResult {
  inserted: number;
  updated: number;
  received: number;
  changed: { incidentId: string; changes: RecordChange[] }[];
}

/** A customer's fields as the audit trail names them (CustomerInput's names), for before and after. */
const AUDITED_FIELDS = (
  row: string,
) => `json_build_object('fullName', ${row}.full_name, 'email', ${row}.email,
  'locale', ${row}.locale, 'country', ${row}.country, 'region', ${row}.region, 'status', ${row}.status,
  'representativeName', ${row}.representative_name, 'representativeEmail', ${row}.representative_email,
  'personKey', ${row}.person_key, 'phone', ${row}.phone, 'postalAddress', ${row}.postal_address,
  'electronicConsentAt', ${row}.electronic_consent_at, 'electronicConsentMethod', ${row}.electronic_consent_method,
  'dateOfBirth', ${row}.date_of_birth)`;

/**
 * The merge shared by the JSON and CSV paths; `source` yields snake_case columns, one row per
 * external id. Besides the counts it returns, per incident, the changes to the records of people
 * that incident affects, with every field before and after: `customers` read in the main query is
 * the table as it was before this statement (the sub-statements of a WITH share one snapshot), so
 * the old values need no second read. Only updated rows that are affected somewhere are joined
 * (a primary-key and an index probe each): an import that changes nobody affected costs nothing more.
 */
function mergeCustomersSql(source: string, contact: ContactGiven): string {
  return `
    WITH src AS MATERIALIZED (${keepingAbsentContact(source, contact)}),
    up AS (
      INSERT INTO customers AS c
        (external_id, full_name, email, locale, country, region, status, representative_name, representative_email,
         person_key, phone, postal_address, electronic_consent_at, electronic_consent_method, date_of_birth)
      SELECT external_id, full_name, email, coalesce(locale, 'en'), country, region, coalesce(status, 'active'),
             representative_name, representative_email, person_key, phone, postal_address, electronic_consent_at,
             electronic_consent_method, date_of_birth
      FROM src
      ON CONFLICT (external_id) DO UPDATE SET
        full_name = EXCLUDED.full_name, email = EXCLUDED.email, locale = EXCLUDED.locale,
        country = EXCLUDED.country, region = EXCLUDED.region, status = EXCLUDED.status,
        representative_name = EXCLUDED.representative_name, representative_email = EXCLUDED.representative_email,
        person_key = EXCLUDED.person_key, phone = EXCLUDED.phone, postal_address = EXCLUDED.postal_address,
        electronic_consent_at = EXCLUDED.electronic_consent_at,
        electronic_consent_method = EXCLUDED.electronic_consent_method,
        date_of_birth = EXCLUDED.date_of_birth,
        updated_at = now()
      WHERE (c.full_name, c.email, c.locale, c.country, c.region, c.status, c.representative_name, c.representative_email,
             c.person_key, c.phone, c.postal_address, c.electronic_consent_at, c.electronic_consent_method,
             c.date_of_birth)
        IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.email, EXCLUDED.locale, EXCLUDED.country, EXCLUDED.region,
                          EXCLUDED.status, EXCLUDED.representative_name, EXCLUDED.representative_email,
                          EXCLUDED.person_key, EXCLUDED.phone, EXCLUDED.postal_address,
                          EXCLUDED.electronic_consent_at, EXCLUDED.electronic_consent_method,
                          EXCLUDED.date_of_birth)
      RETURNING c.*, (xmax = 0) AS inserted
    ),
    changed AS (
      SELECT a.incident_id, json_agg(json_build_object('customerId', up.id, 'externalId', up.external_id,
               'before', ${AUDITED_FIELDS('old')}, 'after', ${AUDITED_FIELDS('up')}) ORDER BY up.id) AS changes
      FROM up
      JOIN customers old ON old.id = up.id
      JOIN affected_customers a ON a.customer_id = up.id
      WHERE NOT up.inserted
      GROUP BY a.incident_id
    )
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
           (SELECT count(*) FROM src)::int AS received,
           (SELECT coalesce(json_agg(json_build_object('incidentId', incident_id, 'changes', changes)), '[]')
            FROM changed) AS changed
    FROM up`;
}

/**
 * The contact fields of issue 14. An import that does not carry one (a JSON field left out, a CSV
 * column not in the header) keeps the value stored, so that files and feeds written before these
 * fields existed, or one system's export beside another's, never wipe what another import stored;
 * null, or an empty cell, clears it. (The fields from before keep their meaning: a record imported
 * is the record, in full.) Each field's source row says whether it was given in its `given` column.
 */
const CONTACT_FIELDS = [
  { column: 'person_key', given: 'given_person_key' },
  { column: 'phone', given: 'given_phone' },
  { column: 'postal_address', given: 'given_postal_address' },
  { column: 'electronic_consent_at', given: 'given_consent' },
  { column: 'electronic_consent_method', given: 'given_consent' },
  // Issue 17: a file without the column keeps the date of birth another import stored.
  { column: 'date_of_birth', given: 'given_date_of_birth' },
] as const;

/** Whether every source row gives every contact field (a CSV file with all the columns): no lookup then. */
type ContactGiven = 'all' | 'per row';

/** The merge's source rows, a contact field not given taken from the stored record (a hash join, only when needed). */
function keepingAbsentContact(source: string, contact: ContactGiven): string {
  if (contact === 'all') return `SELECT * FROM ${source}`;
  return `SELECT s.external_id, s.full_name, s.email, s.locale, s.country, s.region, s.status, s.representative_name,
                 s.representative_email,
                 ${CONTACT_FIELDS.map((f) => `CASE WHEN s.${f.given} THEN s.${f.column} ELSE stored.${f.column} END AS ${f.column}`).join(', ')}
          FROM ${source} LEFT JOIN customers stored ON stored.external_id = s.external_id`;
}

/** One affected person's inventory record as an import changed it: every field before and after. */
interface RecordChange {
  customerId: number;
  externalId: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** Changes audited per event: a re-import touching many people writes several events, not one huge one. */
const CHANGES_PER_EVENT = 500;

/**
 * Audits, in the import's transaction, every change it made to the record of someone an incident
 * affects: an `inventory_changed` event in that incident's trail naming the fields that changed,
 * with their values before and after. (Their notice is not affected: it goes to the values frozen
 * when they were identified; see core/db/affected.ts.)
 */
async function auditChanges(
  db: Queryable,
  actor: string,
  changed: { incidentId: string; changes: RecordChange[] }[],
): Promise<void> {
  for (const { incidentId, changes } of changed) {
    const diffs = changes.map(({ customerId, externalId, before, after }) => {
      // Compared as JSON: a postal address is an object, equal by value.
      const fields = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      const pick = (o: Record<string, unknown>) => Object.fromEntries(fields.map((k) => [k, o[k]]));
      return { customerId, externalId, before: pick(before), after: pick(after) };
    });
    for (let i = 0; i < diffs.length; i += CHANGES_PER_EVENT) {
      const part = diffs.slice(i, i + CHANGES_PER_EVENT);
      // The values before and after are sealed with the incident's key (core/db/audit.ts `append`);
      // in the clear: whose record changed and which fields, what is left after the incident's purge.
      await audit.append(db, {
        incidentId,
        actor,
        action: 'inventory_changed',
        detail: {
          changes: part.map((c) => ({
            customerId: c.customerId,
            externalId: c.externalId,
            fields: Object.keys(c.after),
          })),
        },
        personal: { changes: part },
      });
    }
  }
}

/** Who an import is recorded as when the caller names nobody (scripts, the seed). */
const IMPORT_ACTOR = 'system';

/**
 * Inserts or updates customers by external id, in one statement, and audits the changes to
 * affected people's records (`actor` is recorded), in one transaction. The caller has validated
 * the fields (the API's schema); the table's constraints stop anything that slipped through.
 */
export async function upsertCustomers(
  pool: Pool,
  customers: readonly CustomerInput[],
  actor: string = IMPORT_ACTOR,
): Promise<UpsertResult> {
  const byId = new Map<string, object>();
  for (const c of customers) {
    // Left out stays left out (the stored value is kept, see CONTACT_FIELDS); null clears.
    const { postalAddress, electronicConsent, ...rest } = c;
    byId.set(c.externalId, {
      ...rest,
      ...(postalAddress === undefined
        ? {}
        : { postalAddress: postalAddress && storedAddress(postalAddress) }),
      ...(electronicConsent === undefined
        ? {}
        : {
            electronicConsentAt: electronicConsent && instant(electronicConsent.at),
            electronicConsentMethod: electronicConsent && electronicConsent.method,
          }),
    });
  }
  if (byId.size === 0) return { received: 0, inserted: 0, updated: 0, unchanged: 0 };
  const source = `(SELECT "externalId" AS external_id, "fullName" AS full_name, email, locale, country, region, status,
                          "representativeName" AS representative_name, "representativeEmail" AS representative_email,
                          "personKey" AS person_key, phone, "postalAddress" AS postal_address,
                          "electronicConsentAt" AS electronic_consent_at,
                          "electronicConsentMethod" AS electronic_consent_method, "dateOfBirth" AS date_of_birth,
                          e ? 'personKey' AS given_person_key, e ? 'phone' AS given_phone,
                          e ? 'postalAddress' AS given_postal_address, e ? 'electronicConsentAt' AS given_consent,
                          e ? 'dateOfBirth' AS given_date_of_birth
                   FROM jsonb_array_elements($1::jsonb) AS e,
                        jsonb_to_record(e) AS r("externalId" text, "fullName" text, email text, locale text,
                          country text, region text, status text, "representativeName" text, "representativeEmail" text,
                          "personKey" text, phone text, "postalAddress" jsonb, "electronicConsentAt" timestamptz,
                          "electronicConsentMethod" text, "dateOfBirth" date)) s`;
  const { inserted, updated } = await inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<MergeResult>(mergeCustomersSql(source, 'per row'), [
      JSON.stringify([...byId.values()]),
    ]);
    await auditChanges(tx, actor, rows[0]!.changed);
    return rows[0]!;
  });
  return { received: byId.size, inserted, updated, unchanged: byId.size - inserted - updated };
}

/**
 * A postal address as stored: the keys of PostalAddress, absent ones left out (so that the same
 * address imported by JSON or CSV is the same jsonb value, and a re-import changes nothing).
 */
function storedAddress(a: PostalAddress): PostalAddress {
  return {
    lines: a.lines,
    locality: a.locality,
    ...(a.region ? { region: a.region } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    country: a.country,
  };
}

// --- Holdings --------------------------------------------------------------------------------------

const HOLDING_COLUMNS = {
  customerExternalId: 'customer_external_id',
  system: 'system',
  categories: 'categories',
  from: 'held_from',
  to: 'held_to',
  maskedIdentifiers: 'masked_identifiers',
} as const;
const HOLDING_REQUIRED = ['customerExternalId', 'system', 'categories'] as const;

/** CSV header names of holding files; in CSV, `categories` is `;`-separated and `maskedIdentifiers` a JSON object. */
export const HOLDING_CSV_FIELDS = Object.keys(HOLDING_COLUMNS) as (keyof typeof HOLDING_COLUMNS)[];

/**
 * The merge shared by the JSON and CSV paths. `source` yields customer_external_id, system,
 * categories text[] (canonical order), held_from, held_to, masked_identifiers jsonb; one row per key.
 * If any row names an unknown customer, nothing is written and the unknown ids come back.
 */
function mergeHoldingsSql(source: string): string {
  return `
    WITH src AS MATERIALIZED (SELECT * FROM ${source}),
    unknown AS MATERIALIZED (
      SELECT DISTINCT s.customer_external_id AS id FROM src s
      WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = s.customer_external_id)
    ),
    up AS (
      INSERT INTO holdings AS h (customer_id, system, categories, held_from, held_to, masked_identifiers)
      SELECT c.id, s.system, s.categories, s.held_from, s.held_to, s.masked_identifiers
      FROM src s JOIN customers c ON c.external_id = s.customer_external_id
      WHERE NOT EXISTS (SELECT 1 FROM unknown)
      ON CONFLICT (customer_id, system, held_from) DO UPDATE SET
        categories = EXCLUDED.categories, held_to = EXCLUDED.held_to, masked_identifiers = EXCLUDED.masked_identifiers
      WHERE (h.categories, h.held_to, h.masked_identifiers)
        IS DISTINCT FROM (EXCLUDED.categories, EXCLUDED.held_to, EXCLUDED.masked_identifiers)
      RETURNING (xmax = 0) AS inserted
    )
    SELECT (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM (SELECT id FROM unknown ORDER BY id LIMIT 1000) u) AS unknown,
           (SELECT count(*) FILTER (WHERE inserted) FROM up)::int AS inserted,
           (SELECT count(*) FILTER (WHERE NOT inserted) FROM up)::int AS updated,
           (SELECT count(*) FROM src)::int AS received`;
}

const instant = (v: string | Date | null | undefined): string | null =>
  v === null || v === undefined ? null : (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Inserts or updates holdings, each naming its customer by external id, in one statement. If any
 * customer is unknown, nothing is written and `unknownCustomerExternalIds` lists them (the API
 * answers 400). Categories are stored in canonical order.
 */
export async function upsertHoldings(
  db: Queryable,
  holdings: readonly HoldingInput[],
): Promise<HoldingsUpsertResult> {
  const byKey = new Map<string, object>();
  for (const h of holdings) {
    const from = instant(h.from);
    byKey.set(JSON.stringify([h.customerExternalId, h.system, from]), {
      customerExternalId: h.customerExternalId,
      system: h.system,
      categories: normaliseCategories(h.categories),
      from,
      to: instant(h.to),
      maskedIdentifiers: h.maskedIdentifiers ?? {},
    });
  }
  if (byKey.size === 0)
    return { received: 0, inserted: 0, updated: 0, unchanged: 0, unknownCustomerExternalIds: [] };
  const source = `(SELECT "customerExternalId" AS customer_external_id, system, categories,
                          coalesce("from", '-infinity') AS held_from, "to" AS held_to,
                          "maskedIdentifiers" AS masked_identifiers
                   FROM jsonb_to_recordset($1::jsonb) AS r("customerExternalId" text, system text, categories text[],
                     "from" timestamptz, "to" timestamptz, "maskedIdentifiers" jsonb)) s0`;
  const { rows } = await db.query<{ unknown: string[]; inserted: number; updated: number }>(
    mergeHoldingsSql(source),
    [JSON.stringify([...byKey.values()])],
  );
  const { unknown, inserted, updated } = rows[0]!;
  if (unknown.length > 0) {
    return {
      received: byKey.size,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      unknownCustomerExternalIds: unknown,
    };
  }
  return {
    received: byKey.size,
    inserted,
    updated,
    unchanged: byKey.size - inserted - updated,
    unknownCustomerExternalIds: [],
  };
}

// --- CSV through COPY ------------------------------------------------------------------------------

/**
 * Reads the header line off a CSV stream. Returns the column names and a stream of the rest,
 * which goes to COPY untouched (no parsing in JavaScript: that is what keeps large files fast).
 */
async function splitHeader(csv: Readable): Promise<{ header: string[]; body: AsyncIterable<Buffer> }> {
  const iterator = csv[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head = Buffer.alloc(0);
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, typeof next.value === 'string' ? Buffer.from(next.value) : next.value]);
    if (head.includes(0x0a)) break;
    if (head.length > 64 * 1024) throw new InventoryImportError('The CSV header line is longer than 64 KiB.');
  }
  const newline = head.indexOf(0x0a);
  const headerText = (newline === -1 ? head : head.subarray(0, newline))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  const rest = newline === -1 ? Buffer.alloc(0) : head.subarray(newline + 1);
  const header = headerText.split(',').map((h) =>
    h
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
  async function* body(): AsyncIterable<Buffer> {
    if (rest.length > 0) yield rest;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { header, body: body() };
}

function checkHeader<K extends string>(header: string[], known: readonly K[], required: readonly K[]): K[] {
  if (header.length === 1 && header[0] === '')
    throw new InventoryImportError('The CSV file is empty: expected a header line.');
  const unknown = header.filter((h) => !(known as readonly string[]).includes(h));
  if (unknown.length > 0) {
    throw new InventoryImportError(
      `Unknown CSV column(s): ${unknown.join(', ')}. Known columns: ${known.join(', ')}.`,
    );
  }
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (repeated.length > 0)
    throw new InventoryImportError(`Repeated CSV column(s): ${[...new Set(repeated)].join(', ')}.`);
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length > 0) throw new InventoryImportError(`Missing CSV column(s): ${missing.join(', ')}.`);
  return header as K[];
}

async function withImportTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Generous memory for the merge's sort and hash of millions of rows; dates without an offset are UTC.
    await client.query(
      `SET LOCAL work_mem = '256MB'; SET LOCAL temp_buffers = '256MB'; SET LOCAL TimeZone = 'UTC'`,
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function copyInto(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  body: AsyncIterable<Buffer>,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  try {
    await pipeline(body, stream);
  } catch (err) {
    const e = err as { code?: string; where?: string; message: string };
    // 22P04 bad_copy_file_format, 22P02/22007/22008: a value PostgreSQL could not read.
    if (e.code?.startsWith('22'))
      throw new InventoryImportError(
        `The CSV file could not be read: ${e.message}${e.where ? ` (${e.where})` : ''}.`,
      );
    throw err;
  }
  return stream.rowCount;
}

/** A row rule: `bad` is an SQL condition on the staging row, `message` what to tell when it holds. */
interface Rule {
  field: string;
  bad: string;
  message: string;
}

/**
 * Checks the staged rows against the rules, cheaply: one scan finds the first 20 rows breaking any
 * rule, and only those are examined rule by rule. Throws InventoryImportError listing them.
 */
async function checkRows(
  client: PoolClient,
  source: string,
  rules: readonly Rule[],
  params: unknown[] = [],
  prelude = '',
): Promise<void> {
  const sql = `
    WITH ${prelude} bad AS (
      SELECT * FROM ${source} WHERE ${rules.map((r) => `(${r.bad}) IS TRUE`).join(' OR ')} ORDER BY line LIMIT 20
    )
    SELECT line::int AS row, p.field, p.message
    FROM bad, LATERAL (VALUES ${rules.map((r) => `('${r.field}', CASE WHEN (${r.bad}) IS TRUE THEN ${r.message} END)`).join(', ')}) AS p(field, message)
    WHERE p.message IS NOT NULL ORDER BY line`;
  const { rows } = await client.query<ImportProblem>(sql, params);
  if (rows.length > 0) {
    const list = rows.map((p) => `row ${p.row}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('; ');
    throw new InventoryImportError(
      `The CSV file has rows that cannot be imported (nothing was written): ${list}`,
      rows,
    );
  }
}

const EMAIL = `'^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'`;
/** A phone number (core/domain/contact.ts PHONE_PATTERN), as an SQL literal. */
const PHONE = `'${PHONE_PATTERN}'`;
/** The CSV columns of a postal address, staged as ADDRESS_COLUMNS, and the condition "the row has one". */
const ADDRESS_FIELDS = [
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'addressLine4',
  'addressLocality',
  'addressRegion',
  'addressPostalCode',
  'addressCountry',
] as const;
const ADDRESS_COLUMNS = ADDRESS_FIELDS.map((f) => CUSTOMER_COLUMNS[f]);
const ANY_ADDRESS = `coalesce(${ADDRESS_COLUMNS.map((c) => `btrim(${c})`).join(', ')}, '') <> ''`;
const CUSTOMER_RULES: Rule[] = [
  { field: 'externalId', bad: `coalesce(btrim(external_id), '') = ''`, message: `'is required'` },
  { field: 'fullName', bad: `coalesce(btrim(full_name), '') = ''`, message: `'is required'` },
  // Optional (an empty cell: no email address), but when given, an address.
  { field: 'email', bad: `nullif(btrim(email), '') !~ ${EMAIL}`, message: `'must be an email address'` },
  {
    field: 'locale',
    bad: `locale !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`,
    message: `'must be a language tag such as en or pt-BR'`,
  },
  {
    field: 'country',
    bad: `country IS NULL OR country !~ '^[A-Z]{2}$'`,
    message: `'must be an ISO 3166-1 alpha-2 code such as DE'`,
  },
  {
    field: 'region',
    bad: `region !~ '^[A-Z]{2}-[A-Z0-9]{1,3}$' OR left(region, 2) <> country`,
    message: `'must be an ISO 3166-2 code of the customer''s country, such as US-CA'`,
  },
  {
    field: 'status',
    bad: `status <> ALL ($1::text[])`,
    message: `'must be one of ' || array_to_string($1::text[], ', ')`,
  },
  {
    field: 'representativeEmail',
    bad: `btrim(representative_email) !~ ${EMAIL}`,
    message: `'must be an email address'`,
  },
  { field: 'personKey', bad: `length(btrim(person_key)) > 200`, message: `'must be at most 200 characters'` },
  {
    field: 'phone',
    bad: `nullif(btrim(phone), '') !~ ${PHONE}`,
    message: `'${PHONE_MESSAGE}'`,
  },
  // A postal address, when any of its cells is filled: at least its first line, locality and country.
  {
    field: 'addressLine1',
    bad: `${ANY_ADDRESS} AND coalesce(btrim(address_line1), '') = ''`,
    message: `'is required with an address'`,
  },
  {
    field: 'addressLocality',
    bad: `${ANY_ADDRESS} AND coalesce(btrim(address_locality), '') = ''`,
    message: `'is required with an address'`,
  },
  {
    field: 'addressCountry',
    bad: `${ANY_ADDRESS} AND (address_country IS NULL OR btrim(address_country) !~ '^[A-Z]{2}$')`,
    message: `'must be an ISO 3166-1 alpha-2 code such as DE (required with an address)'`,
  },
  {
    field: 'electronicConsentAt',
    // An empty cell, quoted ("") or not, is no consent (as the merge reads it), not a bad instant.
    bad: `NOT pg_input_is_valid(nullif(btrim(electronic_consent_at), ''), 'timestamptz')`,
    message: `'must be an ISO 8601 instant'`,
  },
  {
    field: 'electronicConsentAt',
    bad: `(coalesce(btrim(electronic_consent_at), '') = '') <> (coalesce(btrim(electronic_consent_method), '') = '')`,
    message: `'and electronicConsentMethod go together: both or neither'`,
  },
  {
    field: 'dateOfBirth',
    // A CASE, so the cast runs only on a valid date (OR does not promise an order).
    bad: `CASE WHEN coalesce(btrim(date_of_birth), '') = '' THEN false
               WHEN btrim(date_of_birth) !~ '^\\d{4}-\\d{2}-\\d{2}$'
                 OR NOT pg_input_is_valid(btrim(date_of_birth), 'date') THEN true
               ELSE btrim(date_of_birth)::date > current_date END`,
    message: `'must be a date in the past, YYYY-MM-DD'`,
  },
];

/**
 * Imports a customers CSV file (header line naming the fields of CustomerInput, any order) through
 * COPY: staged, checked, then merged in one transaction. A bad row refuses the whole file.
 */
export async function copyCustomers(
  pool: Pool,
  csv: Readable,
  actor: string = IMPORT_ACTOR,
): Promise<UpsertResult> {
  const { header, body } = await splitHeader(csv);
  const fields = checkHeader(header, CUSTOMER_CSV_FIELDS, CUSTOMER_REQUIRED);
  return withImportTransaction(pool, async (client) => {
    await client.query(`
      CREATE TEMP TABLE customers_import (
        line bigserial, external_id text, full_name text, email text, locale text, country text, region text,
        status text, representative_name text, representative_email text, person_key text, phone text,
        ${ADDRESS_COLUMNS.map((c) => `${c} text`).join(', ')}, electronic_consent_at text,
        electronic_consent_method text, date_of_birth text
      ) ON COMMIT DROP`);
    await copyInto(
      client,
      'customers_import',
      fields.map((f) => CUSTOMER_COLUMNS[f]),
      body,
    );
    await checkRows(client, 'customers_import', CUSTOMER_RULES, [CUSTOMER_STATUSES]);
    // An empty cell is no value (a quoted "" too); the address is built as storedAddress builds it.
    // A contact column not in the header keeps the stored value (see CONTACT_FIELDS).
    const has = (...names: (keyof typeof CUSTOMER_COLUMNS)[]) => names.some((n) => fields.includes(n));
    const given = {
      personKey: has('personKey'),
      phone: has('phone'),
      postalAddress: has(...ADDRESS_FIELDS),
      consent: has('electronicConsentAt', 'electronicConsentMethod'),
      dateOfBirth: has('dateOfBirth'),
    };
    const source = `(SELECT DISTINCT ON (external_id) external_id, full_name, email, locale, country, region, status,
                            representative_name, representative_email, person_key, phone,
                            CASE WHEN ${ANY_ADDRESS} THEN jsonb_strip_nulls(jsonb_build_object(
                              'lines', to_jsonb(array_remove(ARRAY[nullif(btrim(address_line1), ''),
                                nullif(btrim(address_line2), ''), nullif(btrim(address_line3), ''),
                                nullif(btrim(address_line4), '')], NULL)),
                              'locality', btrim(address_locality), 'region', nullif(btrim(address_region), ''),
                              'postalCode', nullif(btrim(address_postal_code), ''), 'country', btrim(address_country)))
                            END AS postal_address,
                            nullif(btrim(electronic_consent_at), '')::timestamptz AS electronic_consent_at,
                            nullif(btrim(electronic_consent_method), '') AS electronic_consent_method,
                            nullif(btrim(date_of_birth), '')::date AS date_of_birth,
                            ${given.personKey} AS given_person_key, ${given.phone} AS given_phone,
                            ${given.postalAddress} AS given_postal_address, ${given.consent} AS given_consent,
                            ${given.dateOfBirth} AS given_date_of_birth
                     FROM (SELECT line, btrim(external_id) AS external_id, btrim(full_name) AS full_name,
                                  nullif(btrim(email), '') AS email, locale, country, region, status,
                                  btrim(representative_name) AS representative_name,
                                  btrim(representative_email) AS representative_email,
                                  nullif(btrim(person_key), '') AS person_key, nullif(btrim(phone), '') AS phone,
                                  ${ADDRESS_COLUMNS.join(', ')}, electronic_consent_at, electronic_consent_method,
                                  date_of_birth
                           FROM customers_import) i
                     ORDER BY external_id, line DESC) s`;
    const { rows } = await client.query<MergeResult>(
      mergeCustomersSql(source, Object.values(given).every(Boolean) ? 'all' : 'per row'),
    );
    const { inserted, updated, received, changed } = rows[0]!;
    await auditChanges(client, actor, changed);
    return { received, inserted, updated, unchanged: received - inserted - updated };
  });
}

// The few distinct category lists of a file are checked and put in canonical order once each, not per row.
const CATEGORY_LISTS = `category_lists AS MATERIALIZED (
    SELECT raw,
           ARRAY(SELECT v.c FROM unnest($1::text[]) WITH ORDINALITY AS v(c, n) WHERE v.c = ANY (list) ORDER BY v.n) AS canonical,
           cardinality(list) > 0 AND list <@ $1::text[] AS valid
    FROM (SELECT DISTINCT categories AS raw, string_to_array(replace(categories, ' ', ''), ';') AS list FROM holdings_import) d
  ),`;
const HOLDING_RULES: Rule[] = [
  {
    field: 'customerExternalId',
    bad: `coalesce(btrim(customer_external_id), '') = ''`,
    message: `'is required'`,
  },
  { field: 'system', bad: `coalesce(btrim(system), '') = ''`, message: `'is required'` },
  {
    field: 'categories',
    bad: `categories IS NULL OR NOT categories_valid`,
    message: `'must be ;-separated data categories from: ' || array_to_string($1::text[], ', ')`,
  },
  {
    field: 'from',
    bad: `NOT pg_input_is_valid(held_from, 'timestamptz')`,
    message: `'must be an ISO 8601 instant'`,
  },
  {
    field: 'to',
    bad: `NOT pg_input_is_valid(held_to, 'timestamptz')`,
    message: `'must be an ISO 8601 instant'`,
  },
  {
    field: 'to',
    bad: `CASE WHEN pg_input_is_valid(held_from, 'timestamptz') AND pg_input_is_valid(held_to, 'timestamptz')
               THEN held_to::timestamptz < held_from::timestamptz END`,
    message: `'must not be before from'`,
  },
  {
    field: 'maskedIdentifiers',
    bad: `masked_identifiers IS NOT NULL
          AND CASE WHEN pg_input_is_valid(masked_identifiers, 'jsonb') THEN jsonb_typeof(masked_identifiers::jsonb) <> 'object' ELSE true END`,
    message: `'must be a JSON object such as {"payment_card":"4242"}'`,
  },
];

/**
 * Imports a holdings CSV file (header naming the fields of HoldingInput; `categories` `;`-separated,
 * `maskedIdentifiers` a JSON object) through COPY. Refused as a whole, with nothing written, when a
 * row is bad (thrown) or names unknown customers (returned in `unknownCustomerExternalIds`).
 */
export async function copyHoldings(pool: Pool, csv: Readable): Promise<HoldingsUpsertResult> {
  const { header, body } = await splitHeader(csv);
  const fields = checkHeader(header, HOLDING_CSV_FIELDS, HOLDING_REQUIRED);
  return withImportTransaction(pool, async (client) => {
    await client.query(`
      CREATE TEMP TABLE holdings_import (
        line bigserial, customer_external_id text, system text, categories text, held_from text, held_to text,
        masked_identifiers text
      ) ON COMMIT DROP`);
    await copyInto(
      client,
      'holdings_import',
      fields.map((f) => HOLDING_COLUMNS[f]),
      body,
    );
    await checkRows(
      client,
      '(SELECT h.*, l.valid AS categories_valid FROM holdings_import h LEFT JOIN category_lists l ON l.raw = h.categories) h',
      HOLDING_RULES,
      [DATA_CATEGORIES],
      CATEGORY_LISTS,
    );
    // Categories in the vocabulary's order, de-duplicated: the canonical form stored everywhere.
    const source = `(WITH ${CATEGORY_LISTS.replace(/,$/, '')}
                     SELECT DISTINCT ON (customer_external_id, system, held_from)
                            customer_external_id, system, canonical AS categories, held_from, held_to, masked_identifiers
                     FROM (SELECT line, btrim(customer_external_id) AS customer_external_id, btrim(system) AS system, categories,
                                  coalesce(held_from::timestamptz, '-infinity') AS held_from, held_to::timestamptz AS held_to,
                                  coalesce(masked_identifiers::jsonb, '{}') AS masked_identifiers
                           FROM holdings_import) i
                     JOIN category_lists ON raw = i.categories
                     ORDER BY customer_external_id, system, held_from, line DESC) s0`;
    const { rows } = await client.query<{
      unknown: string[];
      inserted: number;
      updated: number;
      received: number;
    }>(mergeHoldingsSql(source), [DATA_CATEGORIES]);
    const { unknown, inserted, updated, received } = rows[0]!;
    if (unknown.length > 0) {
      return { received, inserted: 0, updated: 0, unchanged: 0, unknownCustomerExternalIds: unknown };
    }
    return {
      received,
      inserted,
      updated,
      unchanged: received - inserted - updated,
      unknownCustomerExternalIds: [],
    };
  });
}

// --- What the inventory knows ----------------------------------------------------------------------

/** The systems that hold any data, sorted: a loose index scan, milliseconds even over millions of holdings. */
export async function listSystems(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ system: string }>(`
    WITH RECURSIVE s AS (
      (SELECT system FROM holdings ORDER BY system LIMIT 1)
      UNION ALL
      SELECT (SELECT h.system FROM holdings h WHERE h.system > s.system ORDER BY h.system LIMIT 1) FROM s WHERE s.system IS NOT NULL
    )
    SELECT system FROM s WHERE system IS NOT NULL`);
  return rows.map((r) => r.system);
}

/**
 * The data categories some holding records, in vocabulary order. Reads every holding (about a
 * second for 3,000,000): cache it where it is asked for often.
 */
export async function listCategories(db: Queryable): Promise<DataCategory[]> {
  const { rows } = await db.query<{ category: DataCategory }>(
    `SELECT DISTINCT unnest(categories) AS category FROM holdings`,
  );
  return normaliseCategories(rows.map((r) => r.category));
}

export async function countCustomers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  return rows[0]!.n;
}
