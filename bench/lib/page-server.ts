// The server under test in bench/pages.ts, as a process of its own (forked with an IPC channel),
// so the load generator does not share its event loop. Two kinds:
//
// - `product`: Forthright's API (`buildApp`, as api/main.ts builds it) with its defaults, the
//   customer page's limits included, logging at its default level to this process's stdout
//   (bench/pages.ts writes it to a file);
// - `ceiling`: a bare Fastify route that hashes the token, looks the hash up in PostgreSQL (one
//   indexed read) and sends the stored HTML copy it finds: what serving a page cannot beat.
//
// Environment: DATABASE_URL, FORTHRIGHT_DATA_DIR, PAGE_TOKEN_KEY (the bench's). Sends
// `{ port }` to the parent once listening; stops on SIGTERM.
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../core/config';
import { createPool } from '../../core/db/pool';
import { sha256Hex } from '../../core/hash';
import { createLogger } from '../../core/logger';

const kind = process.argv[2];
const config = loadConfig();
const pool = createPool(config.database.url, config.database.poolSize);

async function product() {
  return buildApp({
    config,
    pool,
    // The page never calls Temporal; a lazy connection never dials.
    temporal: new Client({ connection: Connection.lazy({ address: config.temporal.address }) }),
    logger: createLogger(config.logLevel, 'api'),
  });
}

async function ceiling() {
  const app = Fastify();
  app.get<{ Params: { token: string } }>('/n/:token', async (request, reply) => {
    const { rows } = await pool.query<{ html: string }>(
      'SELECT html FROM bench_page_copies WHERE token_hash = $1',
      [sha256Hex(request.params.token)],
    );
    const html = rows[0]?.html;
    if (html === undefined) return reply.code(404).send();
    return reply.type('text/html; charset=utf-8').send(html);
  });
  return app;
}

const app = kind === 'ceiling' ? await ceiling() : await product();
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
