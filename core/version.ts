import { readFileSync } from 'node:fs';

/**
 * Forthright's version: the one in package.json, read once. The API answers it (`/api/version`,
 * `/readyz`), the console shows it in its footer, the logs carry it on their start lines, and
 * CHANGELOG.md says what each one changed. A release bumps package.json and adds a CHANGELOG entry;
 * nothing else names the number.
 */
export const VERSION: string = readVersion();

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+/.test(pkg.version))
    throw new Error('package.json has no semantic version');
  return pkg.version;
}
