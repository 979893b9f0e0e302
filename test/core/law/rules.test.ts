import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DATA_CATEGORIES } from '../../../core/domain/categories';
import { CONTENT_PARTS } from '../../../core/domain/content-parts';
import { AUDIENCES } from '../../../core/domain/model';
import {
  GDPR_STATES,
  RULES,
  RULES_VERSION,
  US_STATE_JURISDICTIONS,
  coverage,
  inForceAt,
  renderCoverageMarkdown,
} from '../../../core/law';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TODAY = new Date(`${RULES_VERSION}T12:00:00Z`);

describe('RULES', () => {
  it('has a review date', () => {
    expect(RULES_VERSION).toMatch(ISO_DATE);
  });

  it('has unique ids, each starting with its jurisdiction', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.id.startsWith(`${r.jurisdiction}.${r.audience}`), r.id).toBe(true);
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s is well formed', (_id, rule) => {
    expect(rule.citation.trim().length).toBeGreaterThan(5);
    expect(rule.regime.trim().length).toBeGreaterThan(0);
    expect(AUDIENCES).toContain(rule.audience);
    expect(IANAZone.isValidZone(rule.timeZone)).toBe(true);
    if (rule.triggers !== 'any_personal_data') {
      expect(rule.triggers.length).toBeGreaterThan(0);
      for (const c of rule.triggers) expect(DATA_CATEGORIES).toContain(c);
      // A name alone never triggers a notification duty.
      expect(rule.triggers).not.toContain('name');
    }
    for (const p of rule.requiredContent) expect(CONTENT_PARTS).toContain(p);
    for (const d of [rule.effectiveFrom, rule.effectiveUntil])
      if (d !== undefined) expect(d).toMatch(ISO_DATE);
    if (rule.threshold) expect(rule.threshold.minAffected).toBeGreaterThan(0);
    if (rule.audience !== 'individuals')
      expect(rule.authority, 'a regulator rule names whom to notify').toBeDefined();
    if (rule.uncertain !== undefined) expect(rule.uncertain.trim().length).toBeGreaterThan(10);
  });

  it('covers every US state, DC and Puerto Rico with an individuals rule in force today', () => {
    expect(US_STATE_JURISDICTIONS).toHaveLength(52);
    expect(US_STATE_JURISDICTIONS).toEqual(expect.arrayContaining(['US-DC', 'US-PR', 'US-CA', 'US-WY']));
    for (const j of US_STATE_JURISDICTIONS) {
      const rules = RULES.filter(
        (r) => r.jurisdiction === j && r.audience === 'individuals' && inForceAt(r, TODAY),
      );
      expect(rules, j).toHaveLength(1);
    }
  });

  it('covers each of the 30 EU/EEA states with an Art. 33 and an Art. 34 rule naming the authority', () => {
    expect(GDPR_STATES).toHaveLength(30);
    for (const j of GDPR_STATES) {
      const rules = RULES.filter((r) => r.jurisdiction === j);
      expect(rules.map((r) => r.audience).sort(), j).toEqual(['individuals', 'regulator']);
      for (const r of rules) expect(r.authority?.name, j).toBeTruthy();
    }
  });

  it.each(['GB', 'US-HIPAA', 'US-SEC', 'US-NYDFS', 'CA', 'AU', 'BR', 'SG', 'KR', 'JP', 'IN', 'CN'])(
    'covers %s',
    (j) => {
      expect(RULES.some((r) => r.jurisdiction === j)).toBe(true);
    },
  );
});

describe('coverage', () => {
  it('lists every rule, in order, with its citation and deadline', () => {
    const rows = coverage();
    expect(rows.map((r) => r.ruleId)).toEqual(RULES.map((r) => r.id));
    for (const row of rows) {
      expect(row.citation).toBeTruthy();
      expect(row.deadline).toBeTruthy();
    }
  });

  it('describes thresholds', () => {
    const row = (id: string) => coverage().find((r) => r.ruleId === id);
    expect(row('US-CO.regulator')?.threshold).toBe('500 or more affected');
    expect(row('US-HIPAA.regulator.annual-log')?.threshold).toBe('1–499 affected (in total)');
    expect(row('US-HIPAA.media')?.threshold).toBe('501 or more affected (per state)');
    expect(row('KR.regulator')?.threshold).toBe('trigger data, or 1,000 or more affected');
    expect(row('US-CA.individuals')?.threshold).toBeNull();
  });

  it('docs/law-coverage.md is up to date (regenerate: npx tsx scripts/law-coverage.ts)', () => {
    const file = fileURLToPath(new URL('../../../docs/law-coverage.md', import.meta.url));
    expect(readFileSync(file, 'utf8')).toBe(renderCoverageMarkdown());
  });
});
