import pg from 'pg';
import { DuplicateKeyError } from '../errors';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint ids (bigserial) come back as strings by default; they stay below 2^53 here, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createPool(url: string, max = 10): Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction: everything it writes lands together or not at all. With
 * `readOnlySnapshot`, a REPEATABLE READ, READ ONLY transaction instead: every query sees the
 * database as the first one did (the evidence dossier reads its pages over minutes this way).
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: { readOnlySnapshot?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(
      options.readOnlySnapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDomainError(err);
  } finally {
    client.release();
  }
}

/**
 * Turns a PostgreSQL constraint error into a domain error, so no caller above core/db needs to know
 * SQLSTATE codes; anything else is returned as it is. 23505 is unique_violation.
 */
export function asDomainError(err: unknown): unknown {
  const failure = err as { code?: unknown; constraint?: unknown } | null;
  if (failure?.code === '23505') return new DuplicateKeyError(String(failure.constraint ?? 'unknown'), err);
  return err;
}
