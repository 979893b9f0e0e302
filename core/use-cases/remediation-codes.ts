import { createHash } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Incident } from '../db/incidents';
import * as obligations from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as codes from '../db/remediation-codes';
import type { CodePool, PersonWithoutCode } from '../db/remediation-codes';
import * as users from '../db/users';
import type { Role } from '../domain/model';
import { ForbiddenError, IncidentNotFoundError, ValidationError } from '../errors';
import { identityProtectionTerm } from '../law';
import type { IncidentFacts } from '../law';
import { ConfirmationCsvError, parseConfirmationCsv } from '../letters/confirmations';
import type { StaffMailer } from '../mail/staff-mailer';
import type { Actor } from './types';

/*
 * Remediation codes (issue 17, item 4). A company buys enrolment codes for credit monitoring or
 * identity-theft protection from a vendor and imports the vendor's file per incident; each person
 * whose notice must offer the service (the law: core/law `identityProtectionTerm`) is given one code
 * in the statement that claims their notice (core/db/deliveries.ts `claim`, and the letters' claim
 * here, `assignCodesForLetterBatch`), shown in their notice and on their page with how to enrol.
 * Before delivery, `warnIfCodesShort` compares the codes with the people who need them and warns
 * staff when they will not go round; whoever is left without a code is listed
 * (`listPeopleWithoutCode`) for the support team.
 */

/** Who imports codes and sees who is left without one. */
export const CODE_ROLES: readonly Role[] = ['officer', 'compliance'];

function mayHandleCodes(actor: Actor): void {
  if (!CODE_ROLES.includes(actor.role)) throw new ForbiddenError('only officers and compliance handle codes');
}

/** The columns of a vendor's file, in any order (more are ignored). */
export const CODE_CSV_COLUMNS = ['provider', 'product', 'term_months', 'enroll_by', 'code', 'minor'] as const;

/** The largest vendor file read at once. */
const MAX_CODES = 1_000_000;

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

export interface ImportCodesInput {
  incidentId: string;
  /** The vendor's file: CODE_CSV_COLUMNS, one code per row (a `minor` of yes marks the minor product). */
  csv: string;
  /** Where people enrol (the vendor's page): printed in the notice and linked from the page. */
  enrollUrl: string;
}

export interface ImportCodesResult {
  /** The pools the file made, one per product (provider, product, term, enrol-by date, minors). */
  pools: Omit<CodePool, 'incidentId' | 'importedBy' | 'importedAt' | 'fileSha256'>[];
  /** True when this very file had been imported for the incident before: nothing new was written. */
  alreadyImported: boolean;
}

interface ParsedProduct {
  provider: string;
  product: string;
  termMonths: number;
  enrollBy: string;
  forMinors: boolean;
  codes: string[];
}

/**
 * Reads a vendor's file into its products. A ValidationError on `csv` names the line of the first
 * problem: a missing column or value, a term that is not a whole number of months (1–120), an
 * enrol-by date that is not a date or already passed, an unknown `minor`, a code longer than 64
 * characters or listed twice.
 */
export function parseCodeFile(text: string, today = new Date().toISOString().slice(0, 10)): ParsedProduct[] {
  let rows;
  try {
    rows = parseConfirmationCsv(text, CODE_CSV_COLUMNS, MAX_CODES);
  } catch (err) {
    if (err instanceof ConfirmationCsvError) throw new ValidationError(err.message, 'csv');
    throw err;
  }
  const products = new Map<string, ParsedProduct>();
  const seen = new Map<string, number>();
  for (const row of rows) {
    const problem = (message: string) => new ValidationError(`line ${row.line}: ${message}`, 'csv');
    const termMonths = Number(row.term_months);
    if (!/^\d+$/.test(row.term_months) || termMonths < 1 || termMonths > 120)
      throw problem('term_months must be a whole number of months from 1 to 120');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(row.enroll_by) || Number.isNaN(Date.parse(`${row.enroll_by}T00:00:00Z`)))
      throw problem('enroll_by must be a date, YYYY-MM-DD');
    if (row.enroll_by < today) throw problem('enroll_by has passed: nobody could enrol with these codes');
    const minor = row.minor.toLowerCase();
    if (!YES.has(minor) && !NO.has(minor)) throw problem('minor must be yes or no');
    if (row.code.length > 64) throw problem('the code is longer than 64 characters');
    const first = seen.get(`${row.provider}\u0000${row.code}`);
    if (first !== undefined) throw problem(`the code is listed twice (first on line ${first})`);
    seen.set(`${row.provider}\u0000${row.code}`, row.line);
    const p = {
      provider: row.provider,
      product: row.product,
      termMonths,
      enrollBy: row.enroll_by,
      forMinors: YES.has(minor),
    };
    const key = JSON.stringify(p);
    let product = products.get(key);
    if (!product) products.set(key, (product = { ...p, codes: [] }));
    product.codes.push(row.code);
  }
  return [...products.values()];
}

/**
 * Imports a vendor's file of codes for an incident: one pool per product in it, with its codes, and
 * the `remediation_codes_imported` entry (products and counts, never the codes), in one transaction.
 * The same file again changes nothing (`alreadyImported`). A code the provider's pools already hold
 * (this incident's or another's) is a 400 naming it: a vendor's code is given to one person, once.
 */
export async function importCodes(
  deps: { pool: Pool },
  actor: Actor,
  input: ImportCodesInput,
): Promise<ImportCodesResult> {
  mayHandleCodes(actor);
  if (!/^https?:\/\/\S+$/.test(input.enrollUrl))
    throw new ValidationError('must be an http(s) address', 'enrollUrl');
  const products = parseCodeFile(input.csv);
  const fileSha256 = createHash('sha256').update(input.csv).digest('hex');
  return inTransaction(deps.pool, async (tx) => {
    const incident = await incidents.get(tx, input.incidentId);
    if (!incident) throw new IncidentNotFoundError(input.incidentId);
    const before = (await codes.listPools(tx, input.incidentId)).filter((p) => p.fileSha256 === fileSha256);
    if (before.length > 0) return { pools: before.map(poolSummary), alreadyImported: true };
    for (const p of products) {
      const taken = await codes.existingCodes(tx, p.provider, p.codes);
      if (taken.length > 0)
        throw new ValidationError(
          `${taken.length} code(s) of ${p.provider} were imported before, e.g. ${taken[0]}: a code is given once`,
          'csv',
        );
    }
    let part = 0;
    for (const p of products) {
      part++;
      await codes.insertPool(
        tx,
        {
          incidentId: input.incidentId,
          provider: p.provider,
          product: p.product,
          termMonths: p.termMonths,
          enrollBy: p.enrollBy,
          enrollUrl: input.enrollUrl,
          forMinors: p.forMinors,
          fileSha256,
          part,
          importedBy: actor.id,
        },
        p.codes,
      );
    }
    const pools = (await codes.listPools(tx, input.incidentId)).filter((p) => p.fileSha256 === fileSha256);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'remediation_codes_imported',
      detail: { fileSha256, pools: pools.map(poolSummary) },
    });
    return { pools: pools.map(poolSummary), alreadyImported: false };
  });
}

function poolSummary(p: CodePool): ImportCodesResult['pools'][number] {
  return {
    id: p.id,
    provider: p.provider,
    product: p.product,
    termMonths: p.termMonths,
    enrollBy: p.enrollBy,
    enrollUrl: p.enrollUrl,
    forMinors: p.forMinors,
    part: p.part,
    codes: p.codes,
    free: p.free,
  };
}

/** Adults and minors: the two products a vendor sells. */
export interface ByAge {
  adults: number;
  minors: number;
}

/** How an incident's codes stand against the people who need them. */
export interface CodeStatus {
  pools: CodePool[];
  /** People whose notice must offer identity-theft protection (alive, with a notice of their own). */
  eligible: ByAge;
  /** Of those, people given a code. */
  withCode: ByAge;
  /** Codes free in pools whose enrol-by date has not passed. */
  free: ByAge;
  /** Eligible people without a code whom the free codes cannot cover: 0 when every one can get one. */
  short: ByAge;
  /** The longest term the law requires of an eligible adult's and minor's service, in months (0: none eligible). */
  requiredMonths: ByAge;
  /** The provisions that make people eligible, with their terms. */
  requiredBy: { ruleId: string; months: number; citation: string }[];
  /** Pools whose product runs for less than the law requires of the people it is for (`requiredMonths`). */
  termTooShort: string[];
  /** Pools whose enrol-by date has passed (their codes are no longer handed out). */
  expired: string[];
}

/** The facts the law engine reads for a person's notice, as delivery reads them. */
function factsOf(incident: Incident, config: Readonly<Config>): IncidentFacts {
  return {
    discoveredAt: incident.discoveredAt,
    encrypted: incident.encrypted,
    keyCompromised: incident.keyCompromised,
    materialityDeterminedAt: null,
    regimes: config.company.regimes,
  };
}

/**
 * The incident's eligible notice variants (core/db/remediation-codes.ts `variantKey`) and the
 * terms that make them so, from its people's distinct jurisdictions and categories.
 */
function eligibleVariants(
  variants: readonly { jurisdictions: string[]; categories: codes.EligibilityGroup['categories'] }[],
  facts: IncidentFacts,
): Map<string, ReturnType<typeof identityProtectionTerm>> {
  const eligible = new Map<string, ReturnType<typeof identityProtectionTerm>>();
  for (const v of variants) {
    const key = codes.variantKey(v.jurisdictions, v.categories);
    if (eligible.has(key)) continue;
    const term = identityProtectionTerm(v.jurisdictions, v.categories, facts);
    if (term) eligible.set(key, term);
  }
  return eligible;
}

/** How the incident's codes stand against the people who need them (read-only; one transaction's view). */
export async function codeStatus(
  deps: { pool: Pool | Queryable; config: Readonly<Config> },
  incidentId: string,
): Promise<CodeStatus> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  const [pools, groups] = await Promise.all([
    codes.listPools(deps.pool, incidentId),
    codes.eligibilityGroups(deps.pool, incidentId),
  ]);
  const eligible = eligibleVariants(groups, factsOf(incident, deps.config));
  const count = (pick: (g: codes.EligibilityGroup) => number, minor: boolean) =>
    groups
      .filter((g) => g.minor === minor && eligible.has(codes.variantKey(g.jurisdictions, g.categories)))
      .reduce((n, g) => n + pick(g), 0);
  const today = new Date().toISOString().slice(0, 10);
  const live = pools.filter((p) => p.enrollBy >= today);
  const free = {
    adults: live.filter((p) => !p.forMinors).reduce((n, p) => n + p.free, 0),
    minors: live.filter((p) => p.forMinors).reduce((n, p) => n + p.free, 0),
  };
  const eligibleCount = { adults: count((g) => g.people, false), minors: count((g) => g.people, true) };
  const withCode = { adults: count((g) => g.withCode, false), minors: count((g) => g.withCode, true) };
  const requiredBy = new Map<string, CodeStatus['requiredBy'][number]>();
  for (const term of eligible.values()) for (const r of term!.requiredBy) requiredBy.set(r.ruleId, r);
  const monthsFor = (minor: boolean) =>
    Math.max(
      0,
      ...groups
        .filter((g) => g.minor === minor && g.people > 0)
        .map((g) => eligible.get(codes.variantKey(g.jurisdictions, g.categories))?.months ?? 0),
    );
  const requiredMonths = { adults: monthsFor(false), minors: monthsFor(true) };
  const name = (p: CodePool) => `${p.provider} ${p.product}${p.forMinors ? ' (minors)' : ''}`;
  return {
    pools,
    eligible: eligibleCount,
    withCode,
    free,
    short: {
      adults: Math.max(0, eligibleCount.adults - withCode.adults - free.adults),
      minors: Math.max(0, eligibleCount.minors - withCode.minors - free.minors),
    },
    requiredMonths,
    requiredBy: [...requiredBy.values()],
    termTooShort: live
      .filter((p) => p.termMonths < (p.forMinors ? requiredMonths.minors : requiredMonths.adults))
      .map(name),
    expired: pools.filter((p) => p.enrollBy < today).map(name),
  };
}

/**
 * The low-pool warning, before delivery starts (the lead calls it when the notice is approved, or
 * earlier; safe to call again): when the free codes cannot cover every eligible person without one,
 * or a pool's term is shorter than the law requires, compliance and the incident's officer get a
 * `codes_short` alert and the trail a `remediation_codes_short` entry with the figures, once per
 * distinct shortfall (a new import that still falls short warns again). Returns the status and
 * whether it warned now. Delivery goes ahead either way: the notice's deadline does not wait for a
 * vendor, and those left without a code are listed (`listPeopleWithoutCode`).
 */
export async function warnIfCodesShort(
  deps: { pool: Pool; config: Readonly<Config>; staffMailer: StaffMailer },
  incidentId: string,
): Promise<{ status: CodeStatus; warned: boolean }> {
  const status = await codeStatus(deps, incidentId);
  const short = status.short.adults + status.short.minors;
  if (short === 0 && status.termTooShort.length === 0) return { status, warned: false };
  const key =
    `remediation_codes_short:${incidentId}:${status.short.adults}:${status.short.minors}:` +
    `${status.termTooShort.join(',')}`;
  const warned = await inTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
      [key],
    );
    if (!rows[0]!.locked || (await audit.exists(tx, key))) return false;
    const incident = (await incidents.get(tx, incidentId))!;
    const compliance = await users.listByRole(tx, 'compliance');
    const officer = await users.findById(tx, incident.openedBy);
    const to = [...new Set([...compliance, ...(officer ? [officer] : [])].map((u) => u.email))];
    // The deadline the codes are needed by: the earliest open individuals' obligation.
    const due = (await obligations.current(tx, incidentId))
      .filter((o) => o.audience === 'individuals' && (o.status === 'pending' || o.status === 'overdue'))
      .sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity))[0];
    if (due) {
      await deps.staffMailer.sendOnce(key, to, {
        kind: 'codes_short',
        incident,
        obligation: due,
        waitsOnApproval: false,
        note: shortNote(status),
      });
    }
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'remediation_codes_short',
      detail: {
        eligible: status.eligible,
        withCode: status.withCode,
        free: status.free,
        short: status.short,
        requiredMonths: status.requiredMonths,
        termTooShort: status.termTooShort,
        expired: status.expired,
        recipients: due ? to.length : 0,
      },
      dedupeKey: key,
    });
    return true;
  });
  return { status, warned };
}

/** The alert's figures in words. */
function shortNote(s: CodeStatus): string {
  const lines = [
    `Eligible: ${s.eligible.adults} adults, ${s.eligible.minors} minors. Given a code: ${s.withCode.adults} adults, ${s.withCode.minors} minors. Free codes: ${s.free.adults} adult, ${s.free.minors} minor.`,
  ];
  if (s.short.adults + s.short.minors > 0)
    lines.push(`Short by ${s.short.adults} adult and ${s.short.minors} minor codes.`);
  if (s.termTooShort.length > 0)
    lines.push(
      `Shorter than the law requires (${s.requiredMonths.adults} months for adults, ${s.requiredMonths.minors} for minors): ${s.termTooShort.join('; ')}.`,
    );
  return lines.join('\n\n');
}

/**
 * Eligible people of the incident without a code, by keyset on customer id: who the support team
 * follows up with (the notice told them to call), or who a later import should cover.
 */
export async function listPeopleWithoutCode(
  deps: { pool: Pool; config: Readonly<Config> },
  actor: Actor,
  input: { incidentId: string; after: number; limit: number },
): Promise<PersonWithoutCode[]> {
  mayHandleCodes(actor);
  const incident = await incidents.get(deps.pool, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  const groups = await codes.eligibilityGroups(deps.pool, input.incidentId);
  const keys = [...eligibleVariants(groups, factsOf(incident, deps.config)).keys()];
  return codes.listWithoutCode(deps.pool, input.incidentId, keys, { after: input.after, limit: input.limit });
}

/**
 * Gives a code to each eligible person of a letter batch who has none, in the transaction that
 * claimed the batch's letters (core/use-cases/letters.ts `openLetterBatch`): three statements per
 * batch, whatever its size. Returns how many got one and how many were left without.
 */
export async function assignCodesForLetterBatch(
  tx: Queryable,
  config: Readonly<Config>,
  incident: Incident,
  batchId: string,
): Promise<{ assigned: number; without: number }> {
  const variants = await codes.letterBatchVariants(tx, batchId);
  const keys = [...eligibleVariants(variants, factsOf(incident, config)).keys()];
  return codes.assignForLetters(tx, incident.id, batchId, keys);
}
