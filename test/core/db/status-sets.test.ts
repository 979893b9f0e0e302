import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AFFECTED_STATUSES,
  AUDIENCES,
  CUSTOMER_STATUSES,
  DELIVERY_STATUSES,
  LETTER_BATCH_STATUSES,
  LETTER_STATUSES,
  NOTICE_CHANNEL_REASONS,
  NOTICE_CHANNELS,
  NOTICE_STATUSES,
  OBLIGATION_STATUSES,
  ROLES,
  USER_KINDS,
} from '../../../core/domain/model';
import {
  NOTICE_AUDIENCES,
  SUBSTITUTE_ELEMENTS,
  SUBSTITUTE_STATUSES,
} from '../../../core/domain/substitute-notice';
import { FOUND_BY } from '../../../core/domain/contact';
import { FILING_CHANNELS, FILING_STATUSES } from '../../../core/domain/filings';
import { ANSWER_CHANNELS, QUESTION_STATUSES } from '../../../core/domain/questions';
import { DETERMINATION_KINDS, DETERMINATION_STATUSES } from '../../../core/domain/determinations';
import {
  MAILING_CRITERIA,
  MAILING_DELIVERY_STATUSES,
  MAILING_KINDS,
  MAILING_STATUSES,
} from '../../../core/domain/mailings';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';

/**
 * core/domain/model.ts is the one source of each status set; the migrations can only restate them
 * as CHECK constraints (they are history, written once). This holds the two together: a value added
 * on one side and not the other fails here, not in production.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 1 });
});
afterAll(async () => {
  await db?.drop();
});

/** The values a column's `CHECK (column IN (…))` constraint allows, as the database holds it. */
async function allowed(table: string, column: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`,
    [table],
  );
  const def = rows.map((r) => r.def).find((d) => d.includes(`(${column} = ANY`));
  if (!def) throw new Error(`no CHECK on ${table}.${column}`);
  return [...def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]!);
}

describe('status sets', () => {
  it.each([
    ['users', 'role', ROLES],
    ['users', 'kind', USER_KINDS],
    ['customers', 'status', CUSTOMER_STATUSES],
    ['affected_customers', 'status', AFFECTED_STATUSES],
    // The customer's status as frozen on their record at identification (migration 008).
    ['affected_customers', 'customer_status', CUSTOMER_STATUSES],
    // How identification found the person (migration 014).
    ['affected_customers', 'found_by', FOUND_BY],
    // How each person's notice goes, and why (migration 015).
    ['affected_customers', 'channel', NOTICE_CHANNELS],
    ['affected_customers', 'channel_reason', NOTICE_CHANNEL_REASONS],
    ['notices', 'status', NOTICE_STATUSES],
    ['deliveries', 'status', DELIVERY_STATUSES],
    ['obligations', 'status', OBLIGATION_STATUSES],
    ['obligations', 'audience', AUDIENCES],
    // Substitute notice (migration 018).
    ['notices', 'audience', NOTICE_AUDIENCES],
    ['substitute_notices', 'status', SUBSTITUTE_STATUSES],
    ['substitute_notice_elements', 'kind', SUBSTITUTE_ELEMENTS],
    // Filings and their proof (migration 021).
    ['filings', 'channel', FILING_CHANNELS],
    ['filings', 'status', FILING_STATUSES],
    // Questions asked on the customer page (migration 026).
    ['questions', 'status', QUESTION_STATUSES],
    ['questions', 'answer_channel', ANSWER_CHANNELS],
    // Printed letters and their batches (migration 016).
    ['letters', 'status', LETTER_STATUSES],
    ['letter_batches', 'status', LETTER_BATCH_STATUSES],
    // Determinations (migration 022).
    ['determinations', 'kind', DETERMINATION_KINDS],
    ['determinations', 'status', DETERMINATION_STATUSES],
    // Further mailings (migration 028).
    ['mailings', 'kind', MAILING_KINDS],
    ['mailings', 'criterion', MAILING_CRITERIA],
    ['mailings', 'status', MAILING_STATUSES],
    ['mailing_deliveries', 'status', MAILING_DELIVERY_STATUSES],
  ] as const)(
    '%s.%s allows exactly the values core/domain/model.ts defines',
    async (table, column, values) => {
      expect((await allowed(table, column)).sort()).toEqual([...values].sort());
    },
  );
});
