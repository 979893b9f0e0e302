import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderIndividualNotice } from '../../../core/mail/render';
import {
  TEMPLATE_NAMES,
  compileTemplates,
  defaultTemplatesDir,
  loadTemplateSources,
  templateVersion,
  type TemplateSources,
} from '../../../core/mail/templates';
import { TemplateNotFoundError, TemplateSourceError } from '../../../core/errors';
import { CATALOG, noticeInput, sources } from './fixtures';

const EN_TEXT = 'individual-notice/en/individual-notice.text.hbs';

function edited(from: TemplateSources, path: string, edit: (s: string) => string): TemplateSources {
  const copy = { ...from };
  copy[path] = edit(copy[path] ?? '');
  return copy;
}

describe('loadTemplateSources', () => {
  it('reads every template with forward-slash paths, plus the wording catalog', () => {
    expect(Object.keys(sources)).toContain(EN_TEXT);
    expect(Object.keys(sources)).toContain('partials/layout.html.hbs');
    expect(Object.keys(sources)).toContain('partials/parts/de/credit_freeze.text.hbs');
    for (const language of Object.keys(CATALOG)) {
      expect(JSON.parse(sources[`i18n/${language}.json`] ?? '{}')).toEqual(
        CATALOG[language as keyof typeof CATALOG],
      );
    }
    expect(Object.keys(sources).every((p) => !p.includes('\\'))).toBe(true);
  });

  it('has every template in English and the customer-facing ones in es, fr and de', () => {
    const set = compileTemplates(sources);
    for (const name of TEMPLATE_NAMES) expect(set.languages(name)[0]).toBe('en');
    expect(set.languages('individual-notice')).toEqual(['en', 'de', 'es', 'fr']);
    expect(set.languages('customer-follow-up')).toEqual(['en', 'de', 'es', 'fr']);
    expect(set.languages('regulator-notice')).toEqual(['en']);
    expect(set.languages('staff-alert')).toEqual(['en']);
  });

  it('never uses triple-stash output', () => {
    for (const [path, text] of Object.entries(sources)) {
      if (path.endsWith('.hbs')) expect(text, path).not.toMatch(/\{\{\{|\{\{&/);
    }
  });

  it('keeps an HTML and a text version of every partial used by customers', () => {
    const partials = Object.keys(sources).filter((p) => p.startsWith('partials/parts/'));
    for (const p of partials.filter((x) => x.endsWith('.html.hbs'))) {
      expect(partials, p).toContain(p.replace('.html.hbs', '.text.hbs'));
    }
    for (const lang of ['es', 'fr', 'de']) {
      const en = partials
        .filter((p) => p.startsWith('partials/parts/en/'))
        .map((p) => p.replace('/en/', `/${lang}/`));
      expect(partials.filter((p) => p.startsWith(`partials/parts/${lang}/`)).sort()).toEqual(en.sort());
    }
  });
});

describe('loadTemplateSources, the wording catalog', () => {
  it('refuses a bad catalog file at load, naming the file and every bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forthright-templates-'));
    try {
      cpSync(defaultTemplatesDir(), dir, { recursive: true });
      const fr = { ...CATALOG.fr, categories: { ...CATALOG.fr.categories, ssn: ' ' } };
      writeFileSync(join(dir, 'i18n/fr.json'), JSON.stringify(fr, null, 2));
      const en = structuredClone(CATALOG.en) as { advice: Record<string, Record<string, string>> };
      en.advice['identity']!['self'] = 'Contact {compnay} at once.';
      writeFileSync(join(dir, 'i18n/en.json'), JSON.stringify(en, null, 2));
      writeFileSync(join(dir, 'i18n/de.json'), '{ "categories": ');
      let message = '';
      try {
        loadTemplateSources(dir);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(TemplateSourceError);
        message = (err as Error).message;
      }
      expect(message).toContain(`${join(dir, 'i18n/fr.json')}: categories.ssn:`);
      expect(message).toContain(
        `${join(dir, 'i18n/en.json')}: advice.identity.self: placeholders must be among {company}, {name}`,
      );
      expect(message).toContain(`${join(dir, 'i18n/de.json')}: not valid JSON`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the catalog in templates/i18n/, so a wording change is a template change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forthright-templates-'));
    try {
      cpSync(defaultTemplatesDir(), dir, { recursive: true });
      const es = structuredClone(CATALOG.es);
      es.categories.name = 'Nombre completo';
      writeFileSync(join(dir, 'i18n/es.json'), `${JSON.stringify(es, null, 2)}\n`);
      const changed = loadTemplateSources(dir);
      expect(templateVersion(changed)).not.toBe(templateVersion(sources));
      expect(compileTemplates(changed).catalog('es').categories.name).toBe('Nombre completo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('templateVersion', () => {
  it('is a 16-character hex digest, independent of key order', () => {
    const v = templateVersion(sources);
    expect(v).toMatch(/^[0-9a-f]{16}$/);
    const reversed = Object.fromEntries(Object.entries(sources).reverse());
    expect(templateVersion(reversed)).toBe(v);
  });

  it('changes when any file, path or catalog entry changes', () => {
    const v = templateVersion(sources);
    expect(templateVersion(edited(sources, EN_TEXT, (s) => `${s} `))).not.toBe(v);
    expect(
      templateVersion(edited(sources, 'i18n/es.json', (s) => s.replace('Nombre', 'Nombre completo'))),
    ).not.toBe(v);
    const moved = { ...sources, 'individual-notice/en/extra.hbs': '' };
    expect(templateVersion(moved)).not.toBe(v);
  });

  it('changes when a file on disk changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forthright-templates-'));
    try {
      cpSync(defaultTemplatesDir(), dir, { recursive: true });
      const before = loadTemplateSources(dir);
      expect(templateVersion(before)).toBe(templateVersion(sources));
      writeFileSync(join(dir, EN_TEXT), `${before[EN_TEXT]}\nP.S. An edit after approval.\n`);
      expect(templateVersion(loadTemplateSources(dir))).not.toBe(templateVersion(before));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compileTemplates', () => {
  it('renders from the sources it is given, so approved text survives later edits', () => {
    const approved = { ...sources };
    const approvedSet = compileTemplates(approved);
    const approvedText = renderIndividualNotice(approvedSet, noticeInput()).text;

    // The files change after approval...
    const changed = edited(sources, EN_TEXT, (s) => s.replace('Sincerely,', 'Kind regards,'));
    const changedSet = compileTemplates(changed);
    expect(changedSet.version).not.toBe(approvedSet.version);
    expect(renderIndividualNotice(changedSet, noticeInput()).text).toContain('Kind regards,');

    // ...but rendering with the snapshot still gives the approved text, byte for byte.
    const again = renderIndividualNotice(compileTemplates(approved), noticeInput()).text;
    expect(again).toBe(approvedText);
    expect(again).toContain('Sincerely,');
    expect(again).not.toContain('Kind regards,');
  });

  it('takes category words from the snapshot, not from the running code', () => {
    const snapshot = edited(sources, 'i18n/en.json', (s) =>
      s.replace('"Email address"', '"E-mail address (as approved)"'),
    );
    const mail = renderIndividualNotice(compileTemplates(snapshot), noticeInput());
    expect(mail.text).toContain('E-mail address (as approved)');
    expect(renderIndividualNotice(compileTemplates(sources), noticeInput()).text).not.toContain(
      '(as approved)',
    );
  });

  it('caches by version', () => {
    const a = compileTemplates(sources);
    expect(compileTemplates({ ...sources })).toBe(a);
    expect(a.version).toBe(templateVersion(sources));
    expect(Object.isFrozen(a.sources)).toBe(true);
    expect(a.sources).toEqual(sources);
  });

  it('uses an isolated Handlebars instance', async () => {
    const Handlebars = (await import('handlebars')).default;
    compileTemplates(sources);
    expect(Handlebars.partials['layout']).toBeUndefined();
    expect(Handlebars.helpers['paragraphs']).toBeUndefined();
  });

  it('lists every problem in malformed sources', () => {
    const broken = { ...sources };
    delete broken['staff-alert/en/staff-alert.text.hbs'];
    broken['individual-notice/en/individual-notice.subject.hbs'] = '{{#if}}';
    broken['i18n/fr.json'] = JSON.stringify({
      ...CATALOG.fr,
      categories: { ...CATALOG.fr.categories, ssn: '' },
    });
    broken['stray.txt.hbs'] = 'x';
    try {
      compileTemplates(broken);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateSourceError);
      const message = (err as Error).message;
      expect(message).toContain('staff-alert/en: missing staff-alert.text.hbs');
      expect(message).toContain('individual-notice/en/individual-notice.subject.hbs');
      expect(message).toContain('i18n/fr.json: categories.ssn');
      expect(message).toContain('stray.txt.hbs');
    }
  });

  it('requires a catalog for every language a customer template exists in', () => {
    const noSpanish = { ...sources };
    delete noSpanish['i18n/es.json'];
    expect(() => compileTemplates(noSpanish)).toThrow(/individual-notice\/es: missing i18n\/es.json/);
  });

  it('fails loudly on a misspelt field instead of printing nothing', () => {
    const typo = edited(sources, EN_TEXT, (s) => s.replace('{{referenceCode}}', '{{referenceCod}}'));
    expect(() => renderIndividualNotice(compileTemplates(typo), noticeInput())).toThrow(/referenceCod/);
  });

  it('throws a named error for a template it does not have', () => {
    const set = compileTemplates(sources);
    expect(() => set.render('regulator-notice', 'fr', {})).toThrow(TemplateNotFoundError);
    expect(() => set.catalog('xx')).toThrow(TemplateNotFoundError);
  });
});
