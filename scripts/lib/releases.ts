import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools';

/**
 * What the upgrade test keeps of each release (scripts/cut-release.ts), as
 * test/upgrade/releases/<version>.tar.gz, so that a clone without tags or history (a shallow CI
 * checkout) can still run that release's worker, migrations and use cases. Only what they need: the
 * console, the docs, the tests and the benchmarks stay out.
 */
export const RELEASE_PATHS = [
  'package.json',
  'tsconfig.json',
  'activities',
  'core',
  'worker',
  'workflows',
  'templates',
  'api/temporal-client.ts',
  'scripts/migrate.ts',
  'scripts/lib',
] as const;

export const RELEASES_DIR = join(repoRoot, 'test', 'upgrade', 'releases');

/** The stored archive of a release (`0.1.0` → test/upgrade/releases/0.1.0.tar.gz). */
export function releaseArchive(version: string): string {
  return join(RELEASES_DIR, `${version}.tar.gz`);
}

/**
 * Extracts a stored release into `dir` and links this checkout's node_modules into it, so its code
 * runs as `node --import tsx <dir>/worker/main.ts` with the same dependencies (a release's
 * package-lock is the same as the next one's for what the worker and migrations use; if not, say so
 * in the release's notes and install its own).
 */
export function extractRelease(version: string, dir: string): string {
  const archive = releaseArchive(version);
  if (!existsSync(archive)) {
    throw new Error(`${archive} is missing: run \`npx tsx scripts/cut-release.ts ${version} <tag>\``);
  }
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  if (!existsSync(join(dir, 'node_modules')))
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
