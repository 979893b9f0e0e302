import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parseCatalog, type LanguageCatalog } from './i18n';
import { TemplateNotFoundError, TemplateSourceError } from '../errors';
// Defined with every other domain error in core/errors.ts; re-exported for this module's callers.

/**
 * The template registry. Templates are handled as *sources* (relative path → text) rather than
 * as files, because the sources approved for an incident are snapshotted in the database and what
 * is sent must be rendered from that snapshot, not from whatever is on disk at send time.
 *
 * Layout of the sources (see core/mail/README.md):
 *   <name>/<language>/<name>.subject.hbs | .html.hbs | .text.hbs   one template per language
 *   partials/<path>.html.hbs | .text.hbs                           partial `<path>` for HTML or text
 *   i18n/<language>.json                                           the wording catalog (schema in i18n.ts)
 *
 * The customer's web page (templates/page/) is compiled here too, by `loadPageTemplates`, with the
 * same strict, escaping Handlebars set-up; it frames an approved notice and is not snapshotted.
 */

export const TEMPLATE_NAMES = [
  'individual-notice',
  'customer-follow-up',
  'regulator-notice',
  'staff-alert',
  // A substitute notice's public website posting and its media notice (core/use-cases/substitute-notice.ts).
  'substitute-website',
  'substitute-media',
  // What is filed with an authority other than the individuals (core/use-cases/packets.ts).
  'filing-packet',
  // Support's answer to a question asked on the customer's page (core/use-cases/questions.ts).
  'support-answer',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Templates read by customers need the catalog of every language they exist in. */
const CATALOG_TEMPLATES: readonly TemplateName[] = ['individual-notice', 'customer-follow-up'];
const FALLBACK_LANGUAGE = 'en';

/** Relative path (forward slashes) → file text. Plain data, so it can be stored and compared. */
export type TemplateSources = Record<string, string>;

export interface RenderedParts {
  subject: string;
  html: string;
  text: string;
}

/** A compiled, immutable set of templates; build it with `compileTemplates`. */
export interface TemplateSet {
  /** `templateVersion(sources)`: what an approval records. */
  readonly version: string;
  /** The exact sources this set was compiled from (frozen copy): what to snapshot. */
  readonly sources: Readonly<TemplateSources>;
  /** Languages `name` exists in, fallback first. */
  languages(name: TemplateName): readonly string[];
  /** The wording catalog for a language, read from the sources. */
  catalog(language: string): LanguageCatalog;
  /** Renders `name` in `language` (which must be one of `languages(name)`). */
  render(name: TemplateName, language: string, view: object): RenderedParts;
}

/** The repository's `templates/` folder, independent of the working directory. */
export function defaultTemplatesDir(): string {
  return fileURLToPath(new URL('../../templates/', import.meta.url));
}

/**
 * Folders under templates/ that hold no mail and are never snapshotted: `page/` is the customer's
 * web page at /n/<token> (`loadPageTemplates`), which frames the approved notice.
 */
const NOT_MAIL_FOLDERS: readonly string[] = ['page'];

/**
 * Reads every `.hbs` and `.json` file under `dir` (except NOT_MAIL_FOLDERS) as sources, so the
 * wording catalog (templates/i18n/<language>.json) is versioned and snapshotted with the templates
 * it belongs to. Each catalog is checked against its schema here, so a bad edit stops the worker
 * at start, naming the file and the key, rather than when compliance drafts a notice.
 */
export function loadTemplateSources(dir: string = defaultTemplatesDir()): TemplateSources {
  const sources: TemplateSources = {};
  const problems: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!(folder === dir && NOT_MAIL_FOLDERS.includes(entry.name))) walk(full);
      } else if (entry.isFile() && (entry.name.endsWith('.hbs') || entry.name.endsWith('.json'))) {
        const path = relative(dir, full).split(sep).join('/');
        const text = readFileSync(full, 'utf8');
        if (CATALOG_PATH.test(path)) {
          const parsed = parseCatalog(text);
          if (!parsed.ok) problems.push(...parsed.problems.map((p) => `${full}: ${p}`));
        }
        sources[path] = text;
      }
    }
  };
  walk(dir);
  if (problems.length > 0) {
    throw new TemplateSourceError(`Invalid wording catalog:\n  ${problems.join('\n  ')}`);
  }
  return sortedCopy(sources);
}

/** sha256 over the sorted paths and contents, hex, first 16 characters. */
export function templateVersion(sources: Readonly<TemplateSources>): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(sources).sort()) {
    const content = sources[path] ?? '';
    // Length-prefixed, so moving text between a path and its content cannot collide.
    hash.update(`${path.length}:${path}\n${Buffer.byteLength(content)}:`);
    hash.update(content);
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

const cache = new Map<string, TemplateSet>();
const MAX_CACHED_SETS = 16;

/**
 * Compiles sources into a `TemplateSet`, using isolated Handlebars instances (one escaping for
 * HTML, one not escaping for subject and text) so nothing leaks between sets or into the global
 * Handlebars. Sets are cached by version: compiling the same snapshot twice is free.
 */
export function compileTemplates(sources: Readonly<TemplateSources>): TemplateSet {
  const version = templateVersion(sources);
  const cached = cache.get(version);
  if (cached) {
    cache.delete(version);
    cache.set(version, cached);
    return cached;
  }
  const set = buildSet(sortedCopy(sources), version);
  if (cache.size >= MAX_CACHED_SETS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(version, set);
  return set;
}

type Format = 'subject' | 'html' | 'text';
type Compiled = (view: object) => string;

const TEMPLATE_PATH = /^([a-z0-9-]+)\/([a-z]{2,3})\/([a-z0-9-]+)\.(subject|html|text)\.hbs$/;
const PARTIAL_PATH = /^partials\/([A-Za-z0-9_/-]+)\.(html|text)\.hbs$/;
const CATALOG_PATH = /^i18n\/([a-z]{2,3})\.json$/;

function buildSet(sources: TemplateSources, version: string): TemplateSet {
  const problems: string[] = [];
  const html = handlebarsFor('html');
  const plain = handlebarsFor('text');

  const templates = new Map<string, Record<Format, Compiled | undefined>>(); // key: name/lang
  const catalogs = new Map<string, LanguageCatalog>();

  for (const [path, source] of Object.entries(sources)) {
    const t = TEMPLATE_PATH.exec(path);
    const p = PARTIAL_PATH.exec(path);
    const c = CATALOG_PATH.exec(path);
    try {
      if (t) {
        const [, name, language, fileName, format] = t as unknown as [string, string, string, string, Format];
        if (name !== fileName) throw new Error(`file name must be ${name}.${format}.hbs`);
        if (!(TEMPLATE_NAMES as readonly string[]).includes(name))
          throw new Error(`unknown template "${name}"`);
        html.parse(source); // syntax errors now, not at the first send
        const hb = format === 'html' ? html : plain;
        const key = `${name}/${language}`;
        const entry = templates.get(key) ?? { subject: undefined, html: undefined, text: undefined };
        entry[format] = hb.compile(source, format === 'html' ? htmlOptions : plainOptions);
        templates.set(key, entry);
      } else if (p) {
        const [, name, format] = p as unknown as [string, string, 'html' | 'text'];
        html.parse(source);
        if (format === 'html') html.registerPartial(name, html.compile(source, htmlOptions));
        else plain.registerPartial(name, plain.compile(source, plainOptions));
      } else if (c) {
        const parsed = parseCatalog(source);
        if (!parsed.ok) throw new Error(parsed.problems.join('; '));
        catalogs.set(c[1] as string, parsed.catalog);
      } else {
        throw new Error('not a recognised template, partial or catalog path');
      }
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }

  const languages = new Map<TemplateName, string[]>();
  for (const name of TEMPLATE_NAMES) {
    const langs = [...templates.keys()]
      .filter((k) => k.startsWith(`${name}/`))
      .map((k) => k.slice(name.length + 1))
      .sort((a, b) => (a === FALLBACK_LANGUAGE ? -1 : b === FALLBACK_LANGUAGE ? 1 : a.localeCompare(b)));
    if (!langs.includes(FALLBACK_LANGUAGE)) problems.push(`${name}: no "${FALLBACK_LANGUAGE}" version`);
    for (const lang of langs) {
      const entry = templates.get(`${name}/${lang}`);
      for (const format of ['subject', 'html', 'text'] as const) {
        if (!entry?.[format]) problems.push(`${name}/${lang}: missing ${name}.${format}.hbs`);
      }
      if (CATALOG_TEMPLATES.includes(name) && !catalogs.has(lang)) {
        problems.push(`${name}/${lang}: missing i18n/${lang}.json`);
      }
    }
    languages.set(name, langs);
  }
  if (problems.length > 0) {
    throw new TemplateSourceError(`Invalid template sources:\n  ${problems.join('\n  ')}`);
  }

  const frozenSources = Object.freeze({ ...sources });
  return Object.freeze({
    version,
    sources: frozenSources,
    languages: (name: TemplateName) => languages.get(name) ?? [],
    catalog(language: string): LanguageCatalog {
      const found = catalogs.get(language);
      if (!found) throw new TemplateNotFoundError(`no catalog for language "${language}"`);
      return found;
    },
    render(name: TemplateName, language: string, view: object): RenderedParts {
      const entry = templates.get(`${name}/${language}`);
      if (!entry?.subject || !entry.html || !entry.text) {
        throw new TemplateNotFoundError(`no template "${name}" in "${language}"`);
      }
      return {
        subject: oneLine(entry.subject(view)),
        html: tidyHtml(entry.html(view)),
        text: tidyText(entry.text(view)),
      };
    },
  });
}

/** The customer's page: compiled once, at start-up, from templates/page/ on disk. */
export interface PageTemplateSet {
  /** Languages the page exists in. */
  readonly languages: readonly string[];
  /** `<language>/page.html.hbs`; English for a language the page does not exist in. */
  page(language: string, view: object): string;
  /** `status.html.hbs`: what a wrong link, too many tries or a fault shows, in every language at once. */
  status(view: object): string;
}

/**
 * Compiles templates/page/: `layout.html.hbs` (partial `layout`), `status.html.hbs` and
 * `<lang>/page.html.hbs`, HTML-escaped and strict like the notices, in an isolated instance with the
 * notices' helpers and two of its own. The page's wording frames the approved notice and is not part
 * of an approval, so it is read from disk rather than from a snapshot.
 */
export function loadPageTemplates(dir: string = join(defaultTemplatesDir(), 'page')): PageTemplateSet {
  const hb = handlebarsFor('html');
  /** A mailto link whose subject carries the reference code, e.g. "Reference FR-0000-0001". */
  hb.registerHelper('mailto', (email: unknown, label: unknown, reference: unknown) => {
    return `mailto:${String(email)}?subject=${encodeURIComponent(`${String(label)} ${String(reference)}`)}`;
  });
  hb.registerHelper('tel', (phone: unknown) => `tel:${String(phone).replace(/[^+\d]/g, '')}`);
  const problems: string[] = [];
  const compile = (path: string): Compiled => {
    try {
      const source = readFileSync(join(dir, path), 'utf8');
      hb.parse(source); // syntax errors at start-up, not at a customer's first visit
      return hb.compile(source, htmlOptions);
    } catch (err) {
      problems.push(`${join(dir, path)}: ${(err as Error).message}`);
      return () => '';
    }
  };
  hb.registerPartial('layout', compile('layout.html.hbs'));
  const status = compile('status.html.hbs');
  const byLanguage = new Map<string, Compiled>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, 'page.html.hbs'))) {
      byLanguage.set(entry.name, compile(`${entry.name}/page.html.hbs`));
    }
  }
  const fallback = byLanguage.get(FALLBACK_LANGUAGE);
  if (!fallback) problems.push(`${dir}: no ${FALLBACK_LANGUAGE}/page.html.hbs`);
  if (problems.length > 0 || !fallback) {
    throw new TemplateSourceError(`Invalid page templates:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({
    languages: Object.freeze([...byLanguage.keys()]),
    page: (language: string, view: object) => (byLanguage.get(language) ?? fallback)(view),
    status: (view: object) => status(view),
  });
}

/**
 * Marks HTML escaped where it was made (a rendered notice, whose templates escape everything they
 * print) so that a page template prints it as it is.
 */
export function trustedHtml(html: string): object {
  return new Handlebars.SafeString(html);
}

// strict: a misspelt field throws instead of silently printing nothing in a legal notice.
const htmlOptions: CompileOptions = { strict: true };
const plainOptions: CompileOptions = { strict: true, noEscape: true };

/** An isolated Handlebars instance with the helpers, so nothing leaks between sets or globally. */
function handlebarsFor(mode: 'html' | 'text'): typeof Handlebars {
  const hb = Handlebars.create();
  registerHelpers(hb, mode);
  return hb;
}

function registerHelpers(hb: typeof Handlebars, mode: 'html' | 'text'): void {
  /**
   * Free text written by staff (what happened, what we are doing): blank lines separate
   * paragraphs, single newlines are kept. In HTML every piece is escaped before it is wrapped,
   * which is why this helper, and not `{{{ }}}`, is how multi-line text reaches a notice.
   */
  hb.registerHelper('paragraphs', (value: unknown) => {
    const paras = String(value ?? '')
      .replace(/\r\n?/g, '\n')
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (mode === 'text') return paras.join('\n\n');
    const body = paras
      .map(
        (p) =>
          `<p>${p
            .split('\n')
            .map((l) => hb.escapeExpression(l))
            .join('<br>\n')}</p>`,
      )
      .join('\n');
    return new hb.SafeString(body);
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('choose', (cond: unknown, a: unknown, b: unknown) => (cond ? a : b));
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  /**
   * A heading. Text: the block's content underlined with `=` (or the given character, e.g. "-"
   * for a sub-heading). HTML: the content as is (HTML templates use <h2>/<h3>).
   */
  hb.registerHelper('underline', function (this: unknown, ...args: unknown[]) {
    const options = args[args.length - 1] as Handlebars.HelperOptions;
    const char = typeof args[0] === 'string' && args.length > 1 ? args[0] : '=';
    const content = String(options.fn(this)).trim();
    return mode === 'text' ? `${content}\n${char.repeat([...content].length)}` : content;
  });
}

/** Subjects are one line: no header injection, no stray template whitespace. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// Template whitespace, not content: trailing spaces go and runs of blank lines become one. Written
// with split/trimEnd because a multiline /[ \t]+$/ regex dominated the render profile.
function tidyText(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let blank = 0;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    blank = trimmed === '' ? blank + 1 : 0;
    if (blank < 2) out.push(trimmed);
  }
  return `${out.join('\n').trim()}\n`;
}

function tidyHtml(s: string): string {
  return tidyText(s);
}

function sortedCopy(sources: Readonly<TemplateSources>): TemplateSources {
  const out: TemplateSources = {};
  for (const key of Object.keys(sources).sort()) out[key] = sources[key] as string;
  return out;
}
