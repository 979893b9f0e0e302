import type { Queryable } from './pool';
import type { User } from './users';

/**
 * Staff sessions, OIDC sign-ins under way and failed sign-ins (migration 010). Session ids arrive
 * here already hashed (core/hash.ts `sha256Hex`): the cookie's value is never stored.
 */

export async function create(
  db: Queryable,
  session: { idHash: string; userId: string; expiresAt: Date; source: string },
): Promise<void> {
  await db.query(
    `INSERT INTO staff_sessions (id_hash, user_id, expires_at, source) VALUES ($1, $2, $3, $4)`,
    [session.idHash, session.userId, session.expiresAt, session.source],
  );
}

/**
 * The user of a live session, marking it seen: an active user, before the absolute expiry and
 * within the idle timeout since it was last used. Null for an ended, expired or unknown session.
 */
export async function use(db: Queryable, idHash: string, idleMs: number): Promise<User | null> {
  const { rows } = await db.query<User>(
    `UPDATE staff_sessions s SET last_seen_at = now()
     FROM users u
     WHERE s.id_hash = $1 AND u.id = s.user_id AND u.active
       AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2::double precision / 1000)
     RETURNING u.id, u.email, u.display_name AS "displayName", u.role, u.kind`,
    [idHash, idleMs],
  );
  return rows[0] ?? null;
}

export async function end(db: Queryable, idHash: string): Promise<void> {
  await db.query(`DELETE FROM staff_sessions WHERE id_hash = $1`, [idHash]);
}

/** Ends every session of a user (an admin's "sign out everywhere", deactivation). Returns how many. */
export async function endAllOf(db: Queryable, userId: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM staff_sessions WHERE user_id = $1`, [userId]);
  return rowCount ?? 0;
}

// --- OIDC sign-ins under way -----------------------------------------------------------------------

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export async function savePendingSignIn(
  db: Queryable,
  idHash: string,
  pending: PendingSignIn,
  expiresAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO oidc_sign_ins (id_hash, state, nonce, code_verifier, return_to, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [idHash, pending.state, pending.nonce, pending.codeVerifier, pending.returnTo, expiresAt],
  );
  // Abandoned sign-ins do not pile up.
  await db.query(`DELETE FROM oidc_sign_ins WHERE expires_at < now() - interval '1 hour'`);
}

/** Takes a pending sign-in (once: a replayed callback finds nothing). Null when unknown or expired. */
export async function takePendingSignIn(db: Queryable, idHash: string): Promise<PendingSignIn | null> {
  const { rows } = await db.query<PendingSignIn & { expired: boolean }>(
    `DELETE FROM oidc_sign_ins WHERE id_hash = $1
     RETURNING state, nonce, code_verifier AS "codeVerifier", return_to AS "returnTo", expires_at <= now() AS expired`,
    [idHash],
  );
  const row = rows[0];
  if (!row || row.expired) return null;
  const { expired: _expired, ...pending } = row;
  return pending;
}

// --- Failed sign-ins -------------------------------------------------------------------------------

/** Counts a failure from a source; returns that source's failures within the window, this one included. */
export async function recordFailure(db: Queryable, source: string, windowMs: number): Promise<number> {
  await db.query(`INSERT INTO sign_in_failures (source) VALUES ($1)`, [source]);
  await db.query(`DELETE FROM sign_in_failures WHERE at < now() - interval '1 day'`);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sign_in_failures
     WHERE source = $1 AND at > now() - make_interval(secs => $2::double precision / 1000)`,
    [source, windowMs],
  );
  return rows[0]!.n;
}
