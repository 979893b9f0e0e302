import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as deliveries from '../../../core/db/deliveries';
import * as mailings from '../../../core/db/mailings';
import type { Queryable } from '../../../core/db/pool';
import { TemplateCache } from '../../../core/mail/template-cache';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  approvedNotice,
  identifyAffected,
  importEmailHolders,
  newDeliveredIncident,
  newIncident,
  newUser,
  type NewIncidentOverrides,
} from '../../helpers/factories';

/**
 * How PostgreSQL finds the rows the sender writes by delivery id, when the table's statistics
 * predate the incident: the state of every new incident until autovacuum's analyze comes round, and
 * of a company's first one. Through the incident's index range, each batch would cost more than
 * the one before (it did: 0.5 ms of PostgreSQL per notice over a 100,000-notice delivery); through
 * the primary key, each costs the same.
 */
describe('core/db/deliveries: writes by delivery id on statistics older than the incident', () => {
  const PEOPLE = 2000;
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let ids: number[];
  let lease: string;
  /** The rows of a further mailing made after the statistics were taken. */
  let mailingRows: number[];

  /** The plan PostgreSQL would use for each statement `write` runs, instead of running it. */
  async function plansOf(write: (db: Queryable) => Promise<unknown>): Promise<string[]> {
    const plans: string[] = [];
    const explaining: Queryable = {
      query: (async (text: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
        const sql = typeof text === 'string' ? text : text.text;
        const params = typeof text === 'string' ? values : text.values;
        const { rows } = await db.pool.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          params,
        );
        plans.push(JSON.stringify(rows[0]!['QUERY PLAN']));
        return { rows: [], rowCount: 0 };
      }) as Queryable['query'],
    };
    await write(explaining);
    return plans;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-test-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
    });
    await importEmailHolders(
      db.pool,
      Array.from({ length: PEOPLE }, (_, i) => ({ externalId: `P${i}` })),
    );
    const deps = { pool: db.pool, config, templates: new TemplateCache(db.pool) };
    // An earlier incident, everyone sent; the statistics are taken now, before the next one exists.
    const incident: NewIncidentOverrides = { systems: ['crm'], dataCategories: ['email'] };
    const earlier = await newDeliveredIncident(deps, { incident, sent: PEOPLE });
    // And an update to everyone it notified: a further mailing, analysed as well.
    const mailing = (key: string) =>
      mailings.create(db.pool, {
        incidentId: earlier.incident.id,
        kind: 'update',
        key,
        noticeId: earlier.notice.id,
        criterion: 'notified',
        listKey: null,
      });
    await mailing('update-1');
    await db.pool.query('ANALYZE deliveries; ANALYZE mailing_deliveries');
    // The next update: its rows, selected, waiting for a pass.
    const { mailing: nextUpdate } = await mailing('update-2');
    mailingRows = (
      await db.pool.query<{ id: number }>(
        `SELECT id::int AS id FROM mailing_deliveries WHERE mailing_id = $1 ORDER BY id`,
        [nextUpdate.id],
      )
    ).rows.map((r) => r.id);
    expect(mailingRows).toHaveLength(PEOPLE);
    // The new incident: everyone claimed and at the commit point, waiting to be recorded sent.
    const { incident: next } = await newIncident(db.pool, incident);
    incidentId = next.id;
    await identifyAffected(db.pool, incidentId);
    const notice = await approvedNotice(
      deps,
      incidentId,
      (await newUser(db.pool, { role: 'compliance' })).user,
    );
    const { rows } = await db.pool.query<{ id: number; email: string }>(
      `SELECT c.id::int AS id, c.email FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       WHERE a.incident_id = $1 ORDER BY c.id`,
      [incidentId],
    );
    lease = randomUUID();
    const claimed = await deliveries.claim(
      db.pool,
      incidentId,
      notice.id,
      lease,
      rows.map((r) => ({ customerId: r.id, recipient: r.email, messageId: `<${r.id}@plans.test>` })),
    );
    ids = [...claimed.values()].map((c) => c.id);
    await deliveries.markSending(db.pool, lease, ids);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds the rows to mark at the commit point, and to record sent or failed, through the primary key', async () => {
    const batch = ids.slice(-50);
    const [sending] = await plansOf((q) => deliveries.markSending(q, lease, batch));
    const [sent] = await plansOf((q) => deliveries.markSent(q, incidentId, batch));
    const failures = batch.map((id) => ({ id, customerId: 0, permanent: false, reply: '451 try later' }));
    const [failed] = await plansOf((q) => deliveries.markFailed(q, incidentId, lease, failures));
    for (const plan of [sending!, sent!, failed!]) {
      expect(plan).toContain('"Index Name":"deliveries_pkey"');
      expect(plan).not.toContain('deliveries_incident_id_customer_id_key');
    }
  });

  it('finds a further mailing’s rows to claim, mark at the commit point and record failed through the primary key', async () => {
    const batch = mailingRows.slice(-50);
    const [claimed] = await plansOf((q) =>
      mailings.claim(
        q,
        lease,
        batch.map((id) => ({
          id,
          recipient: 'r@plans.test',
          messageId: `<m${id}@plans.test>`,
          recipientVersion: 1,
        })),
      ),
    );
    const [sending] = await plansOf((q) =>
      mailings.markSending(
        q,
        lease,
        batch.map((id) => ({ id, contentHash: 'h' })),
      ),
    );
    const failures = batch.map((id) => ({ id, customerId: 0, permanent: false, reply: '451 try later' }));
    const [failed] = await plansOf((q) => mailings.markFailed(q, lease, failures));
    for (const plan of [claimed!, sending!, failed!]) {
      expect(plan).toContain('"Index Name":"mailing_deliveries_pkey"');
      expect(plan).not.toMatch(/"Seq Scan"[^{}]*"Relation Name":"mailing_deliveries"/);
    }
  });

  it('still writes only the incident’s own rows', async () => {
    // A delivery id of the earlier incident, given with this one's: not touched.
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT id::int AS id FROM deliveries WHERE incident_id <> $1 LIMIT 1`,
      [incidentId],
    );
    const other = rows[0]!.id;
    await deliveries.markSent(db.pool, incidentId, [ids[0]!, other]);
    const after = await db.pool.query<{ id: number; status: string; attempts: number }>(
      `SELECT id::int AS id, status, attempts FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[ids[0]!, other]],
    );
    expect(after.rows.find((r) => r.id === ids[0])).toMatchObject({ status: 'sent', attempts: 1 });
    // The earlier incident's row was recorded sent once, by its own delivery, and stays so.
    expect(after.rows.find((r) => r.id === other)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
