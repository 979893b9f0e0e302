import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Personal values in an append-only trail (migration 027): an audit entry that must quote a person
 * (a corrected recipient's before and after, an inventory change, a bounce's diagnostic) carries
 * them sealed with its incident's key, AES-256-GCM with the incident id as associated data (a
 * sealed value copied into another incident's entry does not open). The hash chain covers the
 * sealed text; destroying the key when the incident's retention ends (core/use-cases/retention.ts)
 * leaves the entry, its hash and its links intact and the values unreadable: crypto-shredding.
 */

/** The field of an entry's detail that holds its sealed values. */
export const SEALED_FIELD = 'sealed';
/** What a detail reads once its key is destroyed: the field names stay, the values are gone. */
export const ERASED_FIELD = 'personalDataErased';

const PREFIX = 'aes256gcm:v1:';

/** Seals `values` (JSON) under `key` for `incidentId`: `aes256gcm:v1:<iv>.<tag>.<ciphertext>`, base64. */
export function seal(key: Buffer, incidentId: string, values: Record<string, unknown>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(incidentId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return `${PREFIX}${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.')}`;
}

/** Opens a sealed text; throws when it was not sealed under `key` for `incidentId`. */
export function open(key: Buffer, incidentId: string, sealed: string): Record<string, unknown> {
  if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
  const [iv, tag, body] = sealed
    .slice(PREFIX.length)
    .split('.')
    .map((p) => Buffer.from(p, 'base64'));
  if (!iv || !tag || !body) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(incidentId, 'utf8'));
  decipher.setAuthTag(tag);
  const text = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * An entry's detail as a reader sees it: the sealed values opened and merged in, or, once the key
 * is destroyed, `personalDataErased: true` in their place. A detail without sealed values is
 * returned as it is. The merge goes into objects (sealed `{ before: { email } }` joins an unsealed
 * `{ before: { systems } }`); anything else sealed (a list, a string) replaces the unsealed value of
 * that name, so a placeholder (a list of the fields that changed) gives way to the full values.
 */
export function reveal(
  detail: Record<string, unknown>,
  incidentId: string | null,
  key: Buffer | null,
): Record<string, unknown> {
  const sealed = detail[SEALED_FIELD];
  if (typeof sealed !== 'string' || incidentId === null) return detail;
  const { [SEALED_FIELD]: _, ...rest } = detail;
  if (key === null) return { ...rest, [ERASED_FIELD]: true };
  return merge(rest, open(key, incidentId, sealed));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [k, v] of Object.entries(from)) {
    const current = out[k];
    out[k] = isObject(current) && isObject(v) ? merge(current, v) : v;
  }
  return out;
}
