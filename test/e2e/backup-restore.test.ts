import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../core/audit/verify-trail';
import { loadConfig } from '../../core/config';
import { migrate } from '../../core/db/migrate';
import * as incidents from '../../core/db/incidents';
import { createPool, type Pool } from '../../core/db/pool';
import { backupCluster, layDownCluster, type BackupManifest } from '../../scripts/lib/backup';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '../../scripts/lib/local-servers';
import { fenceRestoredDatabase } from '../../scripts/lib/restore-report';
import { repoRoot } from '../../scripts/lib/tools';
import type { TestDatabase } from '../helpers/db';
import { importEmailHolders } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { bearer, openAndApprovePending, startSystem, waitUntil, type TestSystem } from '../helpers/system';
import { uniqueTaskQueue } from '../helpers/temporal';

/**
 * Backup and restore with a delivery in flight (issue 21 item 5), on real parts: PostgreSQL (a
 * cluster of its own, backed up online with scripts/lib/backup.ts while the notices go out), the
 * Temporal dev server, the worker and the API, and an SMTP server that counts per recipient and
 * keeps each Message-ID (the relay's evidence).
 *
 * The path tested is the default set-up's: Temporal's state is kept (the dev server is not part of
 * the backup), the database is restored onto a fresh instance. The delivery finishes after the
 * backup — so in the restored database some people who were sent their notice look unsent. The
 * restore's fence must hold every one of them (reported, with their Message-IDs); nothing may send
 * a held notice; the operator confirms sent those the relay's log shows, and releases the rest,
 * which are then sent. At the end nobody is lost, and the only second notices are the ones an
 * operator released.
 */

const PEOPLE = 500;
const MAIL_FROM = 'Privacy Office <privacy@notices.example.test>';
const run = promisify(execFile);

async function startCluster(dir: string): Promise<{ server: EmbeddedPostgres; url: string }> {
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), durable: false });
  await ensureDatabase(server.adminUrl, 'forthright');
  return { server, url: server.urlFor('forthright') };
}

function asTestDatabase(url: string, pool: Pool): TestDatabase {
  return { url, pool, drop: async () => undefined };
}

describe('backup and restore during delivery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-backup-'));
  // PostgreSQL runs as `postgres` when the tests run as root: it must reach its folders.
  chmodSync(dir, 0o755);
  let sink: SmtpSink;
  let source: { server: EmbeddedPostgres; url: string; pool: Pool } | undefined;
  let restored: { server: EmbeddedPostgres; url: string; pool: Pool } | undefined;
  let system: TestSystem | undefined;
  const env = {
    MAIL_FROM,
    // One deployment before and after the restore: the restored system's worker polls the queue the
    // incident's workflow runs on (it answers the settlement's question whether delivery is over).
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('restore'),
    DELIVERY_SHARDS: '2',
    // Slow enough that the backup lands in the middle of the delivery.
    SEND_RATE_PER_SECOND: '100',
    // The keys go with the backup (scripts/lib/backup.ts copies the local key files): the same here.
    PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PAGE_TOKEN_KEY: randomBytes(32).toString('base64'),
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
  });

  afterAll(async () => {
    await system?.stop();
    await source?.pool.end();
    await restored?.pool.end();
    await source?.server.stop();
    await restored?.server.stop();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(
    'loses nobody, reports every possible duplicate, and sends none twice without an operator release',
    { timeout: 600_000 },
    async () => {
      // --- the running instance ---------------------------------------------------------------------
      const src = await startCluster(join(dir, 'source'));
      await migrate(src.url);
      source = { ...src, pool: createPool(src.url, 10) };
      system = await startSystem(asTestDatabase(source.url, source.pool), sink.url, env);
      await importEmailHolders(
        source.pool,
        Array.from({ length: PEOPLE }, (_, i) => ({
          externalId: `P${String(i).padStart(4, '0')}`,
          country: 'DE',
          region: null,
        })),
      );
      const incidentId = await openAndApprovePending(
        { pool: source.pool, temporal: system.client, config: system.config },
        system.staff,
        {},
      );
      const status = async (pool: Pool) => (await incidents.get(pool, incidentId))?.status;

      // --- the backup, while the notices go out ------------------------------------------------------
      await sink.waitFor(100, 120_000);
      const manifest: BackupManifest = await backupCluster({
        adminUrl: source.server.adminUrl,
        dataDir: join(dir, 'source'),
        out: join(dir, 'backup'),
      });
      const atBackup = sink.acceptedCount;
      expect(atBackup).toBeLessThan(PEOPLE); // the backup did land during the delivery

      // The delivery finishes on the running instance; then that instance is lost.
      await waitUntil(
        'delivery to complete',
        async () => (await status(source!.pool)) === 'completed',
        180_000,
        50,
      );
      expect(sink.acceptedCount).toBe(PEOPLE);
      expect([...sink.acceptedByRecipient.values()].every((n) => n === 1)).toBe(true);
      await system.stop();
      system = undefined;
      await source.pool.end();
      await source.server.stop();
      source = undefined;

      // --- the restore onto a fresh instance ----------------------------------------------------------
      layDownCluster(join(dir, 'backup'), join(dir, 'restored'));
      const r = await startCluster(join(dir, 'restored'));
      restored = { ...r, pool: createPool(r.url, 10) };
      await migrate(restored.url);
      expect(await status(restored.pool)).toBe('delivering');
      // What the restored database believes, before the fence.
      const before = await deliveryStates(restored.pool, incidentId);
      const unsentInBackup = [...before].filter(([, s]) => s === null || s === 'claimed' || s === 'retrying');
      const sentInBackup = [...before].filter(([, s]) => s === 'sent' || s === 'sending');
      expect(unsentInBackup.length).toBeGreaterThan(0);
      expect(sentInBackup.length).toBeGreaterThan(0);
      expect(unsentInBackup.length + sentInBackup.length).toBe(PEOPLE);

      const config = loadConfig({
        FORTHRIGHT_DATA_DIR: join(dir, 'data'),
        DATABASE_URL: restored.url,
        MAIL_FROM,
        LOG_LEVEL: 'silent',
      });
      const fence = await fenceRestoredDatabase(
        { pool: restored.pool, config },
        manifest,
        join(dir, 'reports'),
      );
      expect(fence.result.recorded).toBe(true);
      // Every person the restored database would have sent to again is held, and reported.
      const heldIds = new Set(fence.notices.map((n) => n.customerId));
      expect([...heldIds].sort()).toEqual(unsentInBackup.map(([c]) => c).sort());
      expect(fence.result.restore.held).toBe(unsentInBackup.length);
      // Every message the relay accepted is either recorded in the restored database or reported.
      const emailOf = await emails(restored.pool, incidentId);
      const reported = new Set(fence.notices.map((n) => n.messageId));
      const recorded = new Set(sentInBackup.map(([c]) => c));
      const unaccounted = sink.messages.filter((m) => {
        const customerId = Number(/^<notice\.[^.]+\.(\d+)@/.exec(m.messageId)?.[1]);
        return !recorded.has(customerId) && !reported.has(m.messageId);
      });
      expect(unaccounted).toEqual([]);
      // The report files: ids and Message-IDs, no address.
      const csv = readFileSync(fence.csv, 'utf8');
      expect(csv.trim().split('\n')).toHaveLength(unsentInBackup.length + 1);
      for (const address of emailOf.values()) expect(csv).not.toContain(address);
      // A second run of the fence for the same backup holds nothing more.
      expect(
        (await fenceRestoredDatabase({ pool: restored.pool, config }, manifest, join(dir, 'reports'))).result
          .recorded,
      ).toBe(false);

      // --- continue on the restored instance ----------------------------------------------------------
      system = await startSystem(asTestDatabase(restored.url, restored.pool), sink.url, env);
      const compliance = bearer(system.tokens.compliance);
      const list = await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incidentId}/held-notices?limit=10000`,
        headers: compliance,
      });
      expect(list.statusCode).toBe(200);
      const held = list.json<{ items: { customerId: number; messageId: string }[] }>().items;
      expect(held.map((h) => h.messageId).sort()).toEqual([...reported].sort());

      // The relay's log misses three of them (say): those are released, with a reason, and sent again
      // by a delivery pass — which sends nobody still held.
      const missing = held.slice(0, 3);
      const release = await system.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/held-notices/release`,
        headers: compliance,
        payload: { customerIds: missing.map((h) => h.customerId), reason: 'not in the relay log of the day' },
      });
      expect(release.statusCode).toBe(200);
      const { released, workflowIds } = release.json<{ released: number; workflowIds: string[] }>();
      expect(released).toBe(3);
      for (const id of workflowIds) await system.client.workflow.getHandle(id).result();
      expect(sink.acceptedCount).toBe(PEOPLE + 3);
      for (const h of missing) expect(sink.acceptedByRecipient.get(emailOf.get(h.customerId)!)).toBe(2);
      // Still delivering: the rest are held, and nobody decided on them yet.
      expect(await status(restored.pool)).toBe('delivering');

      // The rest are in the relay's log: confirmed sent, never sent again.
      const accepted = new Set(sink.messages.map((m) => m.messageId));
      const evidence = held.slice(3).map((h) => h.messageId);
      expect(evidence.every((m) => accepted.has(m))).toBe(true);
      const confirm = await system.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/held-notices/confirm-sent`,
        headers: compliance,
        payload: { messageIds: evidence, reason: 'relay log of the day' },
      });
      expect(confirm.statusCode).toBe(200);
      const confirmed = confirm.json<{ confirmed: number; unmatched: string[]; workflowId: string }>();
      expect(confirmed).toMatchObject({ confirmed: held.length - 3, unmatched: [] });
      // The incident's own workflow finished delivering after the backup (Temporal's state was kept): the
      // settlement completes the incident the restored database still had delivering.
      await system.client.workflow.getHandle(confirmed.workflowId).result();
      expect(await status(restored.pool)).toBe('completed');

      // --- the outcome ---------------------------------------------------------------------------------
      const after = await deliveryStates(restored.pool, incidentId);
      expect([...after.values()].filter((s) => s !== 'sent')).toEqual([]);
      // Nobody lost: everyone has at least one notice at the relay.
      expect([...emailOf.values()].filter((e) => !sink.acceptedByRecipient.get(e))).toEqual([]);
      // The only second notices are the three an operator released.
      const twice = [...sink.acceptedByRecipient]
        .filter(([, n]) => n > 1)
        .map(([e]) => e)
        .sort();
      expect(twice).toEqual(missing.map((h) => emailOf.get(h.customerId)!).sort());
      const { rows: people } = await restored.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM affected_customers WHERE incident_id = $1 AND status <> 'notified'`,
        [incidentId],
      );
      expect(people[0]!.n).toBe(0);
      // Each step is in the audit trail, and the restored trail verifies — with the command too.
      const { rows: actions } = await restored.pool.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE incident_id = $1 AND action IN
           ('restore_recorded', 'held_notices_released', 'held_notices_confirmed_sent') ORDER BY id`,
        [incidentId],
      );
      expect(actions.map((a) => a.action)).toEqual([
        'restore_recorded',
        'held_notices_released',
        'held_notices_confirmed_sent',
      ]);
      expect((await verifyTrail(restored.pool)).ok).toBe(true);
      const verify = await run(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'scripts', 'audit-verify.ts')],
        {
          cwd: repoRoot,
          env: { ...process.env, DATABASE_URL: restored.url, FORTHRIGHT_DATA_DIR: join(dir, 'data') },
        },
      );
      expect(verify.stdout).toMatch(/intact/);
    },
  );
});

/** Each affected person's delivery status (null: no row). */
async function deliveryStates(pool: Pool, incidentId: string): Promise<Map<number, string | null>> {
  const { rows } = await pool.query<{ customerId: number; status: string | null }>(
    `SELECT a.customer_id::int AS "customerId", d.status FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     WHERE a.incident_id = $1`,
    [incidentId],
  );
  return new Map(rows.map((r) => [r.customerId, r.status]));
}

/** Each affected person's email address, lower-cased as the SMTP sink counts it. */
async function emails(pool: Pool, incidentId: string): Promise<Map<number, string>> {
  const { rows } = await pool.query<{ customerId: number; email: string }>(
    `SELECT customer_id::int AS "customerId", lower(email) AS email FROM affected_customers WHERE incident_id = $1`,
    [incidentId],
  );
  return new Map(rows.map((r) => [r.customerId, r.email]));
}
