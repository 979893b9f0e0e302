// The audit chain's cost (TARGETS.md: "bench:delivery with the chain switched off → ≤ 5 % slower
// with it on"): runs bench/delivery.ts several times in this one run, alternately with the chain
// switched off (BENCH_AUDIT_CHAIN=off: bench/lib/servers.ts drops the trigger from the bench
// databases) and on, in the order off, on, on, off, … so that drift over the run (these machines
// drift 15 % and more) falls on both sides alike. Prints each run and the ratio of the means.
//
//   npm run bench:audit-chain -- [--notices 20000] [--small 2000] [--rounds 2] [--appends 4000]
//
// Each bench:delivery run delivers --small notices (a warm-up, also timed) and then --notices; the
// comparison is on the --notices figures. Ceiling and naive runs are skipped.
//
// Then the cost per event, which the delivery figure hides in its noise (a delivery writes only a
// handful of audit events): --appends one-event transactions by 8 concurrent writers on ONE
// incident's chain (the worst case: every writer waits for the chain), chain on and off in
// alternating blocks on two databases of the same server. --appends 0 skips this part.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as audit from '../core/db/audit';
import { createPool, inTransaction, type Pool } from '../core/db/pool';
import { repoRoot } from '../scripts/lib/tools';
import { newIncident } from '../test/helpers/factories';
import { startBenchServers, stopOnSignals } from './lib/servers';

const { values: args } = parseArgs({
  options: {
    notices: { type: 'string', default: '20000' },
    small: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '2' },
    appends: { type: 'string', default: '4000' },
  },
});
const NOTICES = Number(args.notices);
const ROUNDS = Number(args.rounds);

interface Run {
  chain: 'on' | 'off';
  seconds: number;
  perSecond: number;
}

/** One bench:delivery run; returns the --notices figure it logged. */
function deliveryRun(chain: 'on' | 'off'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'bench', 'delivery.ts'),
        '--notices',
        String(NOTICES),
        '--small',
        String(args.small),
        '--skip-ceiling',
        '--skip-naive',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, BENCH_AUDIT_CHAIN: chain },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = new RegExp(`batched ${NOTICES}: last notice recorded ([\\d.]+) s`).exec(out)?.[1];
      if (code !== 0 || !seconds)
        reject(new Error(`bench/delivery.ts (chain ${chain}) failed (exit ${code})`));
      else resolve({ chain, seconds: Number(seconds), perSecond: NOTICES / Number(seconds) });
    });
  });
}

/** Appends per second on one chain, chain on and off, in alternating blocks of `total / 8`. */
async function appendCost(total: number): Promise<void> {
  const servers = await startBenchServers({ temporal: false, smtp: false });
  stopOnSignals(servers.stop);
  const pools: Pool[] = [];
  try {
    const setUp = async (chain: 'on' | 'off') => {
      process.env.BENCH_AUDIT_CHAIN = chain;
      const pool = createPool(await servers.createDatabase(`appends_${chain}`), 8);
      pools.push(pool);
      const { incident } = await newIncident(pool);
      return { chain, pool, incidentId: incident.id, seconds: 0 };
    };
    const sides = [await setUp('on'), await setUp('off')];
    delete process.env.BENCH_AUDIT_CHAIN;
    const writers = 8;
    const blocks = 8;
    const perWriter = Math.max(1, Math.round(total / blocks / writers / 2));
    for (let block = 0; block < blocks; block++) {
      for (const side of block % 2 === 0 ? sides : [...sides].reverse()) {
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              await inTransaction(side.pool, (tx) =>
                audit.append(tx, {
                  incidentId: side.incidentId,
                  actor: 'bench',
                  action: 'bench_append',
                  detail: { block, w, i },
                }),
              );
            }
          }),
        );
        side.seconds += Number(process.hrtime.bigint() - started) / 1e9;
      }
    }
    const events = blocks * writers * perWriter;
    console.log(
      '\n| audit chain | one-event transactions, 8 writers, one chain | seconds | appends/s |\n|---|---|---|---|',
    );
    for (const side of sides)
      console.log(
        `| ${side.chain} | ${events} | ${side.seconds.toFixed(2)} | ${(events / side.seconds).toFixed(0)} |`,
      );
    const [on, off] = sides;
    const extraMs = ((on!.seconds - off!.seconds) / events) * 1000;
    console.log(`\nextra time per audit event with the chain on: ${extraMs.toFixed(3)} ms`);
  } finally {
    await Promise.allSettled(pools.map((p) => p.end()));
    await servers.stop();
  }
}

async function main(): Promise<void> {
  if (Number(args.appends) > 0) await appendCost(Number(args.appends));
  const runs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order: ('on' | 'off')[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const chain of order) {
      console.log(`\n=== audit chain ${chain} (round ${round + 1} of ${ROUNDS}) ===`);
      runs.push(await deliveryRun(chain));
    }
  }
  const mean = (chain: 'on' | 'off') => {
    const these = runs.filter((r) => r.chain === chain);
    return these.reduce((sum, r) => sum + r.perSecond, 0) / these.length;
  };
  console.log('\n| audit chain | notices | seconds | notices/s |\n|---|---|---|---|');
  for (const r of runs)
    console.log(`| ${r.chain} | ${NOTICES} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(0)} |`);
  const [on, off] = [mean('on'), mean('off')];
  console.log(
    `\nchain on / chain off (means): ${on.toFixed(0)} / ${off.toFixed(0)} notices/s = ${((on / off) * 100).toFixed(1)} %` +
      `  (${(((off - on) / off) * 100).toFixed(1)} % slower; target ≤ 5 %)`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
