import { describe, expect, it } from 'vitest';
import { DATA_CATEGORIES } from '../../../core/domain/categories';
import {
  ADVICE_TOPICS,
  ADVICE_TOPIC_FOR,
  LANGUAGES,
  LanguageCatalogSchema,
  resolveLanguage,
} from '../../../core/mail/i18n';
import { formatDate, formatDateTime, formattingLocale, safeTimeZone } from '../../../core/mail/intl-format';
import { CATALOG } from './fixtures';

const when = new Date('2026-03-05T13:30:00Z');

describe('resolveLanguage', () => {
  it.each([
    ['es-MX', 'es'],
    ['ES_mx', 'es'],
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['de-AT', 'de'],
    ['en-GB', 'en'],
    ['pt-BR', 'en'],
    ['zz', 'en'],
    ['', 'en'],
    [null, 'en'],
    [undefined, 'en'],
  ])('%s → %s', (locale, language) => {
    expect(resolveLanguage(locale)).toBe(language);
  });

  it('falls back within the languages a template exists in', () => {
    expect(resolveLanguage('es-MX', ['en'], 'en')).toBe('en');
  });
});

describe('formatDateTime', () => {
  it('formats in the reader’s locale and zone, naming the zone', () => {
    expect(formatDateTime(when, 'en-GB', 'Europe/Berlin')).toBe('5 March 2026 at 14:30 CET');
    expect(formatDateTime(when, 'de-DE', 'Europe/Berlin')).toBe('5. März 2026 um 14:30 MEZ');
    expect(formatDateTime(when, 'en-US', 'America/New_York')).toBe('March 5, 2026 at 8:30 AM EST');
    expect(formatDateTime(when, 'es-MX', 'America/Mexico_City')).toContain('5 de marzo de 2026');
    expect(formatDateTime(when, 'fr-FR', 'Europe/Paris')).toContain('5 mars 2026');
  });

  it('uses UTC for an unknown zone rather than failing a notice', () => {
    expect(safeTimeZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(safeTimeZone('')).toBe('UTC');
    expect(formatDateTime(when, 'en-GB', 'Mars/Olympus_Mons')).toBe('5 March 2026 at 13:30 UTC');
  });

  it('gives the calendar day where the reader lives', () => {
    const lateUtc = new Date('2026-03-06T03:00:00Z');
    expect(formatDate(lateUtc, 'en-GB', 'UTC')).toBe('6 March 2026');
    expect(formatDate(lateUtc, 'en-GB', 'America/Los_Angeles')).toBe('5 March 2026');
  });
});

describe('formattingLocale', () => {
  it('keeps the customer’s own conventions only within the template language', () => {
    expect(formattingLocale('es-MX', 'es')).toBe('es-MX');
    expect(formattingLocale('de_AT', 'de')).toBe('de-AT');
    expect(formattingLocale('pt-BR', 'en')).toBe('en-GB');
    expect(formattingLocale('!!', 'fr')).toBe('fr');
  });
});

describe('CATALOG', () => {
  it.each(LANGUAGES)('%s names every category and advises on every topic', (language) => {
    const catalog = CATALOG[language];
    expect(LanguageCatalogSchema.parse(catalog)).toEqual(catalog);
    for (const c of DATA_CATEGORIES) expect(catalog.categories[c].length).toBeGreaterThan(2);
    for (const t of ADVICE_TOPICS) {
      expect(catalog.advice[t].self).not.toBe(catalog.advice[t].representative);
      expect(catalog.risks[t].length).toBeGreaterThan(10);
    }
    // Category words are distinct, so a list never shows two categories the same way.
    expect(new Set(Object.values(catalog.categories)).size).toBe(DATA_CATEGORIES.length);
  });

  it('maps every category to an advice topic and uses every topic', () => {
    expect(Object.keys(ADVICE_TOPIC_FOR).sort()).toEqual([...DATA_CATEGORIES].sort());
    expect(new Set(Object.values(ADVICE_TOPIC_FOR))).toEqual(new Set(ADVICE_TOPICS));
  });

  it('speaks to a representative about the person, not to the person', () => {
    for (const language of LANGUAGES) {
      for (const t of ADVICE_TOPICS)
        expect(CATALOG[language].advice[t].representative, `${language} ${t}`).toContain('{name}');
    }
  });

  it('translates rather than copies English', () => {
    for (const language of ['es', 'fr', 'de'] as const) {
      for (const t of ADVICE_TOPICS)
        expect(CATALOG[language].advice[t].self).not.toBe(CATALOG.en.advice[t].self);
    }
  });
});
