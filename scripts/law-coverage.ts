// Regenerates docs/law-coverage.md and the README's coverage table from the rules in core/law/rules/. Run: npx tsx scripts/law-coverage.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCoverageMarkdown, withReadmeCoverage } from '../core/law';

const target = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/law-coverage.md');
try {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, renderCoverageMarkdown());
  console.log(`wrote ${target}`);
  const readme = resolve(dirname(fileURLToPath(import.meta.url)), '../README.md');
  writeFileSync(readme, withReadmeCoverage(readFileSync(readme, 'utf8')));
  console.log(`updated ${readme}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
