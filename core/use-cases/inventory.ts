import * as inventory from '../db/inventory';
import type { CustomerInput, HoldingInput, UpsertResult } from '../db/inventory';
import { ValidationError } from '../errors';
import type { Actor, UseCaseDeps } from './types';

/**
 * Imports customers (insert or update by external id), all or nothing. The caller has validated
 * the rows with their schema. In the same transaction, every change to the record of a person an
 * incident affects is audited in that incident's trail with its values before and after
 * (`inventory_changed`, recorded as `actor`; the system when absent). Their notices are not
 * redirected: they go to the recipient frozen at identification.
 */
export async function importCustomers(
  deps: UseCaseDeps,
  rows: readonly CustomerInput[],
  actor?: Actor,
): Promise<UpsertResult> {
  return inventory.upsertCustomers(deps.pool, rows, actor?.id);
}

/**
 * Imports holdings (what each system holds of each customer), all or nothing. Throws
 * ValidationError naming the first row whose customer is not in the inventory; then nothing is written.
 */
export async function importHoldings(
  deps: UseCaseDeps,
  rows: readonly HoldingInput[],
): Promise<UpsertResult> {
  const result = await inventory.upsertHoldings(deps.pool, rows);
  if (result.unknownCustomerExternalIds.length > 0) {
    const first = result.unknownCustomerExternalIds[0]!;
    const index = rows.findIndex((r) => r.customerExternalId === first);
    throw new ValidationError(
      `no customer with external id ${first} (${result.unknownCustomerExternalIds.length} unknown); nothing was imported`,
      `${index}.customerExternalId`,
    );
  }
  const { unknownCustomerExternalIds: _unknown, ...counts } = result;
  return counts;
}
