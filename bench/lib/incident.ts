// Inventory and incidents for the benchmarks, built with the same code paths as the product.
import * as incidents from '../../core/db/incidents';
import type { Pool } from '../../core/db/pool';
import type { User } from '../../core/db/users';
import { demoCustomer, seedDemoInventory } from '../../scripts/seed';
import { newIncident, newStaff } from '../../test/helpers/factories';

const SEED = 1;
/** Every system the demo inventory knows: an incident on all of them affects everyone with a holding. */
export const ALL_SYSTEMS = [
  'crm',
  'billing',
  'support-desk',
  'analytics',
  'identity-verification',
  'health-benefits',
  'hr-legacy',
];

function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * How many demo customers to seed so that an incident on every system, exposing name and email,
 * sends exactly `notices` emails: customers with a holding, minus the deceased without a
 * representative (they are handled by hand). Pure arithmetic over the deterministic generator.
 */
export function customersForNotices(notices: number): number {
  let count = 0;
  for (let i = 0; ; i++) {
    const { customer, holdings } = demoCustomer(i, SEED);
    const f = csvFields(customer);
    const manual = f[6] === 'deceased' && !f[8];
    if (holdings.length > 0 && !manual) count++;
    if (count === notices) return i + 1;
  }
}

export async function seedForNotices(
  pool: Pool,
  notices: number,
): Promise<{ customers: number; holdings: number; seconds: number }> {
  return seedDemoInventory(pool, { customers: customersForNotices(notices), seed: SEED });
}

/** The benchmarks' officer and compliance (bench.example.com), through the test factories. */
export function benchStaff(pool: Pool) {
  return newStaff(pool, { emailDomain: 'bench.example.com', displayNamePrefix: 'Bench' });
}

/**
 * Opens (through the product's use case, as the API does) an incident on every system exposing
 * name and email, discovered an hour ago; its workflow is not started.
 */
export async function openBenchIncident(pool: Pool, officer: User, title: string): Promise<string> {
  const { incident } = await newIncident(pool, {
    title,
    description: 'A benchmark incident: an exported copy of the customer database was exposed.',
    discoveredAt: new Date(Date.now() - 3_600_000),
    systems: ALL_SYSTEMS,
    dataCategories: ['name', 'email'],
    openedBy: officer,
  });
  return incident.id;
}

/** The time the last notice of an incident was recorded sent, and how many were. */
export async function lastSent(
  pool: Pool,
  incidentId: string,
): Promise<{ sent: number; last: Date | null; first: Date | null }> {
  const { rows } = await pool.query<{ sent: number; last: Date | null; first: Date | null }>(
    `SELECT count(*)::int AS sent, max(sent_at) AS last, min(sent_at) AS first
     FROM deliveries WHERE incident_id = $1 AND status = 'sent'`,
    [incidentId],
  );
  return rows[0]!;
}

export async function incidentStatus(pool: Pool, incidentId: string): Promise<string | undefined> {
  return (await incidents.get(pool, incidentId))?.status;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is truthy; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
