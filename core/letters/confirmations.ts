import { parse } from 'csv-parse/sync';

/*
 * What comes back from the mail house, as CSV: the confirmation that letters were posted
 * (`reference,posted_on`) and returned mail (`reference,reason`). Pure: text in, rows or the first
 * problem (with its line) out; the API's schemas turn a problem into a 400 naming the field.
 */

/** One row of a confirmation, with the file line it came from (for error messages). */
export type ConfirmationRow<C extends string> = Record<C, string> & { line: number };

/** A confirmation file that cannot be read as asked; `message` names the line. */
export class ConfirmationCsvError extends Error {
  override name = 'ConfirmationCsvError';
}

/**
 * Reads a confirmation: a header row naming at least `columns` (any order, case-insensitive, extra
 * columns ignored), then one row per letter; blank lines are skipped. Throws ConfirmationCsvError
 * for a missing column, an empty value, a file with no rows, or more than `maxRows`.
 */
export function parseConfirmationCsv<C extends string>(
  text: string,
  columns: readonly C[],
  maxRows: number,
): ConfirmationRow<C>[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (err) {
    throw new ConfirmationCsvError(`not readable as CSV: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new ConfirmationCsvError('the file is empty');
  const names = header.map((h) => h.toLowerCase());
  const at = columns.map((c) => {
    const i = names.indexOf(c);
    if (i < 0)
      throw new ConfirmationCsvError(
        `line 1: the header has no column "${c}" (it needs ${columns.join(', ')})`,
      );
    return i;
  });
  if (rows.length === 0) throw new ConfirmationCsvError('the file has a header but no rows');
  if (rows.length > maxRows) throw new ConfirmationCsvError(`more than ${maxRows} rows: split the file`);
  return rows.map((row, n) => {
    const line = n + 2;
    const out = { line } as ConfirmationRow<C>;
    columns.forEach((c, k) => {
      const value = row[at[k]!] ?? '';
      if (value === '') throw new ConfirmationCsvError(`line ${line}: "${c}" is empty`);
      (out as Record<string, unknown>)[c] = value;
    });
    return out;
  });
}
