import { parse } from 'csv-parse/sync';
import { InventoryImportError } from '../errors';
import { CUSTOMER_CSV_FIELDS, HOLDING_CSV_FIELDS } from './inventory';

/**
 * Parses an inventory CSV body (an API request with `Content-Type: text/csv`) into the same shape
 * as the JSON body, so one schema validates both. Values stay strings, except `categories`
 * (`;`-separated → array) and `maskedIdentifiers` (JSON text → object); empty cells are left out,
 * except under a contact column (person key, phone, address, consent), where they clear the value.
 * Large files go through `copyCustomers`/`copyHoldings` instead, which never parse in JavaScript.
 */

function parseRecords(input: string | Buffer, known: readonly string[]): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = parse(input, {
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const unknown = names.filter((h) => !known.includes(h));
        if (unknown.length > 0) {
          throw new InventoryImportError(
            `Unknown CSV column(s): ${unknown.join(', ')}. Known columns: ${known.join(', ')}.`,
          );
        }
        return names;
      },
      bom: true,
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[];
  } catch (err) {
    if (err instanceof InventoryImportError) throw err;
    throw new InventoryImportError(`The CSV body could not be read: ${(err as Error).message}`);
  }
  return records;
}

function compact(record: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (v !== '' && v !== undefined) out[k] = v;
  return out;
}

/**
 * Customer rows as `{ externalId, fullName, … }` objects, for the API's customers schema to validate.
 * The flat address and consent columns are folded back into the JSON's `postalAddress` and
 * `electronicConsent` objects when any of their cells is filled (the schema then names what is missing).
 */
export function parseCustomersCsv(input: string | Buffer): Record<string, unknown>[] {
  return parseRecords(input, CUSTOMER_CSV_FIELDS).map((record) => {
    const {
      addressLine1,
      addressLine2,
      addressLine3,
      addressLine4,
      addressLocality,
      addressRegion,
      addressPostalCode,
      addressCountry,
      electronicConsentAt,
      electronicConsentMethod,
      ...rest
    } = record;
    const out = compact(rest);
    // A contact field the file has a column for but leaves empty is cleared, as the COPY import
    // does (docs/inventory.md): a consent withdrawn in the company's system must not survive here.
    for (const field of ['personKey', 'phone', 'dateOfBirth'] as const)
      if (rest[field] === '') out[field] = null;
    const lines = [addressLine1, addressLine2, addressLine3, addressLine4].filter((l) => !!l);
    const address = compact({
      locality: addressLocality,
      region: addressRegion,
      postalCode: addressPostalCode,
      country: addressCountry,
    });
    if (lines.length > 0 || Object.keys(address).length > 0) out.postalAddress = { lines, ...address };
    else if (addressLine1 !== undefined || addressLocality !== undefined) out.postalAddress = null;
    const consent = compact({ at: electronicConsentAt, method: electronicConsentMethod });
    if (Object.keys(consent).length > 0) out.electronicConsent = consent;
    else if (electronicConsentAt !== undefined || electronicConsentMethod !== undefined)
      out.electronicConsent = null;
    return out;
  });
}

/** Holding rows as `{ customerExternalId, system, categories: [...], from, to, maskedIdentifiers }` objects. */
export function parseHoldingsCsv(input: string | Buffer): Record<string, unknown>[] {
  return parseRecords(input, HOLDING_CSV_FIELDS).map((record, i) => {
    const out = compact(record);
    if (typeof out.categories === 'string') {
      out.categories = out.categories
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean);
    }
    if (typeof out.maskedIdentifiers === 'string') {
      try {
        out.maskedIdentifiers = JSON.parse(out.maskedIdentifiers) as unknown;
      } catch {
        throw new InventoryImportError(
          `Row ${i + 1}: maskedIdentifiers must be a JSON object such as {"payment_card":"4242"}.`,
          [{ row: i + 1, field: 'maskedIdentifiers', message: 'must be a JSON object' }],
        );
      }
    }
    return out;
  });
}
