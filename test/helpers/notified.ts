import { deliverShardPass } from '../../core/delivery';
import { pageToken } from '../../core/delivery/page-token';
import type { Incident } from '../../core/db/incidents';
import type { SmtpPool } from '../../core/mail/smtp-pool';
import type { NewIncidentOverrides, NoticeFactoryDeps } from './factories';
import { importEmailHolders, newDeliveredIncident } from './factories';

/**
 * A relay that takes every message: it runs the commit callback the real pool runs once the relay
 * holds a message's whole body (core/mail/smtp-pool.ts), then answers 250. Nothing goes anywhere.
 */
const acceptingRelay = {
  async send(_envelope: unknown, _raw: Buffer, beforeCommit: () => Promise<void>): Promise<string> {
    await beforeCommit();
    return '250 accepted';
  },
} as unknown as SmtpPool;

/**
 * An incident whose notice went to everyone in scope through the product's own sending path — the
 * shard pass of core/delivery/shard-pass.ts, one shard, with a relay that accepts everything — so
 * each person has what a real sending leaves: a working page link (its hash issued, its expiry
 * started) and the stored copy of their notice (content hash and send context). `recordSent` in
 * factories.ts stands in for sending without either; use this where the customer page matters.
 * Used by tests and bench/pages.ts.
 */
export async function newNotifiedIncident(
  deps: NoticeFactoryDeps,
  input: { incident?: NewIncidentOverrides } = {},
): Promise<{ incident: Incident; notice: { id: string; version: number }; sent: number }> {
  const { incident, notice } = await newDeliveredIncident(deps, { ...input, sent: 0 });
  let sent = 0;
  for (let after: number | null = 0; after !== null;) {
    const pass = await deliverShardPass(
      { ...deps, smtp: acceptingRelay },
      { incidentId: incident.id, noticeId: notice.id, shard: 0, shards: 1, after, onlyRetrying: false },
      { budgetMs: 60_000 },
    );
    sent += pass.sent;
    after = pass.next;
  }
  return { incident, notice, sent };
}

/**
 * `count` people (customers P0000000, P0000001, … held in the CRM with their name and email), an
 * incident exposing both, its notice sent to all of them (`newNotifiedIncident`), and each person's
 * page token as their email carries it, in customer order. For tests and benchmarks of the page.
 */
export async function notifiedPeople(
  deps: NoticeFactoryDeps,
  count: number,
): Promise<{ incident: Incident; tokens: string[] }> {
  const customers = Array.from({ length: count }, (_, i) => ({
    externalId: `P${String(i).padStart(7, '0')}`,
    fullName: `Person ${i}`,
  }));
  await importEmailHolders(deps.pool, customers);
  const { incident, sent } = await newNotifiedIncident(deps, {
    incident: { systems: ['crm'], dataCategories: ['email'] },
  });
  const { rows } = await deps.pool.query<{ seed: string }>(
    `SELECT page_seed AS seed FROM affected_customers WHERE incident_id = $1 ORDER BY customer_id`,
    [incident.id],
  );
  if (sent !== count || rows.length !== count) throw new Error(`${sent} of ${count} notified`);
  return { incident, tokens: rows.map((r) => pageToken(deps.config.pageTokens.key, r.seed)) };
}
