import type { Role, UserKind } from '../domain/model';
import { ConflictError } from '../errors';
import { sha256Hex } from '../hash';
import type { Queryable } from './pool';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** A person signs in through OIDC; a service account holds an API token (migration 010). */
  kind: UserKind;
}

const COLUMNS = `id, email, display_name AS "displayName", role, kind`;

/** 90 days: the default life of a service token (SERVICE_TOKEN_DAYS' default; core/use-cases/users.ts too). */
export const DEFAULT_TOKEN_MS = 90 * 86_400_000;

/**
 * Creates a service account, or gives an existing one a new name, role and token (how a service's
 * token is rotated). The email of a person is refused with ConflictError: nobody may obtain a
 * credential that acts as a person.
 */
export async function upsertWithToken(
  db: Queryable,
  user: Omit<User, 'id' | 'kind'>,
  token: string,
  expiresAt: Date = new Date(Date.now() + DEFAULT_TOKEN_MS),
): Promise<User> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (email, display_name, role, kind, token_hash, token_expires_at)
     VALUES ($1, $2, $3, 'service', $4, $5)
     ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
       token_hash = EXCLUDED.token_hash, token_expires_at = EXCLUDED.token_expires_at, active = true
     WHERE users.kind = 'service'
     RETURNING ${COLUMNS}`,
    [user.email, user.displayName, user.role, sha256Hex(token), expiresAt],
  );
  if (!rows[0]) throw new ConflictError(`${user.email} is a person, who signs in and holds no token`);
  return rows[0];
}

/** What a presented token is: valid, expired, or its user deactivated (null: nobody holds it). */
export async function lookUpToken(
  db: Queryable,
  token: string,
): Promise<{ user: User; state: 'valid' | 'expired' | 'deactivated' } | null> {
  const { rows } = await db.query<User & { active: boolean; expired: boolean }>(
    `SELECT ${COLUMNS}, active, token_expires_at <= now() AS expired FROM users WHERE token_hash = $1`,
    [sha256Hex(token)],
  );
  const row = rows[0];
  if (!row) return null;
  const { active, expired, ...user } = row;
  return { user, state: !active ? 'deactivated' : expired ? 'expired' : 'valid' };
}

export async function findById(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listByRole(db: Queryable, role: Role): Promise<User[]> {
  const { rows } = await db.query<User>(
    `SELECT ${COLUMNS} FROM users WHERE role = $1 AND active ORDER BY email`,
    [role],
  );
  return rows;
}

/** Deactivates a user: their token stops working at once (their sessions: core/db/sessions.ts). */
export async function deactivate(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE users SET active = false WHERE id = $1 AND active`, [id]);
  return (rowCount ?? 0) > 0;
}

/** Revokes a service account's token (the account stays; a new token is issued through upsertWithToken). */
export async function revokeToken(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE users SET token_hash = NULL WHERE id = $1 AND kind = 'service' AND token_hash IS NOT NULL`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

export async function listWithStatus(
  db: Queryable,
): Promise<(User & { active: boolean; createdAt: Date })[]> {
  const { rows } = await db.query<User & { active: boolean; createdAt: Date }>(
    `SELECT ${COLUMNS}, active, created_at AS "createdAt" FROM users ORDER BY active DESC, role, email`,
  );
  return rows;
}

// --- People (OIDC) ---------------------------------------------------------------------------------

/** Records an invitation: a person who may sign in; the provider's groups decide their role then. */
export async function insertInvited(
  db: Queryable,
  person: { email: string; displayName: string; role: Role },
): Promise<User | null> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (email, display_name, role, kind, token_expires_at, invited_at)
     VALUES ($1, $2, $3, 'person', NULL, now())
     ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
    [person.email, person.displayName, person.role],
  );
  return rows[0] ?? null;
}

export interface Identity {
  issuer: string;
  subject: string;
}

/** The account an identity signed in to before, with whether it is active. */
export async function findByIdentity(
  db: Queryable,
  identity: Identity,
): Promise<(User & { active: boolean }) | null> {
  const { rows } = await db.query<User & { active: boolean }>(
    `SELECT ${COLUMNS}, active FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`,
    [identity.issuer, identity.subject],
  );
  return rows[0] ?? null;
}

/** The account holding an email, with its identity, if any. */
export async function findByEmail(
  db: Queryable,
  email: string,
): Promise<(User & { active: boolean; oidcSubject: string | null }) | null> {
  const { rows } = await db.query<User & { active: boolean; oidcSubject: string | null }>(
    `SELECT ${COLUMNS}, active, oidc_subject AS "oidcSubject" FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  return rows[0] ?? null;
}

/**
 * Records a person's sign-in: creates their account, or links it to the identity (an invitation,
 * or an account that signed in with a token before: its token is dropped) and refreshes name,
 * email and role from the provider's claims.
 */
export async function upsertPerson(
  db: Queryable,
  input: Identity & { id: string | null; email: string; displayName: string; role: Role },
): Promise<User> {
  const values = [input.email, input.displayName, input.role, input.issuer, input.subject];
  const { rows } =
    input.id === null
      ? await db.query<User>(
          `INSERT INTO users (email, display_name, role, kind, token_expires_at, oidc_issuer, oidc_subject,
             last_sign_in_at)
           VALUES ($1, $2, $3, 'person', NULL, $4, $5, now()) RETURNING ${COLUMNS}`,
          values,
        )
      : await db.query<User>(
          `UPDATE users SET email = $1, display_name = $2, role = $3, kind = 'person', token_hash = NULL,
             token_expires_at = NULL, oidc_issuer = $4, oidc_subject = $5, last_sign_in_at = now()
           WHERE id = $6 AND active RETURNING ${COLUMNS}`,
          [...values, input.id],
        );
  if (!rows[0]) throw new ConflictError('the account was deactivated during sign-in');
  return rows[0];
}
