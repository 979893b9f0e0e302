import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as affected from '../../../core/db/affected';
import * as deliveries from '../../../core/db/deliveries';
import { returnPathFor } from '../../../core/delivery/return-path';
import { noticeMessageId } from '../../../core/domain/ids';
import { NotFoundError, ValidationError } from '../../../core/errors';
import { TemplateCache } from '../../../core/mail/template-cache';
import { recordBounce } from '../../../core/use-cases/bounces';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
} from '../../helpers/factories';

/**
 * `recordBounce` against delivery rows in the states the sender leaves them in, on real PostgreSQL:
 * the races the end-to-end test (test/api/bounces.test.ts) cannot time.
 */
describe('core/use-cases/bounces recordBounce', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  /** Delivery ids by external id: `sending` (at the commit point, 250 not yet recorded) and `claimed`. */
  const ids: Record<'sending' | 'claimed', number> = { sending: 0, claimed: 0 };

  const state = async (id: number) =>
    (
      await db.pool.query<{ delivery: string; person: string; channel: string | null }>(
        `SELECT d.status AS delivery, a.status AS person, a.channel FROM deliveries d
         JOIN affected_customers a ON a.incident_id = d.incident_id AND a.customer_id = d.customer_id
         WHERE d.id = $1`,
        [id],
      )
    ).rows[0];

  const bounce = (id: number) =>
    recordBounce(
      { pool: db.pool, config },
      {
        returnPath: returnPathFor(config.bounces, id)!,
        outcome: 'failed',
        status: '5.1.1',
        diagnostic: null,
        via: 'smtp',
      },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-test-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      BOUNCE_DOMAIN: 'bounces.example.test',
    });
    const customers = ['sending', 'claimed'].map((externalId) =>
      customerWith('email_with_consent', { externalId, country: 'DE', region: null }),
    );
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['email'],
      })),
    });
    const { incident } = await newIncident(db.pool, { systems: ['crm'], dataCategories: ['email'] });
    incidentId = incident.id;
    await identifyAffected(db.pool, incidentId);
    const compliance = (await newUser(db.pool, { role: 'compliance' })).user;
    const notice = await approvedNotice(
      { pool: db.pool, config, templates: new TemplateCache(db.pool) },
      incidentId,
      compliance,
    );
    // Both claimed by one attempt, as the shard pass claims a page; one reaches the commit point.
    const recipients = await affected.emailRecipientsPage(db.pool, incidentId, { after: 0, limit: 10 });
    const lease = randomUUID();
    const claimed = await deliveries.claim(
      db.pool,
      incidentId,
      notice.id,
      lease,
      recipients.map((r) => ({
        customerId: r.customerId,
        recipient: r.email!,
        messageId: noticeMessageId(incidentId, r.customerId, 'example.com'),
      })),
    );
    const { rows } = await db.pool.query<{ id: number; externalId: 'sending' | 'claimed' }>(
      `SELECT d.id::int AS id, c.external_id AS "externalId" FROM deliveries d
       JOIN customers c ON c.id = d.customer_id WHERE d.incident_id = $1`,
      [incidentId],
    );
    for (const r of rows) ids[r.externalId] = r.id;
    expect(claimed.size).toBe(2);
    expect(await deliveries.markSending(db.pool, lease, [ids.sending])).toEqual(new Set([ids.sending]));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('takes a bounce that overtakes the relay\'s recorded 250: the late "sent" does not make the person notified', async () => {
    expect(await bounce(ids.sending)).toMatchObject({ reopenedFor: 'letter', duplicate: false });
    expect(await state(ids.sending)).toEqual({ delivery: 'bounced', person: 'pending', channel: 'letter' });
    // The sender's outcome writer catches up: the row is no longer `sending`, so nothing moves.
    await deliveries.markSent(db.pool, incidentId, [ids.sending]);
    expect(await state(ids.sending)).toEqual({ delivery: 'bounced', person: 'pending', channel: 'letter' });
  });

  it('changes nothing for a message the relay never had whole (claimed): it was never sent', async () => {
    const before = await state(ids.claimed);
    expect(await bounce(ids.claimed)).toMatchObject({ reopenedFor: null, duplicate: false });
    expect(await state(ids.claimed)).toEqual(before);
  });

  it('refuses a return path it did not issue, naming the field, and one that names no delivery', async () => {
    const forged = returnPathFor({ ...config.bounces, key: Buffer.alloc(32) }, ids.sending)!;
    await expect(
      recordBounce(
        { pool: db.pool, config },
        { returnPath: forged, outcome: 'failed', status: null, diagnostic: null, via: 'webhook' },
      ),
    ).rejects.toMatchObject({ constructor: ValidationError, field: 'returnPath' });
    await expect(bounce(ids.sending + 1_000_000)).rejects.toBeInstanceOf(NotFoundError);
  });
});
