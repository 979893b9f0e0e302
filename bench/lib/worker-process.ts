// A Forthright worker as a process of its own, the way it runs in production (with the Node flags of
// worker/node-flags.ts), with its memory sampled from /proc. Started as `node --import tsx <entry>` rather than through the `tsx` CLI,
// which would run the worker in a grandchild: the pid here is the worker's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/tools';
import { WORKER_NODE_FLAGS } from '../../worker/node-flags';
import { cpuSecondsOf } from './process-cpu';

export interface WorkerProcess {
  pid: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time used so far (user + system, /proc/<pid>/stat), in seconds. */
  cpuSeconds(): number;
  /** Asks it to drain (SIGTERM) and waits for it to exit; returns the final peak RSS in MB. */
  stop(): Promise<number>;
}

export function startWorkerProcess(options: {
  env: Record<string, string>;
  logFile: string;
  /** @default 'worker/main.ts' */
  entry?: string;
}): Promise<WorkerProcess> {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // BENCH_WORKER_NODE_FLAGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', for a look inside the worker.
    const flags = process.env.BENCH_WORKER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    child = spawn(
      process.execPath,
      [...WORKER_NODE_FLAGS, ...flags, '--import', 'tsx', join(repoRoot, options.entry ?? 'worker/main.ts')],
      {
        cwd: repoRoot,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', fd, fd],
      },
    );
  } finally {
    closeSync(fd);
  }
  const pid = child.pid!;
  let peak = 0;
  let samples = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
      peak = Math.max(peak, hwm);
      if (process.env.BENCH_RSS_TRACE) {
        const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
        if (++samples % 20 === 0)
          console.log(`  worker ${pid} RSS ${rss.toFixed(0)} MB (peak ${hwm.toFixed(0)} MB)`);
      }
    } catch {
      // exited
    }
  };
  const sampler = setInterval(sample, 250);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    // Ready once it logs that it started; fail if it exits first.
    const started = Date.now();
    const poll = setInterval(() => {
      let log = '';
      try {
        log = readFileSync(options.logFile, 'utf8');
      } catch {
        // not yet
      }
      if (log.includes('worker started')) {
        clearInterval(poll);
        resolve({
          pid,
          peakRssMb: () => (sample(), peak),
          cpuSeconds: () => cpuSecondsOf(pid),
          async stop() {
            sample();
            clearInterval(sampler);
            if (child.exitCode === null) {
              child.kill('SIGTERM');
              const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
              await exited;
              clearTimeout(killer);
            }
            return peak;
          },
        });
      } else if (child.exitCode !== null || Date.now() - started > 60_000) {
        clearInterval(poll);
        clearInterval(sampler);
        child.kill('SIGKILL');
        reject(new Error(`worker did not start; see ${options.logFile}:\n${log.slice(-2000)}`));
      }
    }, 100);
  });
}
