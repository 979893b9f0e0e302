import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadmeCoverage } from '../core/law';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the two commands at the top', () => {
    const top = readme.slice(0, readme.indexOf('## How it works'));
    expect(top).toContain('npm start');
    expect(top).toContain('npm test');
  });

  it('has the coverage table generated from the current rules (regenerate: npx tsx scripts/law-coverage.ts)', () => {
    expect(readme).toContain(renderReadmeCoverage());
  });
});
