import type { Pool } from '../db/pool';
import type { Role } from '../domain/model';

/**
 * Who does the thing: a signed-in person (`id` is their user id) or the system. The audit trail
 * records `id`; rules such as "never approve your own incident" read `role` and `id`.
 */
export interface Actor {
  id: string;
  role: Role;
}

/** What every use case needs: the pool its one transaction runs on. Some take more (templates, config). */
export interface UseCaseDeps {
  pool: Pool;
}
