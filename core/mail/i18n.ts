import { z } from 'zod';
import { DATA_CATEGORIES, type DataCategory } from '../domain/categories';

/**
 * The rules of the wording catalog: the words notices choose per data category rather than write
 * once in a template (the plain name of each category, the advice for it, what could follow from
 * it), and how a customer's locale picks a language.
 *
 * The words themselves are data, in templates/i18n/<language>.json. They are part of what a
 * compliance officer approves, so they are versioned and snapshotted with the templates: editing
 * one changes the template version and shows up as a template diff, and a notice reads its words
 * from its approved snapshot (`TemplateSet.catalog`), never from disk at send time. This module
 * holds only the schema each file must meet, checked when the files are read and again when a
 * snapshot is compiled (`parseCatalog`).
 *
 * Placeholders: `{company}` (the company's name) and `{name}` (the affected person's name, used in
 * the representative voice) in advice, `{masked}` in `endingIn`. Simple substitution is all the
 * catalog needs (no plural or select forms), so it is not ICU MessageFormat: an apostrophe, as in
 * "Driver's license" or "l'{…}", is just an apostrophe. Everything is plain text; templates escape it.
 */

/** The languages customer-facing templates exist in. The first is the fallback. */
export const LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/**
 * Categories that call for the same advice share a topic, so a person whose name, email and phone
 * were all exposed reads the phishing advice once, not three times.
 */
export const ADVICE_TOPICS = [
  'credentials',
  'ssn',
  'tax_id',
  'payment_card',
  'financial_account',
  'drivers_license',
  'passport',
  'health',
  'biometric',
  'genetic',
  'identity',
  'location',
] as const;
export type AdviceTopic = (typeof ADVICE_TOPICS)[number];

export const ADVICE_TOPIC_FOR: Readonly<Record<DataCategory, AdviceTopic>> = Object.freeze({
  ssn: 'ssn',
  drivers_license: 'drivers_license',
  passport: 'passport',
  tax_id: 'tax_id',
  financial_account: 'financial_account',
  payment_card: 'payment_card',
  account_credentials: 'credentials',
  medical: 'health',
  health_insurance: 'health',
  biometric: 'biometric',
  genetic: 'genetic',
  date_of_birth: 'identity',
  email: 'identity',
  phone: 'identity',
  postal_address: 'identity',
  name: 'identity',
  ip_address: 'identity',
  precise_geolocation: 'location',
});

const nonEmpty = z.string().trim().min(1);

/** Text whose `{placeholders}` are all in `allowed`: a misspelt one fails at load, not in a sent notice. */
const textWith = (...allowed: string[]) =>
  nonEmpty.refine((text) => [...text.matchAll(/\{(\w*)\}/g)].every((m) => allowed.includes(m[1] ?? '')), {
    message:
      allowed.length === 0
        ? 'must not contain {placeholders}'
        : `placeholders must be among ${allowed.map((a) => `{${a}}`).join(', ')}`,
  });

/** The shape of one language's catalog; also validates a catalog read back from a snapshot. */
export const LanguageCatalogSchema = z
  .object({
    /** Plain words for each category, written to stand alone as a list item. */
    categories: z.record(z.enum(DATA_CATEGORIES), textWith()),
    /** How a masked identifier is shown after the category, e.g. "ending in {masked}". */
    endingIn: textWith('masked').refine((text) => text.includes('{masked}'), 'must contain {masked}'),
    /** What the reader can do, per topic: to the person themself, and to a representative. */
    advice: z.record(
      z.enum(ADVICE_TOPICS),
      z.object({ self: textWith('company', 'name'), representative: textWith('company', 'name') }).strict(),
    ),
    /** Likely consequences per topic, in a neutral voice (GDPR Art. 34 asks for them). */
    risks: z.record(z.enum(ADVICE_TOPICS), textWith('company', 'name')),
  })
  .strict();
export type LanguageCatalog = z.infer<typeof LanguageCatalogSchema>;

/**
 * Reads one language's catalog from its JSON text. Returns the catalog, or the problems found, each
 * naming the key path, e.g. `categories.ssn: Too small: expected string to have >=1 characters`,
 * so whoever edited the file sees what to fix; the caller prefixes the file's name.
 */
export function parseCatalog(
  text: string,
): { ok: true; catalog: LanguageCatalog } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON (${(err as Error).message})`] };
  }
  const parsed = LanguageCatalogSchema.safeParse(json);
  if (parsed.success) return { ok: true, catalog: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
  };
}

/**
 * The template language for a customer locale: its primary subtag if templates exist for it,
 * otherwise the fallback. Accepts BCP 47 tags in any case and POSIX spellings ('es-MX', 'ES_mx',
 * 'fr', 'de-AT' → 'es', 'es', 'fr', 'de'; 'pt-BR', '', 'xx' → 'en').
 */
export function resolveLanguage<L extends string = Language>(
  locale: string | null | undefined,
  available: readonly L[] = LANGUAGES as unknown as readonly L[],
  fallback: L = DEFAULT_LANGUAGE as L,
): L {
  const primary = (locale ?? '').trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return (available as readonly string[]).includes(primary) ? (primary as L) : fallback;
}

/** Replaces `{key}` placeholders; unknown placeholders are left visible so a review catches them. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
