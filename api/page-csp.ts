import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of the public HTML pages (the customer page, /n/<token>; the
 * substitute notice's posting, /incident-notice/<id>): nothing but the page's own inline
 * stylesheets, by hash, and — for a page with a form — a form posting back to this origin. No
 * script, no images, no framing, no base URL. Replaces the app-wide CSP helmet sends (api/app.ts).
 */
export function pageContentSecurityPolicy(html: string, forms: 'self' | 'none' = 'none'): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => styleHash(m[1] ?? ''));
  return [
    "default-src 'none'",
    `style-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    `form-action '${forms}'`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A stylesheet's CSP hash; the pages' few stylesheets (one per language and page) are hashed once. */
const styleHashes = new Map<string, string>();
function styleHash(css: string): string {
  let hash = styleHashes.get(css);
  if (hash === undefined) {
    hash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
    if (styleHashes.size < 100) styleHashes.set(css, hash);
  }
  return hash;
}
