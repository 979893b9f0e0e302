// Verifies the audit trail's hash chains (migration 007, core/audit/chain.ts) and names every event
// altered, removed or slipped in, by id and incident. Exits 1 when anything is broken.
//
//   npm run audit:verify                              every chain
//   npm run audit:verify -- --incident <uuid>         one incident's chain
//   npm run audit:verify -- --export-head > head.json the head of each chain as JSON (id, position,
//                                                     time, hash), to anchor outside the database
//   npm run audit:verify -- --anchor head.json        also check that each head anchored earlier is
//                                                     still there, unchanged (catches a whole chain
//                                                     rewritten, or its last events removed)
//
// Reads as DATABASE_URL's role (reading is all it needs), or the embedded database, started for
// the check when `npm start` is not running it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeBreak } from '../core/audit/chain';
import { verifyTrail } from '../core/audit/verify-trail';
import { loadConfig } from '../core/config';
import { createPool } from '../core/db/pool';
import { startEmbeddedDatabase } from './lib/database';
import { isListening, type EmbeddedPostgres } from './lib/local-servers';

/** What `--export-head` prints and `--anchor` reads back. */
const HeadExport = z.object({
  exportedAt: z.string(),
  verified: z.boolean(),
  heads: z.array(
    z.object({
      incidentId: z.string().nullable(),
      id: z.string(),
      chainSeq: z.string(),
      at: z.string(),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      incident: { type: 'string' },
      'export-head': { type: 'boolean', default: false },
      anchor: { type: 'string' },
    },
  });
  const anchors = values.anchor
    ? HeadExport.parse(JSON.parse(readFileSync(values.anchor, 'utf8'))).heads
    : [];
  // With --export-head, stdout carries the JSON alone; the report goes to stderr.
  const report = values['export-head'] ? console.error : console.log;
  const config = loadConfig();
  let server: EmbeddedPostgres | undefined;
  if (config.database.embedded && !(await isListening(config.database.embeddedPort))) {
    server = await startEmbeddedDatabase(config);
  }
  const pool = createPool(config.database.url, 2);
  try {
    const result = await verifyTrail(pool, {
      ...(values.incident !== undefined ? { incidentId: values.incident } : {}),
      anchors,
    });
    for (const b of result.breaks) report(`BROKEN: ${describeBreak(b)}`);
    for (const a of result.brokenAnchors) {
      const chain = a.incidentId ? `incident ${a.incidentId}` : 'events without an incident';
      report(`BROKEN: anchored head event ${a.id} (${chain}, position ${a.chainSeq}) is missing or changed`);
    }
    report(
      `audit trail: ${result.events} events in ${result.chains} chains, ${result.ok ? 'intact' : `${result.breaks.length + result.brokenAnchors.length} break(s)`}`,
    );
    if (values['export-head']) {
      const out: z.infer<typeof HeadExport> = {
        exportedAt: new Date().toISOString(),
        verified: result.ok,
        heads: result.heads,
      };
      console.log(JSON.stringify(out, null, 2));
    }
    return result.ok ? 0 : 1;
  } finally {
    await pool.end();
    await server?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit:verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
