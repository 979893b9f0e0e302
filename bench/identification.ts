// Identification at scale: `npx tsx bench/identification.ts [--customers 1000000] [--plan] [--shared-emails 0.02]`
//
// Starts its own PostgreSQL (embedded, fsync on) on a free port, loads the demo inventory through
// the COPY import (scripts/seed.ts: 1,000,000 customers, about 3,000,000 holdings), opens an
// incident that affects about a fifth of them, and times the one set-based identification
// statement (core/db/affected.ts), first under EXPLAIN ANALYZE (rolled back) and then for real;
// then assesses it, plans every person's channel (one statement, core/use-cases/channels.ts) and
// settles the individuals' obligations by reach (core/use-cases/reach.ts).
// Prints a table; --plan prints the whole plan too. --shared-emails gives that fraction of customers
// the address of the customer before them in other case, and their name (one person with two
// records: address and name coincide), so the one-notice-per-person merge has something to merge. The server and its data are removed at the end.
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as affected from '../core/db/affected';
import type { DataCategory } from '../core/domain/categories';
import { loadConfig } from '../core/config';
import { createPool, inTransaction } from '../core/db/pool';
import { planChannels } from '../core/use-cases/channels';
import { assess } from '../core/use-cases/obligations';
import { settleReach } from '../core/use-cases/reach';
import { seedDemoInventory } from '../scripts/seed';
import { newIncident } from '../test/helpers/factories';
import { benchStaff } from './lib/incident';
import { startBenchServers, stopOnSignals } from './lib/servers';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    plan: { type: 'boolean', default: false },
    'shared-emails': { type: 'string', default: '0' },
  },
});
const CUSTOMERS = Number(args.customers);
const SHARED_EMAILS = Number(args['shared-emails']);

/** About a fifth of the demo population: support-desk IP addresses and credentials, ID-check passports. */
const INCIDENT = {
  systems: ['support-desk', 'identity-verification'],
  dataCategories: ['ip_address', 'account_credentials', 'passport'] as DataCategory[],
  occurredFrom: new Date('2015-01-01T00:00:00Z'),
  occurredTo: new Date('2025-06-30T00:00:00Z'),
};

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  const servers = await startBenchServers({ temporal: false, smtp: false });
  stopOnSignals(servers.stop);
  const rows: [string, string][] = [];
  try {
    const url = await servers.createDatabase('identification');
    const pool = createPool(url, 2);
    try {
      log(`seeding ${CUSTOMERS.toLocaleString('en-US')} demo customers through COPY…`);
      const seeded = await seedDemoInventory(pool, { customers: CUSTOMERS, log: (m) => log(`  ${m}`) });
      rows.push(['customers', seeded.customers.toLocaleString('en-US')]);
      rows.push(['holdings', seeded.holdings.toLocaleString('en-US')]);
      rows.push(['load (COPY import, both tables)', `${seeded.seconds.toFixed(1)} s`]);
      if (SHARED_EMAILS > 0) {
        const every = Math.max(2, Math.round(1 / SHARED_EMAILS));
        const { rowCount } = await pool.query(
          `UPDATE customers c SET email = upper(p.email), full_name = p.full_name
           FROM customers p WHERE p.id = c.id - 1 AND c.id % $1 = 0`,
          [every],
        );
        await pool.query(`VACUUM ANALYZE customers`);
        rows.push([
          "customers sharing the previous one's address and name",
          (rowCount ?? 0).toLocaleString('en-US'),
        ]);
      }

      const { officer } = await benchStaff(pool);
      const { incident } = await newIncident(pool, {
        title: 'Support desk and ID-check exposure',
        description: 'Benchmark incident.',
        ...INCIDENT,
        openedBy: officer.user,
      });
      const incidentId = incident.id;

      // The plan, measured, then rolled back.
      const client = await pool.connect();
      let plan: string[];
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL work_mem = '256MB'`);
        const explained = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${affected.IDENTIFY_SQL}`,
          [
            incidentId,
            INCIDENT.systems,
            INCIDENT.dataCategories,
            INCIDENT.occurredFrom,
            INCIDENT.occurredTo,
            null,
          ],
        );
        plan = explained.rows.map((r) => r['QUERY PLAN']);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      const planTime = /Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1];
      rows.push([
        'identification under EXPLAIN ANALYZE (rolled back)',
        `${(Number(planTime) / 1000).toFixed(2)} s`,
      ]);

      const started = performance.now();
      const count = await affected.identify(pool, incidentId);
      const seconds = (performance.now() - started) / 1000;
      rows.push([
        'affected customers',
        `${count.toLocaleString('en-US')} (${((count / seeded.customers) * 100).toFixed(1)} %)`,
      ]);
      rows.push([
        "records merged into another record's notice",
        (await affected.countMerged(pool, incidentId)).toLocaleString('en-US'),
      ]);
      rows.push(['identification (statement + ANALYZE + count)', `${seconds.toFixed(2)} s`]);

      const again = performance.now();
      await affected.identify(pool, incidentId);
      rows.push([
        'identification again (retried activity: adds nothing)',
        `${((performance.now() - again) / 1000).toFixed(2)} s`,
      ]);

      // Channels: every person planned in one statement, then the reach of the obligations counted.
      const config = loadConfig({
        FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-bench-channels-')),
        DATABASE_URL: url,
        SMTP_URL: 'smtp://127.0.0.1:1',
        LOG_LEVEL: 'silent',
      });
      const grouping = performance.now();
      const groups = await affected.personGroups(pool, incidentId);
      rows.push([
        `people grouped as statutes count them (${groups.length} groups)`,
        `${((performance.now() - grouping) / 1000).toFixed(2)} s`,
      ]);
      const noticeTimes = performance.now();
      await affected.individualNoticeTimes(pool, incidentId);
      rows.push([
        'actual notice times per jurisdiction (none sent yet)',
        `${((performance.now() - noticeTimes) / 1000).toFixed(2)} s`,
      ]);
      const assessing = performance.now();
      await assess({ pool, config }, incidentId);
      rows.push([
        'assessment (groups, notice times, rules)',
        `${((performance.now() - assessing) / 1000).toFixed(2)} s`,
      ]);
      const planning = performance.now();
      const channels = await planChannels({ pool, config }, incidentId);
      rows.push([
        `channels planned (${Object.entries(channels)
          .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
          .join(', ')})`,
        `${((performance.now() - planning) / 1000).toFixed(2)} s`,
      ]);
      const settling = performance.now();
      await inTransaction(pool, (tx) => settleReach(tx, incidentId));
      rows.push([
        'individuals obligations settled by reach',
        `${((performance.now() - settling) / 1000).toFixed(2)} s`,
      ]);

      if (args.plan) {
        console.log('\nEXPLAIN (ANALYZE, BUFFERS):');
        for (const line of plan) console.log(`  ${line}`);
      } else {
        console.log('\nPlan outline (--plan for all of it):');
        for (const line of plan.filter((l) => /->|Execution Time|Planning Time|Trigger|Insert on/.test(l))) {
          console.log(`  ${line.replace(/\s*\(cost=[^)]*\)/, '')}`);
        }
      }
    } finally {
      await pool.end();
    }
  } finally {
    await servers.stop();
  }
  const cpu = cpus();
  console.log('');
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}. PostgreSQL embedded (fsync on, default settings).`,
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${'measure'.padEnd(width)} | value |`);
  console.log(`|${'-'.repeat(width + 2)}|-------|`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
