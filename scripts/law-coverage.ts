// Regenerates docs/law-coverage.md (the README links to it) from the rules in core/law/rules/. Run: npx tsx scripts/law-coverage.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCoverageMarkdown } from '../core/law';

const target = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/law-coverage.md');
try {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, renderCoverageMarkdown());
  console.log(`wrote ${target}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
