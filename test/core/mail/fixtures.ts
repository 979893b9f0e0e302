import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataCategory } from '../../../core/domain/categories';
import { CONTENT_PARTS } from '../../../core/domain/content-parts';
import type { ContentPart } from '../../../core/domain/content-parts';
import type { IndividualNoticeInput } from '../../../core/mail/render';
import { LANGUAGES, LanguageCatalogSchema } from '../../../core/mail/i18n';
import type { Language, LanguageCatalog } from '../../../core/mail/i18n';
import { compileTemplates, defaultTemplatesDir, loadTemplateSources } from '../../../core/mail/templates';

/** The repository's templates, compiled once per test file. */
export const sources = loadTemplateSources();
export const set = compileTemplates(sources);

export const company = {
  name: 'Example Corp',
  postalAddress: '1 Example Street, Springfield, USA',
  supportEmail: 'privacy@example.com',
  supportPhone: '+1 800 555 0100',
  dpoContact: 'Data Protection Officer, dpo@example.com',
};

export const CA_AG = {
  name: 'California Attorney General',
  website: 'https://oag.ca.gov/privacy',
  phone: '1-800-952-5225',
  postalAddress: 'P.O. Box 944255, Sacramento, CA 94244-2550',
};

export const CNIL = {
  name: 'Commission nationale de l’informatique et des libertés (CNIL)',
  website: 'www.cnil.fr',
};

/** The ordinary recipient: an affected person who receives her own mail. */
export const ana = {
  name: 'Ana García',
  email: 'ana@example.net',
  isRepresentative: false,
  subjectName: 'Ana García',
};

/** The five headings California Civ. Code 1798.82(d) requires, in their order. */
export const CA_HEADINGS = [
  'What Happened?',
  'What Information Was Involved?',
  'What We Are Doing.',
  'What You Can Do.',
  'For More Information.',
];

/** A complete, ordinary notice input; override what a test is about. */
export function noticeInput(overrides: Partial<IndividualNoticeInput> = {}): IndividualNoticeInput {
  return {
    locale: 'en-US',
    timeZone: 'America/Los_Angeles',
    recipient: ana,
    company,
    incident: {
      title: 'Unauthorised access to the billing system',
      whatHappened:
        'On 2 March someone used a stolen employee password to sign in to our billing system.\n\nThey could read customer records for about six hours before we blocked them.',
      whatWeAreDoing:
        'We blocked the access and reset every staff password.\nWe now require two-step sign-in for all staff.',
      discoveredAt: new Date('2026-03-05T13:30:00Z'),
      occurredFrom: new Date('2026-03-02T10:00:00Z'),
      occurredTo: new Date('2026-03-02T16:00:00Z'),
    },
    exposed: [{ category: 'email' }, { category: 'payment_card', masked: '4242' }],
    referenceCode: 'FR-7KQ2-M9XD',
    pageUrl: 'https://notice.example.com/n/3q2X9vJ0kP7mZt1aB4cD5eF6gH',
    contentParts: [],
    authorities: [],
    ...overrides,
  };
}

// Every part the law can require, from the one vocabulary, so a part added there is rendered here too.
export const ALL_INDIVIDUAL_PARTS: ContentPart[] = [...CONTENT_PARTS];

/** Typical combinations the law engine produces. */
export const PART_SETS: Record<string, ContentPart[]> = {
  none: [],
  california: ['us_ca_format', 'credit_bureaus', 'identity_theft_protection', 'state_regulator_contact'],
  massachusetts: ['police_report', 'credit_freeze', 'identity_theft_protection'],
  us_federal: ['credit_bureaus', 'ftc_contact', 'fraud_alert', 'credit_freeze'],
  gdpr: ['gdpr_art34', 'dpo_contact', 'supervisory_authority_contact'],
  hipaa: ['hipaa_contact'],
  everything: ALL_INDIVIDUAL_PARTS,
};

export const SOME_CATEGORY_SETS: DataCategory[][] = [
  ['email'],
  ['ssn', 'name', 'date_of_birth'],
  ['payment_card', 'account_credentials', 'email'],
  ['medical', 'health_insurance', 'postal_address'],
  ['passport', 'drivers_license', 'tax_id', 'financial_account'],
  ['biometric', 'genetic', 'precise_geolocation', 'ip_address', 'phone'],
];

/** Lists the text of each <li> inside <ul class="exposed">. */
export function exposedItems(html: string): string[] {
  const list = /<ul class="exposed">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => (m[1] ?? '').trim());
}

/** Undoes Handlebars' HTML escaping, for comparing escaped HTML with plain strings. */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

/** Words and phrases that have no place in a breach notice, in the four languages. */
export const MARKETING_BLOCKLIST = [
  'discount',
  'offer code',
  'special offer',
  'upgrade',
  'promo',
  'promotion',
  'subscribe',
  'unsubscribe',
  'limited time',
  'deal',
  'deals',
  'sale',
  'sales',
  'buy',
  'purchase',
  'newsletter',
  'coupon',
  'free trial',
  'premium',
  'exclusive',
  'act now',
  'bonus',
  'save',
  'reward',
  'descuento',
  'oferta',
  'promoción',
  'suscríbase',
  'compre',
  'por tiempo limitado',
  'réduction',
  'offre',
  'abonnez',
  'achetez',
  'soldes',
  'rabatt',
  'angebot',
  'aktion',
  'abonnieren',
  'kaufen',
  'gutschein',
];
/** Matches any blocklisted word as a whole word, in any case. */
export const MARKETING = new RegExp(
  `(?<![\\p{L}])(${MARKETING_BLOCKLIST.map((w) => w.replace(/ /g, '\\s+')).join('|')})(?![\\p{L}])`,
  'iu',
);

/**
 * The wording catalog as written in templates/i18n/<language>.json, read straight from the files
 * (not through the template loader under test), for tests that look for its words in a notice.
 */
export const CATALOG = Object.fromEntries(
  LANGUAGES.map((language) => [
    language,
    LanguageCatalogSchema.parse(
      JSON.parse(readFileSync(join(defaultTemplatesDir(), 'i18n', `${language}.json`), 'utf8')),
    ),
  ]),
) as Readonly<Record<Language, LanguageCatalog>>;
