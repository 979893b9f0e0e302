// `npx tsx scripts/cut-release.ts <version> [<rev>]` (rev: default `v<version>`, the release's tag):
// stores what the upgrade path needs of a release, from git, so nothing later depends on the tag
// (CI clones are often shallow and tagless):
//   1. test/upgrade/releases/<version>.tar.gz — `git archive <rev>` of the worker, migrations, use
//      cases and templates (scripts/lib/releases.ts RELEASE_PATHS), for test/upgrade/ to run that
//      release's own worker and migrations;
//   2. test/workflows/histories/<version>/ — the replay corpus recorded from that release's workflow
//      code (scripts/record-workflow-histories.ts --source <the extracted release>), replayed by
//      test/workflows/replay.test.ts against every later version.
// Run it when a release is tagged (workflows/README.md "How workflow changes ship"), commit both.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELEASES_DIR, RELEASE_PATHS, extractRelease, releaseArchive } from './lib/releases';
import { repoRoot } from './lib/tools';

const [version, revArg] = process.argv.slice(2);
if (!version || !/^\d+\.\d+\.\d+(-[a-z0-9.]+)?$/.test(version)) {
  console.error(
    'usage: tsx scripts/cut-release.ts <version, e.g. 1.0.0> [<tag or commit>, default v<version>]',
  );
  process.exit(2);
}
const rev = revArg ?? `v${version}`;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

let commit: string;
try {
  commit = git('rev-parse', '--verify', `${rev}^{commit}`);
} catch {
  console.error(`${rev} is not a tag or commit of this repository`);
  process.exit(2);
}
// Only the paths that exist at that commit (an older release may lack one).
const present = RELEASE_PATHS.filter((p) => git('ls-tree', '--name-only', commit, '--', p) !== '');
mkdirSync(RELEASES_DIR, { recursive: true });
const archive = releaseArchive(version);
execFileSync('git', ['archive', '--format=tar.gz', `--output=${archive}`, commit, '--', ...present], {
  cwd: repoRoot,
});
console.log(`${archive}: ${rev} (${commit.slice(0, 7)}): ${present.join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), `forthright-release-${version}-`));
try {
  extractRelease(version, dir);
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'scripts', 'record-workflow-histories.ts'), version, '--source', dir],
    { cwd: repoRoot, stdio: 'inherit' },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
