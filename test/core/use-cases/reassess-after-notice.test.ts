import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as affected from '../../../core/db/affected';
import * as audit from '../../../core/db/audit';
import * as obligations from '../../../core/db/obligations';
import { addCalendarDays } from '../../../core/law';
import { TemplateCache } from '../../../core/mail/template-cache';
import { assess, reassessAfterNotice } from '../../../core/use-cases/obligations';
import { renderLetterFile } from '../../../core/letters/batch';
import { finishLetterBatch, openLetterBatch, recordLettersPosted } from '../../../core/use-cases/letters';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { actorOf, importInventory, newDeliveredIncident, newUser, recordSent } from '../../helpers/factories';
import { newLetterIncident } from '../../helpers/letters';

/**
 * Deadlines counted from the individuals' notice follow the notice as it actually went out (issue
 * 15 item 5), against real PostgreSQL: California's copy to the Attorney General is due 15 days
 * after notifying residents — counted from the planned notice until the first email is sent, then
 * from that send (core/db/affected.ts `individualNoticeTimes`), with one audit entry saying what
 * moved, and none when nothing did.
 */

const PEOPLE = 502; // California's regulator copy: more than 500 residents

describe('core/use-cases/obligations reassessAfterNotice', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let noticeId: string;
  const caRegulator = async () =>
    (await obligations.current(db.pool, incidentId)).find((o) => o.ruleId === 'US-CA.regulator')!;
  const reassessedEntries = async () =>
    (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'obligations_reassessed_after_notice',
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-after-notice-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const customers = Array.from({ length: PEOPLE }, (_, i) => ({
      externalId: `CA${String(i).padStart(4, '0')}`,
      region: 'US-CA',
    }));
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['email', 'ssn'],
      })),
    });
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      {
        incident: {
          dataCategories: ['email', 'ssn'],
          discoveredAt: new Date(Date.now() - 2 * 3_600_000),
        },
        sent: 0,
      },
    );
    incidentId = delivered.incident.id;
    noticeId = delivered.notice.id;
    await assess({ pool: db.pool, config }, incidentId);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('before any notice went out, California’s copy counts from the planned notice and nothing moves', async () => {
    const planned = (await obligations.current(db.pool, incidentId)).find(
      (o) => o.ruleId === 'US-CA.individuals',
    )!.dueAt!;
    const ca = await caRegulator();
    expect(ca.affectedCount).toBe(PEOPLE);
    expect(ca.legalDueAt).toBeNull();
    expect(ca.dueAt).toEqual(addCalendarDays(planned, 15, 'America/Los_Angeles'));
    expect(await affected.individualNoticeTimes(db.pool, incidentId)).toEqual({});
    expect(await reassessAfterNotice({ pool: db.pool, config }, incidentId)).toEqual({ changed: 0 });
    expect(await reassessedEntries()).toEqual([]);
  });

  it('once notices go out, the due time moves to 15 days after the first send, with one audit entry', async () => {
    const before = await caRegulator();
    await recordSent({ pool: db.pool, config }, { incidentId, noticeId, count: 20, sentOverSeconds: 600 });
    const times = await affected.individualNoticeTimes(db.pool, incidentId);
    const { rows } = await db.pool.query<{ first: Date }>(
      `SELECT min(sent_at) AS first FROM deliveries WHERE incident_id = $1 AND status = 'sent'`,
      [incidentId],
    );
    expect(times).toEqual({ 'US-CA': rows[0]!.first });

    expect(await reassessAfterNotice({ pool: db.pool, config }, incidentId)).toEqual({ changed: 1 });
    const after = await caRegulator();
    const due = addCalendarDays(rows[0]!.first, 15, 'America/Los_Angeles');
    expect(after.id).toBe(before.id); // moved in place: the same obligation
    expect(after.legalDueAt).toEqual(due);
    expect(after.dueAt).toEqual(due);
    expect(after.dueAt!.getTime()).toBeLessThan(before.dueAt!.getTime());
    const [entry, ...more] = await reassessedEntries();
    expect(more).toEqual([]);
    expect(entry!.actor).toBe('system');
    expect(entry!.detail).toMatchObject({
      moved: [
        {
          obligationId: before.id,
          ruleId: 'US-CA.regulator',
          jurisdiction: 'US-CA',
          to: { dueAt: due.toISOString(), legalDueAt: due.toISOString() },
        },
      ],
    });
  });

  it('run again with nothing new, it moves nothing and writes nothing', async () => {
    expect(await reassessAfterNotice({ pool: db.pool, config }, incidentId)).toEqual({ changed: 0 });
    expect(await reassessedEntries()).toHaveLength(1);
  });

  it('a full re-assessment keeps counting from the actual notice', async () => {
    const moved = await caRegulator();
    await assess({ pool: db.pool, config }, incidentId);
    const reassessed = await caRegulator();
    expect(reassessed.id).not.toBe(moved.id);
    expect(reassessed.legalDueAt).toEqual(moved.legalDueAt);
  });
});

describe('affected.individualNoticeTimes with letters', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('takes the day the letters were posted (its start in UTC), per jurisdiction', async () => {
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-notice-letters-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    const { incidentId } = await newLetterIncident(deps, [
      { externalId: 'LM1', country: 'US', region: 'US-MD' },
      { externalId: 'LM2', country: 'US', region: 'US-MD' },
      { externalId: 'LT1', country: 'US', region: 'US-TX' },
    ]);
    expect(await affected.individualNoticeTimes(db.pool, incidentId)).toEqual({});
    const batch = (await openLetterBatch(deps, { incidentId, key: 'notice-times', perFile: 10 }))!;
    for (let fileNo = 1; fileNo <= batch.files; fileNo++) {
      await renderLetterFile(deps, { batchId: batch.batchId, fileNo });
    }
    await finishLetterBatch(deps, batch.batchId);
    const officer = await newUser(db.pool, { role: 'officer' });
    await recordLettersPosted(deps, actorOf(officer.user), {
      incidentId,
      batchId: batch.batchId,
      postedOn: '2026-12-03',
    });
    expect(await affected.individualNoticeTimes(db.pool, incidentId)).toEqual({
      'US-MD': new Date('2026-12-03T00:00:00.000Z'),
      'US-TX': new Date('2026-12-03T00:00:00.000Z'),
    });
  });
});
