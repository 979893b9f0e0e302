// Inventory and incidents for the benchmarks, built with the same code paths as the product.
import { randomUUID } from 'node:crypto';
import type { DataCategory } from '../../core/domain/categories';
import * as audit from '../../core/db/audit';
import * as incidents from '../../core/db/incidents';
import type { Pool } from '../../core/db/pool';
import * as users from '../../core/db/users';
import type { User } from '../../core/db/users';
import { incidentWorkflowId } from '../../core/domain/ids';
import { demoCustomer, seedDemoInventory } from '../../scripts/seed';

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

export async function createStaff(pool: Pool): Promise<{ officer: User; compliance: User }> {
  const officer = await users.upsertWithToken(
    pool,
    { email: 'officer@bench.example.com', displayName: 'Bench officer', role: 'officer' },
    randomUUID(),
  );
  const compliance = await users.upsertWithToken(
    pool,
    { email: 'compliance@bench.example.com', displayName: 'Bench compliance', role: 'compliance' },
    randomUUID(),
  );
  return { officer, compliance };
}

/** An incident on every system exposing name and email, discovered an hour ago. */
export async function insertIncident(pool: Pool, openedBy: string, title: string): Promise<string> {
  const id = randomUUID();
  const categories: DataCategory[] = ['name', 'email'];
  await incidents.insert(pool, {
    id,
    title,
    description: 'A benchmark incident: an exported copy of the customer database was exposed.',
    discoveredAt: new Date(Date.now() - 3_600_000),
    occurredFrom: null,
    occurredTo: null,
    systems: ALL_SYSTEMS,
    dataCategories: categories,
    encrypted: false,
    keyCompromised: false,
    customerExternalIds: null,
    openedBy,
    idempotencyKey: null,
    workflowId: incidentWorkflowId(id),
  });
  await audit.append(pool, { incidentId: id, actor: openedBy, action: 'incident_opened', detail: { title } });
  return id;
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
