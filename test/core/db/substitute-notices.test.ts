import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { inTransaction } from '../../../core/db/pool';
import * as substitutes from '../../../core/db/substitute-notices';
import { planChannels } from '../../../core/use-cases/channels';
import { assess } from '../../../core/use-cases/obligations';
import { reviewSubstituteNotice } from '../../../core/use-cases/substitute-notice';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident } from '../../helpers/factories';

/**
 * reachByJurisdiction on real PostgreSQL: an email counts as outstanding only when delivery will
 * send it. A deceased Texan with no representative's email is handled by hand (never emailed, though
 * their record holds their own address), so the substitute notice's e-mail element does not wait for
 * them for ever: with a Texan who has no contact details at all, Texas's substitute notice is due and
 * its e-mail element is recorded at the review (nobody is waiting for an email).
 */
describe('core/db/substitute-notices reachByJurisdiction', () => {
  let db: TestDatabase;
  let incidentId: string;
  const config = loadConfig({ DATABASE_URL: 'postgres://unused', LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    db = await createTestDatabase();
    const people = [
      customerWith('none', { externalId: 'TX-NONE', region: 'US-TX' }),
      customerWith('email_with_consent', { externalId: 'TX-DECEASED', region: 'US-TX', status: 'deceased' }),
    ];
    await importInventory(db.pool, {
      customers: people,
      holdings: people.map((p) => ({
        customerExternalId: p.externalId,
        system: 'ledger',
        categories: ['ssn'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['ledger'], dataCategories: ['ssn'] }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
    await planChannels({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('counts no outstanding email for a person handled by hand', async () => {
    const texas = (await substitutes.reachByJurisdiction(db.pool, incidentId)).find(
      (r) => r.jurisdiction === 'US-TX',
    );
    expect(texas).toMatchObject({ people: 2, unreachable: 1, emailOutstanding: 0 });
  });

  it('counts a person whose records were merged in every jurisdiction of their records, as the obligations do', async () => {
    // One person (one key) recorded in California and in Texas, with no contact details.
    const records = [
      customerWith('none', { externalId: 'KEY-CA', region: 'US-CA', personKey: 'P-9' }),
      customerWith('none', { externalId: 'KEY-TX', region: 'US-TX', personKey: 'P-9' }),
    ];
    await importInventory(db.pool, {
      customers: records,
      holdings: records.map((p) => ({
        customerExternalId: p.externalId,
        system: 'shop',
        categories: ['ssn'],
      })),
    });
    const {
      incident: { id },
    } = await newIncident(db.pool, { systems: ['shop'], dataCategories: ['ssn'] });
    await identifyAffected(db.pool, id);
    await assess({ pool: db.pool, config }, id);
    await planChannels({ pool: db.pool, config }, id);
    const reach = await substitutes.reachByJurisdiction(db.pool, id);
    expect(reach).toEqual([
      { jurisdiction: 'US-CA', people: 1, unreachable: 1, emailOnly: 0, emails: 0, emailOutstanding: 0 },
      { jurisdiction: 'US-TX', people: 1, unreachable: 1, emailOnly: 0, emails: 0, emailOutstanding: 0 },
    ]);
    // So Texas's substitute notice is due for them, as California's is.
    await inTransaction(db.pool, (tx) => reviewSubstituteNotice(tx, id, config));
    expect((await substitutes.listForIncident(db.pool, id)).map((s) => s.ruleId)).toEqual(
      expect.arrayContaining(['US-CA.individuals', 'US-TX.individuals']),
    );
  });

  it('records the e-mail element of the substitute notice at the review', async () => {
    await inTransaction(db.pool, (tx) => reviewSubstituteNotice(tx, incidentId, config));
    const notice = (await substitutes.listForIncident(db.pool, incidentId)).find(
      (s) => s.ruleId === 'US-TX.individuals',
    );
    expect(notice?.reasons).toContain('insufficient_contact');
    expect(notice?.elements.find((e) => e.kind === 'email')?.recordedAt).toBeInstanceOf(Date);
  });
});

describe('core/db/substitute-notices upsert', () => {
  let db: TestDatabase;
  let incidentId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['ledger'], dataCategories: ['medical'] }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  const facts = (tier: number, unreachable: number) => ({
    incidentId,
    ruleId: 'US-HIPAA.individuals',
    jurisdiction: 'US-HIPAA',
    citation: '45 CFR 164.404(d)(2)',
    tier,
    reasons: ['insufficient_contact' as const],
    residents: 20,
    unreachable,
    estimatedCostUsd: 25,
    uncertain: null,
  });
  const status = async () =>
    (await substitutes.listForIncident(db.pool, incidentId)).find((s) => s.ruleId === 'US-HIPAA.individuals')!
      .status;

  it('opens a carried-out substitute notice again when its tier changes (fewer than 10 unreachable became 10)', async () => {
    const { id } = await substitutes.upsert(db.pool, facts(1, 9));
    await substitutes.setStatus(db.pool, id, 'carried_out');
    // The same tier with new counts: what was done still covers them.
    await substitutes.upsert(db.pool, facts(1, 9));
    expect(await status()).toBe('carried_out');
    // Another tier: its own elements are still to be done.
    await substitutes.upsert(db.pool, facts(0, 10));
    expect(await status()).toBe('open');
  });
});
