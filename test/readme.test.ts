import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the two commands at the top', () => {
    const top = readme.slice(0, readme.indexOf('## How it works'));
    expect(top).toContain('npm start');
    expect(top).toContain('npm test');
  });

  // The coverage document is generated and checked against the rules (test/core/law/rules.test.ts);
  // the README links to it rather than copying a table that could go stale.
  it('links to the generated law coverage document instead of copying its table', () => {
    expect(readme).toContain('[docs/law-coverage.md](docs/law-coverage.md)');
    expect(existsSync(new URL('../docs/law-coverage.md', import.meta.url))).toBe(true);
    expect(readme).not.toMatch(/^\| Jurisdiction \| Audience \|/m);
  });
});
