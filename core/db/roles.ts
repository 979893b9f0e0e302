import pg from 'pg';

/**
 * The database roles Forthright runs under. Migrations run as the owner of the tables
 * (MIGRATION_DATABASE_URL); the API and the worker run as DATABASE_URL's user, a member of
 * `forthright_app`, which migration 007 creates and grants: read and write on the working tables,
 * SELECT and INSERT only on the audit trail, never the owner — so the application can neither alter
 * the trail nor switch off the triggers that chain and guard it.
 */
export const APP_ROLE = 'forthright_app';

/**
 * Run by the migration step, after the migrations: makes DATABASE_URL's user a member of
 * `forthright_app`, creating it (LOGIN, with the URL's password) when it does not exist — what the
 * embedded default and docker compose need. An operator's existing role is only granted the
 * membership. Returns warnings (to print) for what leaves the trail unprotected: the application
 * using the owner's role, a superuser, or a role that owns tables.
 */
export async function provisionAppLogin(ownerUrl: string, appUrl: string): Promise<string[]> {
  const owner = new URL(ownerUrl);
  const app = new URL(appUrl);
  const appUser = decodeURIComponent(app.username);
  const sameRole = decodeURIComponent(owner.username) === appUser && owner.host === app.host;
  if (sameRole) {
    return [
      `DATABASE_URL and MIGRATION_DATABASE_URL use the same role (${appUser}): the application owns the ` +
        `tables and could alter the audit trail or disable its triggers. Give the application a role of its ` +
        `own (README, "Database roles").`,
    ];
  }
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const warnings: string[] = [];
  try {
    const role = client.escapeIdentifier(appUser);
    const found = await client.query<{ rolsuper: boolean }>(
      `SELECT rolsuper FROM pg_roles WHERE rolname = $1`,
      [appUser],
    );
    if (found.rows.length === 0) {
      const password = app.password
        ? ` PASSWORD ${client.escapeLiteral(decodeURIComponent(app.password))}`
        : '';
      await client.query(`CREATE ROLE ${role} LOGIN${password} IN ROLE ${APP_ROLE}`);
    } else {
      try {
        await client.query(`GRANT ${APP_ROLE} TO ${role}`);
      } catch (err) {
        warnings.push(
          `could not grant ${APP_ROLE} to ${appUser} (${err instanceof Error ? err.message : String(err)}); ` +
            `run "GRANT ${APP_ROLE} TO ${appUser}" as an administrator.`,
        );
      }
      if (found.rows[0]!.rolsuper)
        warnings.push(`${appUser} (DATABASE_URL) is a superuser: it could alter the audit trail.`);
    }
    const owned = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1`,
      [appUser],
    );
    if ((owned.rows[0]?.n ?? 0) > 0)
      warnings.push(
        `${appUser} (DATABASE_URL) owns tables: it could alter the audit trail or disable its triggers.`,
      );
  } finally {
    await client.end();
  }
  return warnings;
}
