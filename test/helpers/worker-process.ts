import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/tools';

/** A worker running as a process of its own, as in production. */
export interface WorkerProcess {
  child: ChildProcess;
  /** The worker's Temporal identity (the SDK's default, `<pid>@<host>`), as the server records it. */
  identityPrefix: string;
  logFile: string;
  /** Resolves once the worker logs `worker started`; rejects (with its log's tail) if it exits first. */
  started: Promise<void>;
  exited: Promise<void>;
  /** Neither exited nor killed by a signal. */
  alive(): boolean;
  /** SIGTERM unless it is gone already (the worker drains and exits, as at a deploy), then waits. */
  stop(): Promise<void>;
}

/**
 * `node --import tsx <root>/worker/main.ts` with `env` over this process's, output appended to
 * `logFile`. One process, so a SIGKILL hits the worker itself (the `tsx` command runs the script in
 * a child process of its own, which a SIGKILL of `tsx` would leave running). `root` is another
 * checkout's folder to run that code (an extracted release).
 */
export function startWorkerProcess(
  env: Record<string, string>,
  logFile: string,
  root: string = repoRoot,
): WorkerProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'worker', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const started = (async () => {
    for (;;) {
      if (!alive()) throw new Error(`worker exited: ${readFileSync(logFile, 'utf8').slice(-3000)}`);
      if (readFileSync(logFile, 'utf8').includes('worker started')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    child,
    identityPrefix: `${child.pid}@`,
    logFile,
    started,
    exited,
    alive,
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}
