// Applies pending migrations to DATABASE_URL (or the embedded default).
import { loadConfig } from '../core/config';
import { migrate } from '../core/db/migrate';

const config = loadConfig();
try {
  await migrate(config.database.url, (msg) => console.log(msg));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
