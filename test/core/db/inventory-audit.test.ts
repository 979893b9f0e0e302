import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as audit from '../../../core/db/audit';
import { copyCustomers, upsertCustomers } from '../../../core/db/inventory';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { identifyAffected, importInventory, newIncident } from '../../helpers/factories';

/**
 * Inventory imports and the trail (issue 13 item 4): a change to the record of someone an incident
 * affects is audited in that incident, with every changed field before and after, in the import's
 * transaction, by the JSON and the CSV path alike; new customers and people no incident affects
 * are not. The frozen recipient on the affected record is left as it was.
 */
describe('inventory imports, audited', () => {
  let db: TestDatabase;
  let incidentId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await importInventory(db.pool, {
      customers: [
        { externalId: 'X1', fullName: 'Xena Affected', email: 'xena@example.com' },
        { externalId: 'Y1', fullName: 'Yuri Elsewhere', email: 'yuri@example.com' },
      ],
      holdings: [{ customerExternalId: 'X1', system: 'crm', categories: ['email'] }],
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool));
    expect(await identifyAffected(db.pool, incidentId)).toBe(1);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const changesIn = async () =>
    (await audit.listForIncident(db.pool, incidentId))
      .filter((e) => e.action === 'inventory_changed')
      .map((e) => ({ actor: e.actor, changes: e.detail.changes }));

  it('audits a JSON import that changes an affected person, with the fields before and after', async () => {
    await upsertCustomers(
      db.pool,
      [
        { externalId: 'X1', fullName: 'Xena Affected', email: 'xena@new.example.com', country: 'US' },
        { externalId: 'Y1', fullName: 'Yuri Moved', email: 'yuri@new.example.com', country: 'US' },
        { externalId: 'Z1', fullName: 'Zoe New', email: 'zoe@example.com', country: 'US' },
      ],
      'importer-1',
    );
    expect(await changesIn()).toEqual([
      {
        actor: 'importer-1',
        changes: [
          {
            customerId: expect.any(Number),
            externalId: 'X1',
            before: { email: 'xena@example.com' },
            after: { email: 'xena@new.example.com' },
          },
        ],
      },
    ]);
    const { rows } = await db.pool.query(`SELECT email FROM affected_customers WHERE incident_id = $1`, [
      incidentId,
    ]);
    expect(rows).toEqual([{ email: 'xena@example.com' }]);
  });

  it('audits a CSV import the same way, and an unchanged row not at all', async () => {
    const csv = [
      'externalId,fullName,email,country,status,representativeName,representativeEmail',
      'X1,Xena Affected,xena@new.example.com,US,deceased,Rex Heir,rex@example.com',
      'Y1,Yuri Moved,yuri@new.example.com,US,,,',
    ].join('\n');
    await copyCustomers(db.pool, Readable.from([csv]));
    const events = await changesIn();
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({
      actor: 'system',
      changes: [
        {
          customerId: expect.any(Number),
          externalId: 'X1',
          before: { status: 'active', representativeName: null, representativeEmail: null },
          after: {
            status: 'deceased',
            representativeName: 'Rex Heir',
            representativeEmail: 'rex@example.com',
          },
        },
      ],
    });
  });

  it('writes nothing when the import fails: the change and its entry land together or not at all', async () => {
    const csv = ['externalId,fullName,email,country', 'X1,Xena Affected,not-an-address,US'].join('\n');
    await expect(copyCustomers(db.pool, Readable.from([csv]))).rejects.toThrow();
    expect(await changesIn()).toHaveLength(2);
  });
});
