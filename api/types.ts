import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../core/config';
import type { Pool } from '../core/db/pool';
import type { Logger } from '../core/logger';

/**
 * The types app.ts and the routes share. They live apart from app.ts because app.ts imports the
 * routes: a route importing app.ts would close an import circle (linted by import-x/no-cycle).
 */

/** What the API is built from (api/main.ts makes them; tests make their own). */
export interface AppDeps {
  config: Readonly<Config>;
  pool: Pool;
  temporal: Client;
  logger: Logger;
}

export type App = FastifyInstance<any, any, any, Logger, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any
