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
 * Runs one statement with no parallel plan. For keyset pages of a few hundred rows: with statistics
 * that lag behind a delivery in progress the planner chose a parallel scan, whose workers' start-up
 * cost several times the page itself; a session-wide setting would also take parallel plans from
 * identification, which needs them.
 */
export async function querySerially<R extends pg.QueryResultRow>(
  pool: Pool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  return inTransaction(pool, async (client) => {
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    return client.query<R>(text, values);
  });
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
