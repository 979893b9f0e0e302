// The audit chain's cost (TARGETS.md: "bench:delivery with the chain switched off → ≤ 5 % slower
// with it on"): runs bench/delivery.ts several times in this one run, alternately with the chain
// switched off (BENCH_AUDIT_CHAIN=off: bench/lib/servers.ts drops the trigger from the bench
// databases) and on, in the order off, on, on, off, … so that drift over the run (these machines
// drift 15 % and more) falls on both sides alike. Prints each run and the ratio of the means.
//
//   npm run bench:audit-chain -- [--notices 20000] [--small 2000] [--rounds 2]
//
// Each bench:delivery run delivers --small notices (a warm-up, also timed) and then --notices; the
// comparison is on the --notices figures. Ceiling and naive runs are skipped.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../scripts/lib/tools';

const { values: args } = parseArgs({
  options: {
    notices: { type: 'string', default: '20000' },
    small: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '2' },
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

async function main(): Promise<void> {
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
