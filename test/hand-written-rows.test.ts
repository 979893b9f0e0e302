import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Tests and benchmarks build incidents, affected customers and deliveries through
 * test/helpers/factories.ts (the product's use cases), never by hand: a hand-written row drifts
 * from the schema and skips what the product does beside the insert (the audit entry, the
 * identification rules). This fails on an INSERT into those tables, or a call of the row-level
 * insert, anywhere else.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files that may, and why. */
const ALLOWED: Record<string, string> = {
  'test/helpers/factories.ts': 'the factories themselves',
  'test/core/audit/chain.test.ts':
    "migration 007 on the schema of before it: today's use cases write today's schema",
  'test/core/db/page-tokens.test.ts':
    'migration 013 on copies of the tables as they were before it, in a schema of its own',
};

const HAND_WRITTEN = [
  /\bINSERT\s+INTO\s+(incidents|affected_customers|deliveries)\b/i,
  /\bCOPY\s+(incidents|affected_customers|deliveries)\b/i,
  /\bincidents\.insert\(/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('test and bench sources', () => {
  it('never write incidents, affected customers or deliveries by hand', () => {
    const offenders = ['test', 'bench']
      .flatMap((dir) => sources(join(root, dir)))
      .map((path) => relative(root, path).replaceAll('\\', '/'))
      .filter((path) => !(path in ALLOWED))
      .flatMap((path) =>
        readFileSync(join(root, path), 'utf8')
          .split('\n')
          .flatMap((line, i) => (HAND_WRITTEN.some((re) => re.test(line)) ? [`${path}:${i + 1}`] : [])),
      );
    expect(offenders, 'use test/helpers/factories.ts instead').toEqual([]);
  });
});
