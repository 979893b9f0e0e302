// Imports an inventory CSV file of any size, streamed through COPY (never held in memory).
//
//   npx tsx scripts/import.ts customers customers.csv
//   npx tsx scripts/import.ts holdings holdings.csv      (customers first: holdings name them)
//
// The header names the fields, in any order: customers externalId, fullName, email (cells may be
// empty: no email), locale, country, region, status, representativeName, representativeEmail and,
// optionally, personKey, phone, addressLine1–4, addressLocality, addressRegion, addressPostalCode,
// addressCountry, electronicConsentAt, electronicConsentMethod, dateOfBirth (a contact column a file leaves out
// keeps what is stored); holdings customerExternalId, system, categories (;-separated), from, to,
// maskedIdentifiers (a JSON object). See docs/inventory.md. A bad row refuses the whole file;
// re-importing the same file changes nothing. Uses DATABASE_URL, or the embedded database (started
// for the import when `npm start` is not running it).
import { createReadStream, existsSync } from 'node:fs';
import { loadConfig } from '../core/config';
import { copyCustomers, copyHoldings, type UpsertResult } from '../core/db/inventory';
import { InventoryImportError } from '../core/errors';
import { withDatabase } from './lib/database';

const USAGE = 'usage: npx tsx scripts/import.ts customers|holdings <file.csv>';

async function main(): Promise<number> {
  const [kind, file] = process.argv.slice(2);
  if ((kind !== 'customers' && kind !== 'holdings') || !file) {
    console.error(USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const config = loadConfig();
  return withDatabase(config, async (pool) => {
    const started = Date.now();
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    const result: UpsertResult & { unknownCustomerExternalIds?: string[] } =
      kind === 'customers' ? await copyCustomers(pool, input) : await copyHoldings(pool, input);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ids = result.unknownCustomerExternalIds ?? [];
    if (ids.length > 0) {
      console.error(
        `Nothing imported: ${ids.length === 1000 ? 'at least 1000' : ids.length} customer external id(s) unknown, e.g. ${ids.slice(0, 10).join(', ')}. Import the customers first.`,
      );
      return 1;
    }
    console.log(
      `${kind}: ${result.received} rows — ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged — in ${seconds} s`,
    );
    return 0;
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // An InventoryImportError's message already names the rows and fields at fault.
    console.error(err instanceof InventoryImportError || err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
