import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../core/config';
import * as incidents from '../../core/db/incidents';
import { listenOnLoopback } from '../helpers/smtp';
import { dataConverter } from '../../core/data-converter';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { importInventory, nameAndEmailHeldIn, newStaff } from '../helpers/factories';
import { openAndApprovePending, waitUntil } from '../helpers/system';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/**
 * Crash recovery of delivery on real parts: the worker runs as a process of its own (as in
 * production) and is killed with SIGKILL three times while it sends an incident's 5,000 notices,
 * then started again. At the SMTP server, every affected customer must have received exactly one
 * notice and nobody else any.
 *
 * Where the kills land: anywhere except inside the one window the design does not cover (see
 * core/delivery/shard-pass.ts): between the database acknowledging a message's `sending` mark and the worker
 * writing its final ".". Just before each kill the SMTP server stops answering new recipients
 * (holding those messages before the commit point) and waits until no message is between its body
 * and its final "." — so the kill finds messages claimed but not committed (to be sent again),
 * messages completed at the relay but not yet recorded sent (to be counted, not sent again), and
 * everything in between, just not one in the uncovered microseconds.
 */

const AFFECTED = 5_000;
const UNAFFECTED = 500;
const KILLS_AT = [900, 2_000, 3_100]; // messages the SMTP server has accepted

/** An SMTP server that counts per recipient and can hold every new transaction before its body. */
async function startHoldingSink() {
  const perRecipient = new Map<string, number>();
  let accepted = 0;
  let inData = 0;
  let holding = false;
  const held: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (holding) held.push(() => callback());
      else callback();
    },
    onData(stream, session, callback) {
      inData++;
      let open = true;
      const done = () => {
        if (open) inData--;
        open = false;
      };
      stream.on('data', () => undefined);
      stream.on('error', done);
      stream.on('end', () => {
        done();
        accepted++;
        for (const r of session.envelope.rcptTo) {
          const key = r.address.toLowerCase();
          perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
        }
        callback();
      });
    },
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    perRecipient,
    accepted: () => accepted,
    /** Holds new transactions before their body; resolves once none is between body and final ".". */
    async hold() {
      holding = true;
      while (inData > 0) await new Promise((r) => setTimeout(r, 5));
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close,
  };
}

/** Polls often: each kill should land soon after its threshold. */
const eventually = <T>(what: string, check: () => Promise<T | null | undefined | false>) =>
  waitUntil(what, check, 300_000, 20);

describe('delivery crash recovery', () => {
  let db: TestDatabase;
  let sink: Awaited<ReturnType<typeof startHoldingSink>>;
  let connection: Connection;
  let client: Client;
  let worker: WorkerProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'forthright-crash-'));
  const payloadKey = randomBytes(32).toString('base64');
  const taskQueue = uniqueTaskQueue('crash');
  let launches = 0;

  const workerEnv = () => ({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: sink.url,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    FORTHRIGHT_DATA_DIR: dir,
    LOG_LEVEL: 'info',
    DELIVERY_SHARDS: '2',
    DELIVERY_BATCH_SIZE: '200',
    // Slow enough that each kill finds delivery under way.
    SEND_RATE_PER_SECOND: '400',
    DELIVERY_RETRY_DELAYS: '1,1',
  });
  const launch = async () => {
    worker = startWorkerProcess(workerEnv(), join(dir, `worker-${++launches}.log`));
    await worker.started;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startHoldingSink();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')) });
    const customers = Array.from({ length: AFFECTED + UNAFFECTED }, (_, i) => ({
      externalId: `C${String(i).padStart(5, '0')}`,
      fullName: `Customer ${i}`,
      email: `customer${i}@example.com`,
      locale: ['en', 'es', 'fr', 'de'][i % 4]!,
      country: 'US',
      region: ['US-CA', 'US-TX', 'US-NY'][i % 3]!,
    }));
    await importInventory(db.pool, {
      customers,
      holdings: [
        ...nameAndEmailHeldIn('crm', customers.slice(0, AFFECTED)),
        ...nameAndEmailHeldIn('analytics', customers.slice(AFFECTED)),
      ],
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await sink?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'sends every affected customer exactly one notice across three SIGKILLs of the worker',
    { timeout: 600_000 },
    async () => {
      const { officer, compliance } = await newStaff(db.pool);
      await launch();
      const incidentId = await openAndApprovePending(
        { pool: db.pool, temporal: client, config: loadConfig(workerEnv()) },
        { officer: officer.user, compliance: compliance.user },
      );
      const status = async () => (await incidents.get(db.pool, incidentId))?.status;

      for (const threshold of KILLS_AT) {
        await eventually(
          `${threshold} messages at the SMTP server`,
          async () => sink.accepted() >= threshold,
        );
        await sink.hold();
        worker!.child.kill('SIGKILL');
        await worker!.exited;
        sink.release();
        expect(sink.accepted()).toBeLessThan(AFFECTED); // the kill did land during delivery
        await launch();
      }

      await eventually('delivery to complete', async () => (await status()) === 'completed');

      const { rows } = await db.pool.query<{ email: string; status: string }>(
        `SELECT c.email, a.status FROM customers c LEFT JOIN affected_customers a ON a.customer_id = c.id AND a.incident_id = $1`,
        [incidentId],
      );
      const affectedEmails = rows.filter((r) => r.status !== null).map((r) => r.email);
      const others = rows.filter((r) => r.status === null).map((r) => r.email);
      expect(affectedEmails).toHaveLength(AFFECTED);
      expect(others).toHaveLength(UNAFFECTED);
      expect(rows.filter((r) => r.status !== null && r.status !== 'notified')).toEqual([]);

      const wrong = affectedEmails
        .filter((e) => sink.perRecipient.get(e) !== 1)
        .map((e) => `${e}: ${sink.perRecipient.get(e) ?? 0}`);
      expect(wrong).toEqual([]);
      expect(others.filter((e) => sink.perRecipient.has(e))).toEqual([]);
      expect(sink.accepted()).toBe(AFFECTED);
    },
  );
});
