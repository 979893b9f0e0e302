import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../core/audit/verify-trail';
import { loadConfig } from '../../core/config';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../../core/data-converter';
import { migrate } from '../../core/db/migrate';
import * as incidents from '../../core/db/incidents';
import { createPool, type Pool } from '../../core/db/pool';
import { confirmHeldSent } from '../../core/use-cases/restores';
import { backupCluster, layDownCluster } from '../../scripts/lib/backup';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '../../scripts/lib/local-servers';
import { fenceRestoredDatabase } from '../../scripts/lib/restore-report';
import {
  freeClusterPorts,
  startTemporalCluster,
  type TemporalCluster,
} from '../../scripts/lib/temporal-cluster';
import { repoRoot, temporalServerTools } from '../../scripts/lib/tools';
import { actorOf, importEmailHolders, newStaff } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { openAndApprovePending, quietBundlerLogger, waitUntil } from '../helpers/system';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/**
 * Backup and restore with Temporal restored together (README "Backup and restore"): a real
 * Temporal server (scripts/lib/temporal-cluster.ts) keeps its state in the same PostgreSQL cluster
 * as Forthright, so one physical backup holds both as of the same moment. The backup is taken
 * mid-delivery, the delivery finishes, everything is lost; the cluster is restored onto a fresh
 * PostgreSQL, the fence runs, Temporal and a worker start on it. The workflows resume from the
 * backup point, in step with the database: the running delivery batches time out and are retried,
 * they send no held notice (nor anyone else twice), the incident completes; the operator confirms the
 * held ones from the relay's Message-IDs. Nobody lost, nobody twice.
 */

const PEOPLE = 500;
const MAIL_FROM = 'Privacy Office <privacy@notices.example.test>';

/** One instance: PostgreSQL (Forthright's database and Temporal's), the Temporal server, a worker. */
interface Instance {
  postgres: EmbeddedPostgres;
  url: string;
  pool: Pool;
  cluster?: TemporalCluster;
  worker?: WorkerProcess;
  connection?: Connection;
}

async function stopInstance(i: Instance | undefined): Promise<void> {
  if (!i) return;
  await i.worker?.stop();
  await i.connection?.close();
  await i.cluster?.stop();
  await i.pool.end();
  await i.postgres.stop();
}

describe('backup and restore with Temporal restored together', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-backup-cluster-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as `postgres` when the tests run as root
  const payloadKey = randomBytes(32).toString('base64');
  let sink: SmtpSink | undefined;
  let source: Instance | undefined;
  let restored: Instance | undefined;

  const env = (url: string, cluster: TemporalCluster): Record<string, string> => ({
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_TASK_QUEUE: 'forthright',
    WORKFLOW_BUNDLE_PATH: join(dir, 'workflow-bundle.js'),
    SMTP_URL: sink!.url,
    MAIL_FROM,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    PAGE_TOKEN_KEY: payloadKey,
    FORTHRIGHT_DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'info',
    DELIVERY_SHARDS: '2',
    DELIVERY_BATCH_SIZE: '50',
    // About five seconds of sending: the backup lands in the middle.
    SEND_RATE_PER_SECOND: '100',
    DELIVERY_RETRY_DELAYS: '1,1',
  });

  /** Temporal on the instance's PostgreSQL, and a worker on both. */
  const startServices = async (i: Instance, name: string) => {
    i.cluster = await startTemporalCluster({
      tools: temporalServerTools(),
      postgresUrl: i.postgres.adminUrl,
      dir: join(dir, `temporal-${name}`),
      ports: await freeClusterPorts(),
      processes: 'single',
    });
    i.connection = await Connection.connect({ address: i.cluster.address });
    i.worker = startWorkerProcess(env(i.url, i.cluster), join(dir, `worker-${name}.log`));
    await i.worker.started;
    return new Client({
      connection: i.connection,
      dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')),
    });
  };

  afterAll(async () => {
    await stopInstance(source);
    await stopInstance(restored);
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(
    'resumes the workflows from the backup point; held notices stay unsent; nobody lost, nobody twice',
    { timeout: 600_000 },
    async () => {
      sink = await startSmtpSink();
      const { code } = await bundleWorkflowCode({
        workflowsPath: join(repoRoot, 'workflows', 'index.ts'),
        failureConverterPath: FAILURE_CONVERTER_PATH,
        logger: quietBundlerLogger,
      });
      writeFileSync(join(dir, 'workflow-bundle.js'), code);

      // --- the running instance ---------------------------------------------------------------------
      const pg1 = await startEmbeddedPostgres({
        dataDir: join(dir, 'pg-source'),
        port: await freePort(),
        durable: false,
      });
      await ensureDatabase(pg1.adminUrl, 'forthright');
      source = {
        postgres: pg1,
        url: pg1.urlFor('forthright'),
        pool: createPool(pg1.urlFor('forthright'), 5),
      };
      await migrate(source.url);
      const client = await startServices(source, 'source');
      const config = loadConfig(env(source.url, source.cluster!));
      await importEmailHolders(
        source.pool,
        Array.from({ length: PEOPLE }, (_, i) => ({
          externalId: `P${String(i).padStart(4, '0')}`,
          country: 'DE',
          region: null,
        })),
      );
      const { officer, compliance } = await newStaff(source.pool);
      const incidentId = await openAndApprovePending(
        { pool: source.pool, temporal: client, config },
        { officer: officer.user, compliance: compliance.user },
        {},
      );
      const status = async (pool: Pool) => (await incidents.get(pool, incidentId))?.status;

      // --- the backup, mid-delivery: Forthright's database and Temporal's, as of one moment ---------
      await sink.waitFor(100, 120_000);
      const manifest = await backupCluster({
        adminUrl: source.postgres.adminUrl,
        dataDir: join(dir, 'pg-source'),
        out: join(dir, 'backup'),
      });
      expect(manifest.databases).toEqual(
        expect.arrayContaining(['forthright', 'temporal', 'temporal_visibility']),
      );
      expect(sink.acceptedCount).toBeLessThan(PEOPLE);
      await waitUntil(
        'delivery to complete',
        async () => (await status(source!.pool)) === 'completed',
        180_000,
      );
      expect(sink.acceptedCount).toBe(PEOPLE);
      await stopInstance(source);
      source = undefined;

      // --- the restore onto a fresh instance, the fence, then Temporal and the worker ------------------
      layDownCluster(join(dir, 'backup'), join(dir, 'pg-restored'));
      const pg2 = await startEmbeddedPostgres({
        dataDir: join(dir, 'pg-restored'),
        port: await freePort(),
        durable: false,
      });
      restored = {
        postgres: pg2,
        url: pg2.urlFor('forthright'),
        pool: createPool(pg2.urlFor('forthright'), 5),
      };
      await migrate(restored.url);
      expect(await status(restored.pool)).toBe('delivering');
      const fence = await fenceRestoredDatabase(
        {
          pool: restored.pool,
          config: loadConfig({
            FORTHRIGHT_DATA_DIR: join(dir, 'data'),
            DATABASE_URL: restored.url,
            MAIL_FROM,
            LOG_LEVEL: 'silent',
          }),
        },
        manifest,
        join(dir, 'reports'),
      );
      expect(fence.result.restore.held).toBeGreaterThan(0);
      const acceptedBefore = sink.acceptedCount;
      await startServices(restored, 'restored');

      // The workflows resume from the backup point and finish the delivery — sending nothing: every
      // notice they would send again is held, and everyone else was recorded sent in the backup.
      await waitUntil(
        'the resumed delivery to complete',
        async () => (await status(restored!.pool)) === 'completed',
        300_000,
      );
      expect(sink.acceptedCount).toBe(acceptedBefore);

      // The operator confirms the held notices from the relay's log of Message-IDs.
      const accepted = new Set(sink.messages.map((m) => m.messageId));
      const evidence = fence.notices.map((n) => n.messageId);
      expect(evidence.every((m) => accepted.has(m))).toBe(true);
      const { compliance: settler } = await newStaff(restored.pool);
      expect(
        await confirmHeldSent({ pool: restored.pool }, actorOf(settler.user), {
          incidentId,
          messageIds: evidence,
          reason: 'relay log',
        }),
      ).toEqual({ confirmed: evidence.length, unmatched: [], mailingIds: [] });

      // Nobody lost, nobody twice; every record sent; the trail verifies.
      expect(sink.acceptedByRecipient.size).toBe(PEOPLE);
      expect([...sink.acceptedByRecipient.values()].filter((n) => n !== 1)).toEqual([]);
      const { rows } = await restored.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM deliveries WHERE incident_id = $1 AND status <> 'sent'`,
        [incidentId],
      );
      expect(rows[0]!.n).toBe(0);
      expect((await verifyTrail(restored.pool)).ok).toBe(true);
      console.log(
        `backup with Temporal: ${fence.result.restore.held} held of ${PEOPLE}; ${acceptedBefore} at the relay before the restore`,
      );
    },
  );
});
