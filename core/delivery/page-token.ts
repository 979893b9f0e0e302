import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { sha256Hex } from '../hash';

/*
 * Customer page tokens, /n/<token>. The token in a person's email is computed when it is needed
 * (sending, rendering a sent copy again) as HMAC-SHA256 of a random value drawn for their record at
 * identification, under the server secret PAGE_TOKEN_KEY. The database holds the random value and
 * the SHA-256 of the token (what a request is looked up by), never a token that works: a copy of
 * the database, a backup or a read-only SQL account cannot open anyone's page without the key.
 *
 * Records from before migration 013 have no random value: their raw token was hashed in place, so
 * the links already sent keep working through the same lookup by hash, but their token cannot be
 * computed again (only the person who holds the link has it).
 */

/** The token for a record's random value: 64 hex characters, as the raw tokens had. */
export function pageToken(key: Buffer, seed: string): string {
  return createHmac('sha256', key).update(seed).digest('hex');
}

/** What a token is stored and looked up as: the same hash as every other stored token. */
export const pageTokenHash = (token: string): string => sha256Hex(token);

/** A record's token, or null for a record from before migration 013 (see above). */
export function recipientPageToken(
  config: Pick<Readonly<Config>, 'pageTokens'>,
  r: { pageSeed: string | null },
): string | null {
  return r.pageSeed === null ? null : pageToken(config.pageTokens.key, r.pageSeed);
}
