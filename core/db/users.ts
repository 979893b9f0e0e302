import { createHash } from 'node:crypto';
import type { Role } from '../domain/model';
import type { Queryable } from './pool';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const COLUMNS = `id, email, display_name AS "displayName", role`;

/** Creates the user, or updates their name, role and token when the email already exists. */
export async function upsertWithToken(
  db: Queryable,
  user: Omit<User, 'id'>,
  token: string,
): Promise<User> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (email, display_name, role, token_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
       token_hash = EXCLUDED.token_hash, active = true
     RETURNING ${COLUMNS}`,
    [user.email, user.displayName, user.role, hashToken(token)],
  );
  return rows[0]!;
}

export async function findByToken(db: Queryable, token: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE token_hash = $1 AND active`, [
    hashToken(token),
  ]);
  return rows[0] ?? null;
}

export async function findById(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listByRole(db: Queryable, role: Role): Promise<User[]> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE role = $1 AND active ORDER BY email`, [
    role,
  ]);
  return rows;
}

export async function list(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<User>(`SELECT ${COLUMNS} FROM users ORDER BY role, email`);
  return rows;
}

/** Deactivates a user: their token stops working at once. */
export async function deactivate(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE users SET active = false WHERE id = $1 AND active`, [id]);
  return (rowCount ?? 0) > 0;
}

export async function listWithStatus(db: Queryable): Promise<(User & { active: boolean; createdAt: Date })[]> {
  const { rows } = await db.query<User & { active: boolean; createdAt: Date }>(
    `SELECT ${COLUMNS}, active, created_at AS "createdAt" FROM users ORDER BY active DESC, role, email`,
  );
  return rows;
}
