import type { ActivityDeps } from '../activities';
import type { Config } from '../core/config';
import { createPool } from '../core/db/pool';
import { RateLimiter } from '../core/delivery';
import { RelaySet } from '../core/mail/relay-set';
import { SmtpPool } from '../core/mail/smtp-pool';
import type { MailSender } from '../core/mail/smtp-pool';
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
  // Several relays (SMTP_RELAYS) share the sending by weight or failover, within their quotas
  // (core/mail/relay-set.ts); without them, SMTP_URL's one relay.
  const shared = { requireTls: config.mail.requireTls, dkim: config.mail.dkim };
  const smtp: MailSender =
    config.mail.relays.length > 0
      ? new RelaySet({ relays: config.mail.relays, pool, cooldownMs: config.mail.relayCooldownMs, shared })
      : new SmtpPool({ ...shared, url: config.mail.smtpUrl, size: config.mail.poolSize });
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
