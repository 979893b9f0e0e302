import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CompanyContact } from './domain/content-parts';
import { ROLES, type Role } from './domain/model';
import { COMPANY_REGIME_TOKENS, companyProfile } from './law/profile';
import type { CompanyRegimes } from './law/types';
import { ConfigError } from './errors';

/**
 * Every setting Forthright reads, validated once at start-up. A bad value stops the process with a
 * message that names each offending variable. `.env.example` documents the same list.
 */

const port = z.coerce.number().int().min(1).max(65_535);
const fraction = z.coerce.number().gt(0).lt(1);
/** A 32-byte key, base64-encoded: PAYLOAD_ENCRYPTION_KEY, PAGE_TOKEN_KEY and each previous payload key. */
const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
/** `a, b,,c` → ['a', 'b', 'c']: the comma-separated lists (keys, regimes, proxies, role=group pairs). */
const commaList = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** One relay of SMTP_RELAYS. */
const RelaySpec = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/i, 'must be 1-40 letters, digits, _ or - (it is a metric label)'),
  url: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
  connections: z.number().int().min(1).max(100).optional(),
  perSecond: z.number().int().min(1).optional(),
  perHour: z.number().int().min(1).optional(),
  perDay: z.number().int().min(1).optional(),
  weight: z.number().positive().default(1),
  priority: z.number().int().min(1).max(9).default(1),
});

const EnvFields = z.object({
  FORTHRIGHT_DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('forthright'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  /** Mutual TLS for a self-hosted cluster: PEM files of the client certificate and key, and the CA. */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** A workflow bundle built beforehand (`npm run build:workflows`); without it the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  PAYLOAD_ENCRYPTION_KEY: base64Key.optional(),
  /**
   * The server secret customer page tokens are computed with (HMAC-SHA256 of each person's random
   * value): the database holds the random value and the token's hash, never a token that works.
   */
  PAGE_TOKEN_KEY: base64Key.optional(),
  /**
   * How long a customer page link works after the notice is sent. 400 days: the notice tells people
   * they can come back to their page, and the questions it answers (a card statement, a credit
   * report, a letter from a regulator) come up over the following year; a bit more than a year
   * covers that, and a link forwarded or left in an old mailbox still stops working.
   */
  PAGE_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /**
   * The customer page's limits (api/miss-throttle.ts): they stop guessing, not people. Misses
   * (unknown, expired, malformed links) per client address and in total per window; a valid link is
   * never refused for its address, only past its own limit (a runaway reload). 30 misses a minute is
   * far more than a person mistyping a link makes; the total bounds a guesser spread over many
   * addresses; 30 views of one page a minute is more than anyone reads.
   */
  PAGE_MISS_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  PAGE_MISS_LIMIT_TOTAL: z.coerce.number().int().min(1).default(1000),
  PAGE_VIEW_LIMIT_PER_LINK: z.coerce.number().int().min(1).default(30),
  PAGE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Keys PAYLOAD_ENCRYPTION_KEY replaced, comma-separated: payloads they encrypted stay readable
   * (histories of running workflows); nothing new is encrypted with them.
   */
  PAYLOAD_PREVIOUS_KEYS: z.string().default('').transform(commaList).pipe(z.array(base64Key)),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** The tables' owner, for the migration step only (default: DATABASE_URL, or the embedded superuser). */
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  EMBEDDED_PG_PORT: port.default(5433),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How long the API and the worker wait at start for the migration step to finish. */
  SCHEMA_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025'),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * Several relays (core/mail/relay-set.ts, README "Several relays"), as a JSON array; unset: the one
   * relay of SMTP_URL. Each: `name` (in metrics and on each delivery), `url` (smtp:// or smtps://,
   * credentials in it), and optionally `connections` (default SMTP_POOL_SIZE), `perSecond`, `perHour`,
   * `perDay` (quotas, counted in PostgreSQL across workers), `weight` (share among relays of one
   * priority, default 1), `priority` (1 first; a higher one is used only when every lower one is out
   * or out of quota, default 1).
   */
  SMTP_RELAYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of relays' });
        return z.NEVER;
      }
    })
    .pipe(z.array(RelaySpec).min(1, 'must name at least one relay').optional()),
  /** How long a relay that refused or vanished stays out before a probe connection may bring it back. */
  SMTP_RELAY_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SEND_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  MAIL_FROM: z.string().min(3).default('Example Corp Privacy Office <privacy@example.com>'),
  MAIL_CATCHER_WEB_URL: z.url().optional(),
  /** Refuse to send unless the relay upgrades the connection with STARTTLS (smtp:// URLs). */
  SMTP_REQUIRE_TLS: bool.default(false),
  /** DKIM signing of every message: all three, or none (the relay may sign instead). */
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_PATH: z.string().min(1).optional(),
  /**
   * Bounces (core/delivery/return-path.ts): with a domain, every notice's envelope sender is a VERP
   * address `bounces+<token>@BOUNCE_DOMAIN` and the API listens for the reports that come back to
   * it on BOUNCE_SMTP_PORT (the domain's MX points there). Unset: MAIL FROM is MAIL_FROM's address,
   * nothing listens, and a bounce that arrives later is never seen.
   */
  BOUNCE_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name')
    .optional(),
  BOUNCE_SMTP_PORT: port.default(2525),
  /** STARTTLS for the bounce listener: PEM files of its certificate and key (both or neither). */
  BOUNCE_SMTP_TLS_CERT_PATH: z.string().min(1).optional(),
  BOUNCE_SMTP_TLS_KEY_PATH: z.string().min(1).optional(),
  /** The return-path tokens are HMAC-SHA256 under it; worker (sends) and API (receives) share it. */
  BOUNCE_TOKEN_KEY: base64Key.optional(),
  /** The shared secret a relay's bounce webhook sends (X-Forthright-Webhook-Secret); unset: refused. */
  BOUNCE_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a letter batch for bounced people waits to gather later bounces (0: at once). */
  BOUNCE_LETTER_GATHER_MINUTES: z.coerce
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),

  COMPANY_NAME: z.string().min(1).default('Example Corp'),
  COMPANY_POSTAL_ADDRESS: z.string().min(1).default('1 Example Street, Springfield, USA'),
  SUPPORT_EMAIL: z.email().default('privacy@example.com'),
  SUPPORT_PHONE: z.string().min(3).default('+1 800 555 0100'),
  DPO_CONTACT: z.string().min(3).default('Data Protection Officer, dpo@example.com'),
  /**
   * The company profile: sector regimes the company falls under, comma-separated (core/law/profile.ts):
   * hipaa, hipaa_business_associate, sec, reg_s_p, nydfs, glba, health_app, ca_health_facility, nis2,
   * dora, processor.
   */
  COMPANY_REGIMES: z
    .string()
    .default('')
    .transform((s) => commaList(s.toLowerCase()))
    .pipe(z.array(z.enum(COMPANY_REGIME_TOKENS))),

  /** How often the API starts workflows that could not be started when their incident was opened. */
  WORKFLOW_START_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For):
   * false (none, the default), true (any: only behind a proxy that overwrites the header), a hop
   * count, or comma-separated addresses/CIDRs. The customer page's miss limits count by that address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string[] => {
      if (v === 'true' || v === 'false') return v === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      return commaList(v);
    }),
  /** Largest request body the API reads, in kilobytes; inventory imports have their own limit. */
  HTTP_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(1_048_576).default(1024),
  /** Largest inventory import (JSON or CSV) in megabytes. */
  IMPORT_BODY_LIMIT_MB: z.coerce.number().int().min(1).max(4096).default(50),

  /** Staff sign-in through OpenID Connect (README "Staff sign-in"); unset: no OIDC sign-in. */
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** role=group pairs, comma-separated; the first role (in this order) whose group a person is in wins. */
  OIDC_ROLE_GROUPS: z
    .string()
    .default('')
    .transform((s, ctx) => parseRoleGroups(s, ctx)),
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Scopes asked for; add the one your provider releases the groups claim under (often `groups`). */
  OIDC_SCOPES: z.string().min(1).default('openid email profile'),
  OIDC_PROVIDER_NAME: z.string().min(1).default('your organisation'),
  /** The console's token form (service and development tokens). Default: on only without OIDC. */
  CONSOLE_TOKEN_SIGN_IN: bool.optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  SERVICE_TOKEN_DAYS: z.coerce.number().positive().max(3650).default(90),
  /** Failed sign-ins from one source within the window before it is answered 429. */
  SIGN_IN_FAILURE_LIMIT: z.coerce.number().int().min(1).default(10),
  SIGN_IN_FAILURE_WINDOW_MINUTES: z.coerce.number().positive().default(15),

  DELIVERY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  DELIVERY_SHARDS: z.coerce.number().int().min(1).max(64).default(2),
  /** Waits before each retry pass over temporary failures, in seconds. */
  DELIVERY_RETRY_DELAYS: z
    .string()
    .default('60,300,1800,7200')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(z.number().min(0)).max(20)),

  INDIVIDUAL_NOTICE_TARGET_HOURS: z.coerce.number().positive().default(72),
  REMINDER_FRACTIONS: z
    .string()
    .default('0.5,0.75,0.9')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(z.number().gt(0).lt(1)).min(1)),
  STANDARD_NOTICE_CUTOFF_FRACTION: fraction.default(0.8),
  /** How many distinct compliance users must approve a notice before it is sent (1 or 2). */
  APPROVAL_QUORUM: z.coerce.number().int().min(1).max(2).default(1),
  /**
   * Reminders to people who have not acknowledged their notice (issue 17 item 3): how many at most
   * (0: none), each FOLLOW_UP_REMINDER_DAYS after the previous (the first after delivery). Each is an
   * approved text, sent once per person, never to someone who acknowledged, was not reached or asked
   * not to be reminded.
   */
  FOLLOW_UP_REMINDERS: z.coerce.number().int().min(0).max(5).default(0),
  FOLLOW_UP_REMINDER_DAYS: z.coerce.number().int().min(1).max(90).default(14),

  /** Where letter batches are written (PDFs, manifest, checksums). Default: FORTHRIGHT_DATA_DIR/letters. */
  LETTERS_DIR: z.string().min(1).optional(),
  /**
   * The country the mail house posts from (ISO 3166-1 alpha-2): a letter to any other country ends
   * its address block with the destination country's name in capitals (UPU Convention, art. 18).
   */
  LETTERS_HOME_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')
    .default('US'),

  /**
   * What one individual notice costs, in US dollars, for testing statutes' substitute-notice cost
   * thresholds (core/use-cases/substitute-notice.ts): a printed, posted letter, and an email.
   */
  NOTICE_COST_PER_LETTER_USD: z.coerce.number().min(0).default(1.25),
  NOTICE_COST_PER_EMAIL_USD: z.coerce.number().min(0).default(0.01),
  /** The toll-free number a substitute notice names (HIPAA asks for one); unset: none is printed. */
  SUBSTITUTE_TOLL_FREE_NUMBER: z.string().trim().min(1).optional(),

  /**
   * Where authorities take filings by email, as JSON: rule id → address, e.g.
   * {"US-MD.regulator":"idtheft@oag.state.md.us"} (core/law/packets.ts `submissionFor`). A rule
   * without one is filed by portal or post and recorded with its receipt.
   */
  FILING_EMAILS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of rule id to email address' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.email({ message: 'must be an email address' }))),

  /**
   * How long a closed incident's personal data is kept, in days, where no law asks for longer
   * (core/domain/retention.ts: HIPAA six years, New York's, Florida's and Alaska's no-harm
   * determinations five). The company's policy, not a legal figure. 0 purges at closure.
   */
  RETENTION_DEFAULT_DAYS: z.coerce.number().int().min(0).max(36_500).default(1095),
  /** How often the retention sweep (a Temporal schedule, worker/main.ts) looks for incidents due, in hours. */
  RETENTION_SWEEP_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(24),

  /**
   * Prometheus metrics (core/metrics.ts, README "Metrics and alerts"). The API's /metrics answers
   * only `Authorization: Bearer <METRICS_TOKEN>` (unset: it answers 401 to everyone); the worker
   * serves /metrics on WORKER_METRICS_PORT (unset: no metrics server), asking for the same token
   * when it is set. The audit chain is verified for the metric every AUDIT_VERIFY_MINUTES.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  WORKER_METRICS_PORT: port.optional(),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  AUDIT_VERIFY_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),

  /**
   * The worker's liveness and readiness (worker/health-server.ts, README "Logs and health"):
   * `/livez` and `/readyz` on WORKER_HEALTH_PORT (unset: none), bound to WORKER_HEALTH_HOST. No
   * token: an orchestrator's probes carry none, and the answers hold no data.
   */
  WORKER_HEALTH_PORT: port.optional(),
  WORKER_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
});

const EnvSchema = EnvFields.superRefine((e, ctx) => {
  // OIDC sign-in needs its client and at least one group that grants a role.
  if (e.OIDC_ISSUER_URL !== undefined) {
    if (e.OIDC_CLIENT_ID === undefined)
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is required with OIDC_ISSUER_URL' });
    if (Object.keys(e.OIDC_ROLE_GROUPS).length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ROLE_GROUPS'],
        message: 'is required with OIDC_ISSUER_URL',
      });
  }
  // A client certificate without its key (or the reverse) cannot make a TLS connection.
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    const missing =
      e.TEMPORAL_TLS_CERT_PATH === undefined ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'client certificate and key must be set together',
    });
  }
  // A listener certificate without its key (or the reverse) cannot offer STARTTLS.
  if ((e.BOUNCE_SMTP_TLS_CERT_PATH === undefined) !== (e.BOUNCE_SMTP_TLS_KEY_PATH === undefined)) {
    const missing =
      e.BOUNCE_SMTP_TLS_CERT_PATH === undefined ? 'BOUNCE_SMTP_TLS_CERT_PATH' : 'BOUNCE_SMTP_TLS_KEY_PATH';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'certificate and key must be set together' });
  }
  // Relay names are keys (quota counts, metric labels): two relays of one name would share a quota.
  const relayNames = (e.SMTP_RELAYS ?? []).map((r) => r.name.toLowerCase());
  relayNames.forEach((name, i) => {
    if (relayNames.indexOf(name) !== i)
      ctx.addIssue({ code: 'custom', path: ['SMTP_RELAYS', i, 'name'], message: `"${name}" is named twice` });
  });
  // A DKIM signature needs its domain, selector and key; a partial set would silently not sign.
  const dkim = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_PATH'] as const;
  const dkimSet = dkim.filter((k) => e[k] !== undefined);
  if (dkimSet.length > 0 && dkimSet.length < dkim.length) {
    for (const k of dkim.filter((k) => e[k] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [k], message: `DKIM needs ${dkim.join(', ')} together` });
    }
  }
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  dataDir: string;
  logLevel: z.output<typeof EnvSchema>['LOG_LEVEL'];
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    tlsFiles: { certPath: string | undefined; keyPath: string | undefined; caPath: string | undefined };
    tlsServerName: string | undefined;
    apiKey: string | undefined;
    uiUrl: string;
    payloadKey: Buffer;
    /** Keys payloads may still be encrypted with (PAYLOAD_PREVIOUS_KEYS); only decoding uses them. */
    previousPayloadKeys: Buffer[];
    workflowBundlePath: string | undefined;
  };
  database: {
    /** What the API, the worker and the scripts use: a member of `forthright_app` (core/db/roles.ts). */
    url: string;
    /** What the migration step uses: the owner of the tables. */
    migrationUrl: string;
    poolSize: number;
    embedded: boolean;
    embeddedPort: number;
    schemaWaitMs: number;
  };
  mail: {
    smtpUrl: string;
    poolSize: number;
    ratePerSecond: number;
    from: string;
    catcherWebUrl: string | undefined;
    requireTls: boolean;
    dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
    /** SMTP_RELAYS; empty: the one relay of `smtpUrl` (core/mail/relay-set.ts). */
    relays: RelayConfig[];
    /** SMTP_RELAY_COOLDOWN_SECONDS in milliseconds. @default 60 s */
    relayCooldownMs: number;
  };
  company: CompanyContact & {
    /** The company profile: which sector regimes' rules apply (COMPANY_REGIMES). */
    regimes: Required<CompanyRegimes>;
  };
  /** Customer page links (core/delivery/page-token.ts). */
  pageTokens: {
    /** PAGE_TOKEN_KEY: tokens are HMAC-SHA256 under it; worker (sends) and API (checks) share it. */
    key: Buffer;
    /** PAGE_TOKEN_DAYS: a link works this long after its notice is sent. */
    days: number;
    /**
     * The customer page's limits per PAGE_LIMIT_WINDOW_SECONDS (api/miss-throttle.ts); keyed on
     * `request.ip`. The substitute notice's posting page counts its misses with the same two miss
     * limits, in counters of its own.
     */
    limits: {
      /** PAGE_MISS_LIMIT_PER_ADDRESS: misses one client address may make. */
      missesPerAddress: number;
      /** PAGE_MISS_LIMIT_TOTAL: misses from all addresses together (per API process). */
      missesTotal: number;
      /** PAGE_VIEW_LIMIT_PER_LINK: requests one valid link may make. */
      viewsPerLink: number;
      windowMs: number;
    };
  };
  http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    workflowStartRetryMs: number;
    trustProxy: boolean | number | string[];
    bodyLimitBytes: number;
    importBodyLimitBytes: number;
  };
  /** Bounces and other reports about sent notices (core/delivery/return-path.ts, api/bounce-listener.ts). */
  bounces: {
    /** BOUNCE_DOMAIN, lower-cased; null: plain envelope sender, no listener. */
    domain: string | null;
    /** BOUNCE_TOKEN_KEY: return-path tokens are HMAC-SHA256 under it. */
    key: Buffer;
    smtpPort: number;
    /** PEM files for STARTTLS on the listener; null: no STARTTLS offered. */
    tls: { certPath: string; keyPath: string } | null;
    /** BOUNCE_WEBHOOK_SECRET; null: the webhook refuses every call. */
    webhookSecret: string | null;
    /** BOUNCE_LETTER_GATHER_MINUTES in milliseconds. */
    letterGatherMs: number;
  };
  auth: {
    /** null: no OIDC sign-in (service and development tokens only). */
    oidc: {
      issuerUrl: string;
      clientId: string;
      clientSecret: string | undefined;
      /** Role → the provider's group that grants it, in order of precedence. */
      roleGroups: Partial<Record<Role, string>>;
      groupsClaim: string;
      scopes: string;
      providerName: string;
    } | null;
    consoleTokenSignIn: boolean;
    sessionIdleMs: number;
    sessionMaxMs: number;
    serviceTokenMs: number;
    failureLimit: number;
    failureWindowMs: number;
  };
  delivery: { batchSize: number; shards: number; retryDelaysMs: number[] };
  /** Printed letters (core/letters). */
  letters: { dir: string; homeCountry: string };
  /** Substitute notice (core/use-cases/substitute-notice.ts). */
  substituteNotice: {
    /** NOTICE_COST_PER_LETTER_USD and NOTICE_COST_PER_EMAIL_USD: the estimate a statute's cost threshold is tested against. */
    costPerLetterUsd: number;
    costPerEmailUsd: number;
    /** SUBSTITUTE_TOLL_FREE_NUMBER, printed on the website and media texts; null: none. */
    tollFreeNumber: string | null;
  };
  /** Filing packets (core/use-cases/packets.ts). */
  retention: {
    /** RETENTION_DEFAULT_DAYS: the company's retention period after closure. @default 1095 */
    defaultDays: number;
    /** RETENTION_SWEEP_HOURS: between two runs of the retention sweep. @default 24 */
    sweepEveryHours: number;
  };
  /** Prometheus metrics (core/metrics.ts). */
  metrics: {
    /** METRICS_TOKEN: the bearer token /metrics asks for; null: the API's /metrics refuses everyone. */
    token: string | null;
    /** WORKER_METRICS_PORT and WORKER_METRICS_HOST; port null: the worker serves no metrics. */
    workerPort: number | null;
    workerHost: string;
    /** AUDIT_VERIFY_MINUTES in milliseconds: between two verifications of the audit chain. @default 1 hour */
    auditVerifyMs: number;
  };
  /** The worker's /livez and /readyz (worker/health-server.ts). */
  health: {
    /** WORKER_HEALTH_PORT; null: the worker serves no health endpoints. */
    workerPort: number | null;
    /** WORKER_HEALTH_HOST. @default 127.0.0.1 */
    workerHost: string;
  };
  filing: {
    /** FILING_EMAILS: rule id → the address the authority takes filings at. */
    emails: Readonly<Record<string, string>>;
  };
  policy: {
    individualNoticeTargetHours: number;
    reminderFractions: number[];
    standardNoticeCutoffFraction: number;
    /** Distinct compliance approvers a notice needs (APPROVAL_QUORUM). @default 1 */
    approvalQuorum: number;
    /** FOLLOW_UP_REMINDERS: reminders to the unacknowledged, at most. @default 0 */
    followUpReminders: number;
    /** FOLLOW_UP_REMINDER_DAYS: days before each reminder. @default 14 */
    followUpReminderDays: number;
  };
}

/** One relay of SMTP_RELAYS (core/mail/relay-set.ts). */
export interface RelayConfig {
  name: string;
  /** smtp:// or smtps:// URL, credentials included: never logged. */
  url: string;
  /** Connections kept open at once. @default SMTP_POOL_SIZE */
  connections: number;
  /** Quotas; absent: not limited. */
  perSecond?: number;
  perHour?: number;
  perDay?: number;
  /** Share among the relays of one priority. @default 1 */
  weight: number;
  /** 1 first; a higher number only when every lower one is out or out of quota. @default 1 */
  priority: number;
}

// Re-exported so the entry points that catch it keep one import for config.
export { ConfigError };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.FORTHRIGHT_DATA_DIR);
  const embedded = e.DATABASE_URL === undefined;
  return deepFreeze({
    dataDir,
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls:
        e.TEMPORAL_TLS ||
        e.TEMPORAL_API_KEY !== undefined ||
        e.TEMPORAL_TLS_CERT_PATH !== undefined ||
        e.TEMPORAL_TLS_CA_PATH !== undefined,
      tlsFiles: {
        certPath: e.TEMPORAL_TLS_CERT_PATH,
        keyPath: e.TEMPORAL_TLS_KEY_PATH,
        caPath: e.TEMPORAL_TLS_CA_PATH,
      },
      tlsServerName: e.TEMPORAL_TLS_SERVER_NAME,
      apiKey: e.TEMPORAL_API_KEY,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH ? resolve(e.WORKFLOW_BUNDLE_PATH) : undefined,
      uiUrl: e.TEMPORAL_UI_URL,
      payloadKey: e.PAYLOAD_ENCRYPTION_KEY
        ? Buffer.from(e.PAYLOAD_ENCRYPTION_KEY, 'base64')
        : localKey(dataDir, 'payload-key'),
      previousPayloadKeys: e.PAYLOAD_PREVIOUS_KEYS.map((k) => Buffer.from(k, 'base64')),
    },
    database: {
      url: e.DATABASE_URL ?? embeddedDatabaseUrl(e.EMBEDDED_PG_PORT),
      migrationUrl:
        e.MIGRATION_DATABASE_URL ?? e.DATABASE_URL ?? embeddedDatabaseUrl(e.EMBEDDED_PG_PORT, 'owner'),
      poolSize: e.DATABASE_POOL_SIZE,
      embedded,
      embeddedPort: e.EMBEDDED_PG_PORT,
      schemaWaitMs: e.SCHEMA_WAIT_SECONDS * 1000,
    },
    mail: {
      // Staff mail (alerts, approval requests) goes through SMTP_URL; with relays and no SMTP_URL
      // of its own, through the first relay (by priority) rather than the local default.
      smtpUrl:
        env.SMTP_URL === undefined && e.SMTP_RELAYS !== undefined
          ? [...e.SMTP_RELAYS].sort((a, b) => a.priority - b.priority)[0]!.url
          : e.SMTP_URL,
      poolSize: e.SMTP_POOL_SIZE,
      ratePerSecond: e.SEND_RATE_PER_SECOND,
      from: e.MAIL_FROM,
      catcherWebUrl: e.MAIL_CATCHER_WEB_URL,
      requireTls: e.SMTP_REQUIRE_TLS,
      relays: (e.SMTP_RELAYS ?? []).map(({ connections, ...relay }) => ({
        ...relay,
        connections: connections ?? e.SMTP_POOL_SIZE,
      })),
      relayCooldownMs: e.SMTP_RELAY_COOLDOWN_SECONDS * 1000,
      dkim:
        e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_PATH
          ? {
              domainName: e.DKIM_DOMAIN,
              keySelector: e.DKIM_SELECTOR,
              privateKey: readFileSync(resolve(e.DKIM_PRIVATE_KEY_PATH), 'utf8'),
            }
          : undefined,
    },
    company: {
      name: e.COMPANY_NAME,
      postalAddress: e.COMPANY_POSTAL_ADDRESS,
      supportEmail: e.SUPPORT_EMAIL,
      supportPhone: e.SUPPORT_PHONE,
      dpoContact: e.DPO_CONTACT,
      regimes: companyProfile(e.COMPANY_REGIMES),
    },
    pageTokens: {
      key: e.PAGE_TOKEN_KEY ? Buffer.from(e.PAGE_TOKEN_KEY, 'base64') : localKey(dataDir, 'page-token-key'),
      days: e.PAGE_TOKEN_DAYS,
      limits: {
        missesPerAddress: e.PAGE_MISS_LIMIT_PER_ADDRESS,
        missesTotal: e.PAGE_MISS_LIMIT_TOTAL,
        viewsPerLink: e.PAGE_VIEW_LIMIT_PER_LINK,
        windowMs: e.PAGE_LIMIT_WINDOW_SECONDS * 1000,
      },
    },
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
      workflowStartRetryMs: e.WORKFLOW_START_RETRY_SECONDS * 1000,
      trustProxy: e.TRUST_PROXY,
      bodyLimitBytes: e.HTTP_BODY_LIMIT_KB * 1024,
      importBodyLimitBytes: e.IMPORT_BODY_LIMIT_MB * 1024 * 1024,
    },
    bounces: {
      domain: e.BOUNCE_DOMAIN?.toLowerCase() ?? null,
      key: e.BOUNCE_TOKEN_KEY
        ? Buffer.from(e.BOUNCE_TOKEN_KEY, 'base64')
        : localKey(dataDir, 'bounce-token-key'),
      smtpPort: e.BOUNCE_SMTP_PORT,
      tls:
        e.BOUNCE_SMTP_TLS_CERT_PATH && e.BOUNCE_SMTP_TLS_KEY_PATH
          ? { certPath: e.BOUNCE_SMTP_TLS_CERT_PATH, keyPath: e.BOUNCE_SMTP_TLS_KEY_PATH }
          : null,
      webhookSecret: e.BOUNCE_WEBHOOK_SECRET ?? null,
      letterGatherMs: e.BOUNCE_LETTER_GATHER_MINUTES * 60_000,
    },
    auth: {
      oidc:
        e.OIDC_ISSUER_URL === undefined
          ? null
          : {
              issuerUrl: e.OIDC_ISSUER_URL,
              clientId: e.OIDC_CLIENT_ID!,
              clientSecret: e.OIDC_CLIENT_SECRET,
              roleGroups: e.OIDC_ROLE_GROUPS,
              groupsClaim: e.OIDC_GROUPS_CLAIM,
              scopes: e.OIDC_SCOPES,
              providerName: e.OIDC_PROVIDER_NAME,
            },
      consoleTokenSignIn: e.CONSOLE_TOKEN_SIGN_IN ?? e.OIDC_ISSUER_URL === undefined,
      sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
      serviceTokenMs: e.SERVICE_TOKEN_DAYS * 86_400_000,
      failureLimit: e.SIGN_IN_FAILURE_LIMIT,
      failureWindowMs: e.SIGN_IN_FAILURE_WINDOW_MINUTES * 60_000,
    },
    letters: {
      dir: e.LETTERS_DIR ? resolve(e.LETTERS_DIR) : resolve(dataDir, 'letters'),
      homeCountry: e.LETTERS_HOME_COUNTRY,
    },
    substituteNotice: {
      costPerLetterUsd: e.NOTICE_COST_PER_LETTER_USD,
      costPerEmailUsd: e.NOTICE_COST_PER_EMAIL_USD,
      tollFreeNumber: e.SUBSTITUTE_TOLL_FREE_NUMBER ?? null,
    },
    filing: { emails: Object.freeze({ ...e.FILING_EMAILS }) },
    metrics: {
      token: e.METRICS_TOKEN ?? null,
      workerPort: e.WORKER_METRICS_PORT ?? null,
      workerHost: e.WORKER_METRICS_HOST,
      auditVerifyMs: e.AUDIT_VERIFY_MINUTES * 60_000,
    },
    health: { workerPort: e.WORKER_HEALTH_PORT ?? null, workerHost: e.WORKER_HEALTH_HOST },
    retention: { defaultDays: e.RETENTION_DEFAULT_DAYS, sweepEveryHours: e.RETENTION_SWEEP_HOURS },
    delivery: {
      batchSize: e.DELIVERY_BATCH_SIZE,
      shards: e.DELIVERY_SHARDS,
      retryDelaysMs: e.DELIVERY_RETRY_DELAYS.map((s) => s * 1000),
    },
    policy: {
      individualNoticeTargetHours: e.INDIVIDUAL_NOTICE_TARGET_HOURS,
      reminderFractions: [...e.REMINDER_FRACTIONS].sort((a, b) => a - b),
      standardNoticeCutoffFraction: e.STANDARD_NOTICE_CUTOFF_FRACTION,
      approvalQuorum: e.APPROVAL_QUORUM,
      followUpReminders: e.FOLLOW_UP_REMINDERS,
      followUpReminderDays: e.FOLLOW_UP_REMINDER_DAYS,
    },
  });
}

/** `compliance=grp-compliance,admin=grp-admins` → { compliance: 'grp-compliance', admin: 'grp-admins' }. */
function parseRoleGroups(text: string, ctx: z.RefinementCtx): Partial<Record<Role, string>> {
  const out: Partial<Record<Role, string>> = {};
  for (const pair of commaList(text)) {
    const [role, group] = pair.split('=').map((x) => x.trim());
    if (!(ROLES as readonly string[]).includes(role ?? '') || !group) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}" is not role=group with a role of ${ROLES.join(', ')}`,
      });
      continue;
    }
    out[role as Role] = group;
  }
  return out;
}

/**
 * The embedded cluster's database, as the application (`forthright_service`, a member of
 * `forthright_app` created by the migration step: core/db/roles.ts) or as its owner (the cluster's
 * superuser, who runs the migrations). Loopback only, so the passwords are fixed.
 */
export function embeddedDatabaseUrl(port: number, as: 'app' | 'owner' = 'app'): string {
  const user = as === 'owner' ? 'forthright:forthright' : 'forthright_service:forthright_service';
  return `postgres://${user}@127.0.0.1:${port}/forthright`;
}

/**
 * Without PAYLOAD_ENCRYPTION_KEY (or PAGE_TOKEN_KEY, BOUNCE_TOKEN_KEY), a key is generated once into
 * the data folder, so the default set-up encrypts histories (and keys page links and return paths)
 * without shipping a demo key, and the worker and the API, sharing the folder, share it.
 * Production sets the variables.
 */
function localKey(dataDir: string, name: 'payload-key' | 'page-token-key' | 'bounce-token-key'): Buffer {
  const file = resolve(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
