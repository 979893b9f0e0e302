import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as letters from '../db/letters';
import type { LetterBatchSummary, LetterFileRow, LetterRef } from '../db/letters';
import * as notices from '../db/notices';
import { inTransaction } from '../db/pool';
import type { Queryable } from '../db/pool';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NoticeNotApprovedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import {
  CHECKSUMS_NAME,
  LETTERS_PER_FILE,
  MANIFEST_NAME,
  batchDir,
  writeBatchManifest,
  type LetterDeps,
} from '../letters/batch';
import type { Role } from '../domain/model';
import type { Config } from '../config';
import { settleReach } from './reach';
import { assignCodesForLetterBatch } from './remediation-codes';
import { reviewSubstituteNotice } from './substitute-notice';
import type { Actor, UseCaseDeps } from './types';

/*
 * Printed letters (core/letters/README.md): opening a batch and marking it ready (the workflow's
 * steps), and what staff do with the mail house's answers — "posted" and returned mail. Each is one
 * transaction with its audit entry.
 */

/** Who records the mail house's answers and handles the files (they hold personal data). */
export const LETTER_ROLES: readonly Role[] = ['officer', 'compliance'];

function mayHandleLetters(actor: Actor): void {
  if (!LETTER_ROLES.includes(actor.role))
    throw new ForbiddenError('only officers and compliance handle letters');
}

/**
 * Opens the batch named `key` (the letter workflow's id): claims a letter for everyone of the
 * incident who is to get one and has none yet for the approved notice (core/db/letters.ts
 * `claimLetters`), in files of LETTERS_PER_FILE. The same key returns the batch already opened, so
 * a retried step or a restarted workflow renders the same letters. Null when nobody waits for a
 * letter (no batch is kept then). NoticeNotApprovedError while the incident has no approved notice.
 */
export async function openLetterBatch(
  deps: UseCaseDeps & { config?: Readonly<Config> },
  input: {
    incidentId: string;
    key: string;
    /** Letters per file. @default LETTERS_PER_FILE (tests use fewer, to see several files) */
    perFile?: number;
  },
): Promise<{ batchId: string; letters: number; files: number } | null> {
  return inTransaction(deps.pool, async (tx) => {
    const existing = await letters.lockBatchByKey(tx, input.incidentId, input.key);
    if (existing) return { batchId: existing.id, letters: existing.letters, files: existing.files };
    const notice = (await notices.listForIncident(tx, input.incidentId)).find((n) => n.status === 'approved');
    if (!notice) throw new NoticeNotApprovedError(`of incident ${input.incidentId}`);
    const batch = await letters.insertBatch(tx, {
      incidentId: input.incidentId,
      noticeId: notice.id,
      key: input.key,
    });
    const counts = await letters.claimLetters(tx, batch, input.perFile ?? LETTERS_PER_FILE);
    if (counts.letters === 0) {
      await letters.deleteBatch(tx, batch.id);
      return null;
    }
    await letters.setBatchCounts(tx, batch.id, counts);
    // Remediation codes for those whose letter offers identity-theft protection, with the claim
    // (core/use-cases/remediation-codes.ts). Without the configuration (benchmarks), none.
    const incident = deps.config ? await incidents.get(tx, input.incidentId) : null;
    const codes = incident ? await assignCodesForLetterBatch(tx, deps.config!, incident, batch.id) : null;
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: 'system',
      action: 'letter_batch_opened',
      detail: {
        batchId: batch.id,
        key: input.key,
        noticeId: notice.id,
        ...counts,
        ...(codes && codes.assigned + codes.without > 0
          ? { codesAssigned: codes.assigned, withoutCode: codes.without }
          : {}),
      },
      dedupeKey: `letter_batch_opened:${batch.id}`,
    });
    return { batchId: batch.id, ...counts };
  });
}

/**
 * Writes the batch's manifest and checksums (core/letters/batch.ts) and marks it ready for the mail
 * house, audited once with the manifest's hash. A batch already ready is left as it is.
 */
export async function finishLetterBatch(
  deps: Pick<LetterDeps, 'pool' | 'config'>,
  batchId: string,
): Promise<{ batchId: string; letters: number }> {
  const batch = await letters.getBatch(deps.pool, batchId);
  if (!batch) throw new NotFoundError(`letter batch ${batchId} does not exist`);
  if (batch.status !== 'rendering') return { batchId, letters: batch.letters };
  const written = await writeBatchManifest(deps, batchId);
  await inTransaction(deps.pool, async (tx) => {
    await letters.markReady(tx, batchId, written.manifestSha256);
    await audit.append(tx, {
      incidentId: batch.incidentId,
      actor: 'system',
      action: 'letter_batch_ready',
      detail: {
        batchId,
        letters: written.letters,
        files: written.files,
        manifestSha256: written.manifestSha256,
      },
      dedupeKey: `letter_batch_ready:${batchId}`,
    });
  });
  return { batchId, letters: written.letters };
}

export interface LetterBatchView extends LetterBatchSummary {
  /** The batch's PDFs (manifest.csv and SHA256SUMS sit beside them once it is ready). */
  pdfFiles: Omit<LetterFileRow, 'batchId'>[];
}

/** An incident's letter batches, newest first, with their letters by status and their files. */
export async function listLetterBatches(deps: UseCaseDeps, incidentId: string): Promise<LetterBatchView[]> {
  const [incident, batches, files] = await Promise.all([
    incidents.get(deps.pool, incidentId),
    letters.listBatches(deps.pool, incidentId),
    letters.listFilesOfIncident(deps.pool, incidentId),
  ]);
  // An incident that does not exist is a 404, as on every incident route, not an empty list.
  if (!incident) throw new IncidentNotFoundError(incidentId);
  return batches.map((b) => ({
    ...b,
    pdfFiles: files.filter((f) => f.batchId === b.id).map(({ batchId: _, ...f }) => f),
  }));
}

/**
 * Hands one file of a ready batch to a staff member: the path to stream it from and its media
 * type. The files hold names and addresses, so each download is audited (`letters_downloaded`)
 * before the path is given. NotFoundError for a batch of another incident or a name not in the batch.
 */
export async function letterBatchFile(
  deps: Pick<LetterDeps, 'pool' | 'config'>,
  actor: Actor,
  input: { incidentId: string; batchId: string; name: string },
): Promise<{ path: string; mediaType: string; name: string }> {
  mayHandleLetters(actor);
  return inTransaction(deps.pool, async (tx) => {
    const batch = await letters.getBatch(tx, input.batchId);
    if (!batch || batch.incidentId !== input.incidentId) {
      throw new NotFoundError(`letter batch ${input.batchId} does not exist`);
    }
    if (batch.status === 'rendering') throw new ConflictError('the batch is still being rendered');
    const files = await letters.listFiles(tx, batch.id);
    const mediaType =
      input.name === MANIFEST_NAME
        ? 'text/csv; charset=utf-8'
        : input.name === CHECKSUMS_NAME
          ? 'text/plain; charset=utf-8'
          : files.some((f) => f.name === input.name)
            ? 'application/pdf'
            : null;
    if (!mediaType) throw new NotFoundError(`the batch has no file ${input.name}`);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'letters_downloaded',
      detail: { batchId: batch.id, file: input.name },
    });
    return { path: `${batchDir(deps.config, batch)}/${input.name}`, mediaType, name: input.name };
  });
}

/** The mail house's confirmation: a whole batch posted on one date, or letters by reference code. */
export type PostedConfirmation =
  | { incidentId: string; batchId: string; postedOn: string }
  | { incidentId: string; letters: { reference: string; postedOn: string; line?: number | undefined }[] };

export interface PostedResult {
  posted: number;
  /** Letters the confirmation named that were already recorded posted (a repeated file). */
  alreadyPosted: number;
  /** People who became notified by it. */
  notified: number;
}

/**
 * Records letters as posted: each person still waiting becomes notified, their batch `posted` once
 * every letter of it is posted or returned, and the individuals' obligations are settled again, all
 * in one transaction with its `letters_posted` entry. A reference with no letter is a 400 naming
 * it (nothing is recorded: the file is wrong or for another incident); a letter not yet rendered
 * cannot have been posted (409). A letter already posted or returned is left as it is.
 */
export async function recordLettersPosted(
  deps: UseCaseDeps,
  actor: Actor,
  input: PostedConfirmation,
): Promise<PostedResult> {
  mayHandleLetters(actor);
  return inTransaction(deps.pool, async (tx) => {
    const done = 'batchId' in input ? await postBatch(tx, input) : await postByReferences(tx, input);
    // Those now notified may complete an individuals' obligation (core/use-cases/reach.ts).
    await settleReach(tx, input.incidentId);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'letters_posted',
      detail: {
        ...('batchId' in input ? { batchId: input.batchId } : {}),
        letters: done.posted,
        alreadyPosted: done.alreadyPosted,
        notified: done.notified,
        postedFrom: done.postedFrom,
        postedTo: done.postedTo,
      },
    });
    return { posted: done.posted, alreadyPosted: done.alreadyPosted, notified: done.notified };
  });
}

type Posted = PostedResult & { postedFrom: string | null; postedTo: string | null };

/**
 * A whole batch posted on one date: its letters still waiting, however many, in one statement
 * (core/db/letters.ts `postBatch`), so a batch of a million letters never passes through memory.
 */
async function postBatch(
  tx: Queryable,
  input: { incidentId: string; batchId: string; postedOn: string },
): Promise<Posted> {
  const batch = await letters.getBatch(tx, input.batchId);
  if (!batch || batch.incidentId !== input.incidentId) {
    throw new NotFoundError(`letter batch ${input.batchId} does not exist`);
  }
  if (batch.status === 'rendering') throw new ConflictError('the batch is still being rendered');
  const { posted, notified } = await letters.postBatch(tx, batch.id, input.postedOn);
  if (posted > 0) await letters.settleBatches(tx, [batch.id]);
  const on = posted > 0 ? input.postedOn : null;
  return { posted, alreadyPosted: 0, notified, postedFrom: on, postedTo: on };
}

/** The mail house's file: each letter named by its reference, posted on its own date. */
async function postByReferences(
  tx: Queryable,
  input: {
    incidentId: string;
    letters: { reference: string; postedOn: string; line?: number | undefined }[];
  },
): Promise<Posted> {
  const rows = inCanonicalForm(input.letters);
  const postedOn = new Map(rows.map((l) => [l.reference, l.postedOn]));
  const found = (await byReferences(tx, input.incidentId, rows)).map((l) => ({
    ...l,
    postedOn: postedOn.get(l.referenceCode)!,
  }));
  refuseUnrendered(found);
  const toPost = found.filter((l) => l.status === 'rendered');
  await letters.markPosted(tx, toPost);
  const notified = await letters.markPeopleNotified(
    tx,
    input.incidentId,
    toPost.map((l) => l.customerId),
  );
  await letters.settleBatches(
    tx,
    found.map((l) => l.batchId),
  );
  const dates = toPost.map((l) => l.postedOn).sort();
  return {
    posted: toPost.length,
    alreadyPosted: found.length - toPost.length,
    notified,
    postedFrom: dates[0] ?? null,
    postedTo: dates.at(-1) ?? null,
  };
}

/**
 * Returned mail: each letter is recorded returned with the mail house's reason, and its person
 * becomes undeliverable by post with no lawful channel left (`none`: substitute notice), the
 * reason on their record; the individuals' obligations are settled again. One transaction with its
 * `returned_mail_imported` entry. A reference with no letter is a 400 naming it; a letter never
 * rendered cannot have come back (409); one already recorded returned is left as it is.
 */
export async function importReturnedMail(
  deps: Pick<LetterDeps, 'pool' | 'config'>,
  actor: Actor,
  input: { incidentId: string; letters: { reference: string; reason: string; line?: number | undefined }[] },
): Promise<{ returned: number; alreadyReturned: number }> {
  mayHandleLetters(actor);
  return inTransaction(deps.pool, async (tx) => {
    const rows = inCanonicalForm(input.letters);
    const reasons = new Map(rows.map((l) => [l.reference, l.reason]));
    const found = await byReferences(tx, input.incidentId, rows);
    refuseUnrendered(found);
    const back = found
      .filter((l) => l.status === 'rendered' || l.status === 'posted')
      .map((l) => ({ ...l, reason: reasons.get(l.referenceCode)! }));
    await letters.markReturned(tx, back);
    await letters.markPeopleUnreachableByPost(
      tx,
      input.incidentId,
      back.map((l) => l.customerId),
    );
    await letters.settleBatches(
      tx,
      back.map((l) => l.batchId),
    );
    // People with no channel left may make a statute's substitute notice due (insufficient contact
    // information); and someone counted as reached may now not be: a met obligation re-opens.
    await reviewSubstituteNotice(tx, input.incidentId, deps.config);
    await settleReach(tx, input.incidentId);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'returned_mail_imported',
      detail: {
        returned: back.map((l) => ({ customerId: l.customerId, reason: l.reason })),
        alreadyReturned: found.length - back.length,
      },
    });
    return { returned: back.length, alreadyReturned: found.length - back.length };
  });
}

/** A letter not yet rendered cannot have been posted or come back: ConflictError naming the first. */
function refuseUnrendered(found: readonly LetterRef[]): void {
  const notPrinted = found.find((l) => l.status === 'queued');
  if (notPrinted) throw new ConflictError(`the letter ${notPrinted.referenceCode} has not been rendered yet`);
}

/**
 * The letters for these references, or a ValidationError naming the first reference without one:
 * its line of the mail house's file (field `csv`) when it came from one, else its place in `letters`.
 */
/** Reference codes as they are stored (upper case), whatever case a mail house's file wrote them in. */
function inCanonicalForm<R extends { reference: string }>(rows: readonly R[]): R[] {
  return rows.map((r) => ({ ...r, reference: r.reference.toUpperCase() }));
}

async function byReferences(
  db: Queryable,
  incidentId: string,
  rows: readonly { reference: string; line?: number | undefined }[],
): Promise<LetterRef[]> {
  const found = await letters.lockByReferences(
    db,
    incidentId,
    rows.map((r) => r.reference),
  );
  const known = new Set(found.map((l) => l.referenceCode));
  const index = rows.findIndex((r) => !known.has(r.reference));
  const missing = rows[index];
  if (missing) {
    const message = `no letter of this incident has the reference ${missing.reference}`;
    throw missing.line === undefined
      ? new ValidationError(message, `letters.${index}.reference`)
      : new ValidationError(`line ${missing.line}: ${message}`, 'csv');
  }
  return found;
}
