/**
 * Dates, numbers and lists in the reader's own conventions, through the platform's Intl. The words
 * around them are in the templates and the wording catalog; this module only formats values.
 *
 * Building an Intl formatter costs far more than using one, and a batch of notices uses a handful of
 * (locale, zone) pairs, so formatters and the answers of the locale and zone checks are kept.
 * Every cache is bounded, so hostile input (a locale or zone per customer record) cannot grow it
 * without end.
 */

const MAX_CACHED = 2_000;

function remember<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Formatting locales used when the customer's own locale belongs to another language. */
const FORMAT_LOCALE_FOR: Readonly<Record<string, string>> = { en: 'en-GB', es: 'es', fr: 'fr', de: 'de' };

const formattingLocales = new Map<string, string>();
/**
 * The locale dates are formatted in: the customer's own (so 'es-MX' keeps Mexican conventions) when
 * it is valid and of the template's language; else the language's default. A French text never
 * carries a Portuguese date.
 */
export function formattingLocale(customerLocale: string | null | undefined, language: string): string {
  return remember(formattingLocales, `${customerLocale ?? ''}|${language}`, () => {
    const raw = (customerLocale ?? '').trim().replace(/_/g, '-');
    if (raw) {
      try {
        const [canonical] = Intl.getCanonicalLocales(raw);
        if (canonical && canonical.split('-')[0]?.toLowerCase() === language) return canonical;
      } catch {
        // Not a valid BCP 47 tag: keep the language default.
      }
    }
    return FORMAT_LOCALE_FOR[language] ?? language;
  });
}

const knownZones = new Map<string, boolean>();
/** An IANA zone the runtime knows, else 'UTC' (a bad zone in one record must not stop a notice). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  const known = remember(knownZones, timeZone, () => {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      return true;
    } catch {
      return false;
    }
  });
  return known ? timeZone : 'UTC';
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(kind: 'date' | 'dateTime', locale: string, timeZone: string): Intl.DateTimeFormat {
  return remember(dateFormats, `${kind}|${locale}|${timeZone}`, () =>
    kind === 'date'
      ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone })
      : new Intl.DateTimeFormat(locale, {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZoneName: 'short',
          timeZone,
        }),
  );
}

/** "5 March 2026, 14:30 CET" style (exact punctuation per locale): date, time and zone. */
export function formatDateTime(date: Date, locale: string, timeZone: string): string {
  return dateFormat('dateTime', locale, safeTimeZone(timeZone)).format(date);
}

/** "5 March 2026": the calendar day in the reader's own time zone. */
export function formatDate(date: Date, locale: string, timeZone: string): string {
  return dateFormat('date', locale, safeTimeZone(timeZone)).format(date);
}

/** True when two instants fall on the same calendar day in the given zone. */
export function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const f = dateFormat('date', 'en-GB', safeTimeZone(timeZone));
  return f.format(a) === f.format(b);
}

const listFormats = new Map<string, Intl.ListFormat>();
/** "4242 and 1111" / "4242 y 1111" / "4242 et 1111" / "4242 und 1111". */
export function formatList(items: readonly string[], language: string): string {
  return remember(
    listFormats,
    language,
    () => new Intl.ListFormat(language, { type: 'conjunction', style: 'long' }),
  ).format(items);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** "1,253" in en-GB: counts in letters to authorities. */
export function formatNumber(value: number, locale: string): string {
  return remember(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(value);
}
