import { createHash } from 'node:crypto';

/**
 * SHA-256 as lowercase hex. One definition for every stored hash: what tokens, session ids and
 * pending sign-ins are stored and looked up as (a copy of the database opens nothing), and the
 * payload codec's key ids.
 */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
