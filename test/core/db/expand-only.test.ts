import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RELEASES_DIR } from '../../../scripts/lib/releases';

/**
 * Migrations safe during a rolling upgrade (core/db/README.md "Expand, then contract"): while the
 * migration step runs, and until the last worker and API replica of the previous release stop,
 * the previous release's code runs on the new schema. So a migration this release adds may only
 * expand: new tables, new nullable columns or columns with a default, new indexes, a CHECK restated
 * wider. Dropping, renaming, retyping or tightening what the previous release reads or writes is a
 * contract step, allowed only in a later release, once no code that needs the old shape runs — and
 * marked `-- contract: <why it is safe now>` in the migration, which this check then leaves alone.
 *
 * "This release's migrations" are those not in the newest stored release
 * (test/upgrade/releases/<version>.tar.gz, scripts/cut-release.ts).
 */
const MIGRATIONS = fileURLToPath(new URL('../../../core/db/migrations', import.meta.url));

const semver = (v: string) => v.split('.').map(Number);
const newestRelease = readdirSync(RELEASES_DIR)
  .filter((f) => /^\d+\.\d+\.\d+\.tar\.gz$/.test(f))
  .map((f) => f.replace(/\.tar\.gz$/, ''))
  .sort((a, b) => {
    const [x, y] = [semver(a), semver(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  })
  .pop();

function releasedMigrations(version: string): Set<string> {
  const listing = execFileSync('tar', ['-tzf', join(RELEASES_DIR, `${version}.tar.gz`)], {
    encoding: 'utf8',
  });
  return new Set(
    listing
      .split('\n')
      .filter((p) => p.startsWith('core/db/migrations/') && p.endsWith('.sql'))
      .map((p) => p.slice('core/db/migrations/'.length)),
  );
}

/**
 * What in `sql` (one migration's text) the previous release's code could trip on: one line per
 * finding, empty when the migration only expands.
 */
function contractions(sql: string): string[] {
  if (/^\s*--\s*contract:/m.test(sql)) return [];
  const code = sql
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "''") // function bodies
    .replace(/--.*$/gm, '')
    .replace(/'(?:[^']|'')*'/g, "''");
  const created = (kind: string) =>
    new Set(
      [
        ...code.matchAll(
          new RegExp(`${kind}\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:OR\\s+REPLACE\\s+)?(\\w+)`, 'gi'),
        ),
      ].map((m) => m[1]!.toLowerCase()),
    );
  const addedConstraints = created('ADD\\s+CONSTRAINT');
  const recreated = new Set([
    ...created('CREATE\\s+(?:UNIQUE\\s+)?INDEX'),
    ...created('CREATE\\s+(?:OR\\s+REPLACE\\s+)?FUNCTION'),
    ...created('CREATE\\s+TRIGGER'),
  ]);
  const findings: string[] = [];
  for (const raw of code.split(';')) {
    const statement = raw.replace(/\s+/g, ' ').trim();
    if (!statement) continue;
    const dropped =
      /^DROP (TABLE|VIEW|MATERIALIZED VIEW|TYPE|SEQUENCE|SCHEMA|INDEX|FUNCTION|TRIGGER) (?:IF EXISTS )?(\w+)/i.exec(
        statement,
      );
    if (dropped) {
      const kind = dropped[1]!.toUpperCase();
      const name = dropped[2]!.toLowerCase();
      // An index, function or trigger dropped to be made again in the same migration is a replacement.
      if (!(['INDEX', 'FUNCTION', 'TRIGGER'].includes(kind) && recreated.has(name)))
        findings.push(`drops ${kind.toLowerCase()} ${name}`);
      continue;
    }
    if (/^ALTER TABLE/i.test(statement) && / RENAME /i.test(` ${statement} `)) {
      findings.push(`renames: ${statement.slice(0, 120)}`);
      continue;
    }
    if (!/^ALTER TABLE/i.test(statement)) continue;
    const clauses = statement.split(/,\s*(?=(?:ADD|DROP|ALTER|VALIDATE)\b)/i);
    for (const clause of clauses) {
      const c = clause.replace(/^ALTER TABLE (?:ONLY )?(?:IF EXISTS )?\w+\s*/i, '');
      let m: RegExpExecArray | null;
      if ((m = /^DROP (?:COLUMN )?(?:IF EXISTS )?(\w+)/i.exec(c)) && !/^DROP CONSTRAINT/i.test(c))
        findings.push(`drops column ${m[1]}`);
      else if (
        (m = /^DROP CONSTRAINT (?:IF EXISTS )?(\w+)/i.exec(c)) &&
        !addedConstraints.has(m[1]!.toLowerCase())
      )
        findings.push(`drops constraint ${m[1]} without restating it`);
      else if ((m = /^ALTER (?:COLUMN )?(\w+) (?:SET DATA )?TYPE\b/i.exec(c)))
        findings.push(`retypes column ${m[1]}`);
      else if ((m = /^ALTER (?:COLUMN )?(\w+) SET NOT NULL/i.exec(c)))
        findings.push(`makes column ${m[1]} NOT NULL`);
      else if ((m = /^ALTER (?:COLUMN )?(\w+) DROP DEFAULT/i.exec(c)))
        findings.push(`drops the default of ${m[1]}`);
      else if (
        (m = /^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(\w+) /i.exec(c)) &&
        !/^ADD CONSTRAINT/i.test(c) &&
        /\bNOT NULL\b/i.test(c) &&
        !/\bDEFAULT\b/i.test(c) &&
        !/\bGENERATED\b/i.test(c)
      )
        findings.push(`adds column ${m[1]} NOT NULL without a default`);
    }
  }
  return findings;
}

describe('migrations: expand only within a release', () => {
  it('has a stored previous release to compare with', () => {
    expect(newestRelease).toBeDefined();
  });

  it('adds only expanding migrations since the previous release', () => {
    const released = releasedMigrations(newestRelease!);
    const added = readdirSync(MIGRATIONS).filter((f) => /^\d+_.+\.sql$/.test(f) && !released.has(f));
    const findings = added.flatMap((file) =>
      contractions(readFileSync(join(MIGRATIONS, file), 'utf8')).map((f) => `${file}: ${f}`),
    );
    expect(findings).toEqual([]);
  });

  it('finds each kind of contraction (the check can fail)', () => {
    expect(contractions('ALTER TABLE deliveries DROP COLUMN held_from;')).toEqual(['drops column held_from']);
    expect(contractions('DROP TABLE restores;')).toEqual(['drops table restores']);
    expect(contractions('ALTER TABLE incidents RENAME COLUMN title TO name;')).toHaveLength(1);
    expect(contractions('ALTER TABLE incidents ALTER COLUMN title TYPE varchar(80);')).toEqual([
      'retypes column title',
    ]);
    expect(contractions('ALTER TABLE incidents ALTER COLUMN description SET NOT NULL;')).toEqual([
      'makes column description NOT NULL',
    ]);
    expect(contractions('ALTER TABLE deliveries ADD COLUMN relay text NOT NULL;')).toEqual([
      'adds column relay NOT NULL without a default',
    ]);
    expect(
      contractions('ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check, ADD COLUMN x int;'),
    ).toEqual(['drops constraint deliveries_status_check without restating it']);
    // Expanding: allowed.
    expect(
      contractions(`ALTER TABLE deliveries
        DROP CONSTRAINT deliveries_status_check,
        ADD CONSTRAINT deliveries_status_check CHECK (status IN ('sent', 'held')),
        ADD COLUMN relay text NOT NULL DEFAULT 'default',
        ADD COLUMN held_from text;
        CREATE TABLE t (id int NOT NULL);
        DROP INDEX IF EXISTS i; CREATE INDEX i ON t (id);`),
    ).toEqual([]);
    expect(contractions('-- contract: 1.0.0 stopped reading it\nALTER TABLE t DROP COLUMN c;')).toEqual([]);
  });
});
