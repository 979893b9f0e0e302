import type { ActivityDeps } from '../activities';
import type { Config } from '../core/config';
import { createPool } from '../core/db/pool';
import { RateLimiter } from '../core/delivery';
import { SmtpPool } from '../core/mail/smtp-pool';
import { StaffMailer } from '../core/mail/staff-mailer';
import { TemplateCache } from '../core/mail/template-cache';

/**
 * Builds the long-lived resources activities use; `close` releases them in reverse order.
 * `templatesDir` is where notices are drafted (snapshotted) from, templates/ unless given; tests
 * pass an editable copy.
 */
export function buildActivityDeps(
  config: Readonly<Config>,
  templatesDir?: string,
): ActivityDeps & { close(): Promise<void> } {
  const pool = createPool(config.database.url, config.database.poolSize);
  const templates = new TemplateCache(pool, templatesDir);
  const smtp = new SmtpPool({
    url: config.mail.smtpUrl,
    size: config.mail.poolSize,
    requireTls: config.mail.requireTls,
    dkim: config.mail.dkim,
  });
  const staffMailer = new StaffMailer(pool, templates, config);
  return {
    pool,
    templates,
    smtp,
    staffMailer,
    rateLimiter: new RateLimiter(config.mail.ratePerSecond),
    config,
    async close() {
      staffMailer.close();
      await smtp.close();
      await pool.end();
    },
  };
}
