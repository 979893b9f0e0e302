// The migration step: applies pending migrations to the database as its owner
// (MIGRATION_DATABASE_URL, default DATABASE_URL or the embedded superuser), then gives DATABASE_URL's
// user the application's role (scripts/lib/database.ts migrateDatabase).
import { loadConfig } from '../core/config';
import { migrateDatabase } from './lib/database';

const config = loadConfig();
try {
  await migrateDatabase(config, (msg) => console.log(msg));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
