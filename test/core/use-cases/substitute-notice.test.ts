import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import { inTransaction } from '../../../core/db/pool';
import * as substitutes from '../../../core/db/substitute-notices';
import { planChannels } from '../../../core/use-cases/channels';
import { assess } from '../../../core/use-cases/obligations';
import { reviewSubstituteNotice } from '../../../core/use-cases/substitute-notice';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident } from '../../helpers/factories';

/**
 * reviewSubstituteNotice on real PostgreSQL: a Texas incident whose only condition is the cost of
 * notice. Reviewed at a letter price that passes $250,000 it records the substitute notice; reviewed
 * again when the price no longer does, the notice — nothing of it recorded — is withdrawn, audited;
 * and a third review opens it again. A review that changes nothing writes nothing.
 */
describe('core/use-cases/substitute-notice reviewSubstituteNotice', () => {
  let db: TestDatabase;
  let incidentId: string;
  const configAt = (letterUsd: string) =>
    loadConfig({
      DATABASE_URL: 'postgres://unused',
      LOG_LEVEL: 'silent',
      NOTICE_COST_PER_LETTER_USD: letterUsd,
    });
  const review = (letterUsd: string) =>
    inTransaction(db.pool, (tx) => reviewSubstituteNotice(tx, incidentId, configAt(letterUsd)));
  const texas = async () =>
    (await substitutes.listForIncident(db.pool, incidentId)).find((s) => s.ruleId === 'US-TX.individuals');
  const reviews = async () =>
    (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'substitute_notice_reviewed',
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const people = ['TX-1', 'TX-2'].map((id) =>
      customerWith('address_only', { externalId: id, region: 'US-TX' }),
    );
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
    const config = configAt('1.25');
    await assess({ pool: db.pool, config }, incidentId);
    await planChannels({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds nothing due at an ordinary letter price', async () => {
    expect(await review('1.25')).toEqual({ open: 0, carriedOut: 0 });
    expect(await texas()).toBeUndefined();
    expect(await reviews()).toHaveLength(0);
  });

  it('records the substitute notice once two letters would cost more than $250,000', async () => {
    expect(await review('125000.01')).toEqual({ open: 1, carriedOut: 0 });
    expect(await texas()).toMatchObject({
      status: 'open',
      reasons: ['cost'],
      residents: 2,
      unreachable: 0,
      estimatedCostUsd: 250_000.02,
    });
    expect(await reviews()).toHaveLength(1);
    // The same facts again: nothing changes, nothing is written.
    await review('125000.01');
    expect(await reviews()).toHaveLength(1);
  });

  it('withdraws it when the cost no longer passes, and opens it again when it does', async () => {
    await review('125000');
    expect((await texas())?.status).toBe('withdrawn');
    const [, withdrawn] = await reviews();
    expect(withdrawn?.detail).toMatchObject({ withdrawn: [(await texas())!.id] });

    await review('200000');
    expect((await texas())?.status).toBe('open');
    expect(await reviews()).toHaveLength(3);
  });
});
