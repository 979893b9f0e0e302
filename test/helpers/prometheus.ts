import { spawnSync } from 'node:child_process';

/**
 * promtool (Debian's `prometheus` package; scripts/provision.sh `test` installs it): runs it with
 * `args`, feeding `stdin`, and returns its exit status and output. Missing, it fails the test with
 * the sentence saying what to install, never a skip.
 */
export function promtool(args: string[], stdin?: string): { status: number; output: string } {
  const run = spawnSync('promtool', args, { input: stdin, encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(
      'promtool is missing: install Debian’s prometheus package (bash scripts/provision.sh test)',
    );
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

/**
 * The value of the sample of `name` whose labels include `labels` (a Prometheus text exposition),
 * or undefined when there is none.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}
