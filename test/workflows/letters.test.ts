import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';
import { startLetterBatch } from '../../api/temporal-client';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import { letterBatchWorkflowId } from '../../core/domain/ids';
import { CHECKSUMS_NAME, MANIFEST_NAME, batchDir } from '../../core/letters/batch';
import { TemplateCache } from '../../core/mail/template-cache';
import { openLetterBatch } from '../../core/use-cases/letters';
import type { letterBatchWorkflow } from '../../workflows/letters';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newLetterIncident } from '../helpers/letters';
import { workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * letterBatchWorkflow with the real activities on a real database, on the time-skipping server:
 * it waits, opens the batch, renders one file per activity and finishes it. Render attempts fail on
 * purpose — one before it wrote anything, one after its file was written and recorded (a worker
 * that died before reporting) — and the batch still holds exactly one letter per person, each file
 * once in the manifest and checksums. The history carries ids and counts, never a name.
 */

const PEOPLE = ['Ada Letter', 'Bo Letter', 'Cy Letter', 'Di Letter', 'Ed Letter'].map((fullName, i) => ({
  externalId: `W${i}`,
  fullName,
}));
const PER_FILE = 2; // three files for five people

describe('letterBatchWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let incidentId: string;
  const renderCalls: { fileNo: number; attempt: number; outcome: string }[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-letters-wf-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
    });
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    ({ incidentId } = await newLetterIncident(deps, PEOPLE));
    const real = createActivities({
      ...deps,
      smtp: undefined as never,
      staffMailer: undefined as never,
      rateLimiter: undefined as never,
    });
    const activities: Partial<Activities> = {
      // Files of two, so three render activities run.
      openLetterBatch: (input) => openLetterBatch(deps, { ...input, perFile: PER_FILE }),
      renderLetterFile: async (input) => {
        const { attempt } = Context.current().info;
        const log = (outcome: string) => renderCalls.push({ fileNo: input.fileNo, attempt, outcome });
        if (input.fileNo === 1 && attempt === 1) {
          log('failed before rendering');
          throw new Error('worker lost before rendering');
        }
        const result = await real.renderLetterFile(input);
        if (input.fileNo === 2 && attempt === 1) {
          log('failed after rendering');
          throw new Error('worker lost after its file was written and recorded');
        }
        log('completed');
        return result;
      },
      finishLetterBatch: real.finishLetterBatch,
    };
    taskQueue = uniqueTaskQueue('letters');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await db?.drop();
  });

  it('renders every file once more after failed attempts, with one letter per person', async () => {
    const deps = { temporal: env.client, config: { ...config, temporal: { ...config.temporal, taskQueue } } };
    // Started twice (a retried request): one workflow. It waits an hour first, skipped here.
    await startLetterBatch(deps, incidentId, 'initial', 3_600_000);
    await startLetterBatch(deps, incidentId, 'initial', 3_600_000);
    const handle = env.client.workflow.getHandle<typeof letterBatchWorkflow>(
      letterBatchWorkflowId(incidentId, 'initial'),
    );
    const result = await handle.result();
    expect(result).toMatchObject({ letters: PEOPLE.length });

    expect(renderCalls).toEqual([
      { fileNo: 1, attempt: 1, outcome: 'failed before rendering' },
      { fileNo: 1, attempt: 2, outcome: 'completed' },
      { fileNo: 2, attempt: 1, outcome: 'failed after rendering' },
      { fileNo: 2, attempt: 2, outcome: 'completed' },
      { fileNo: 3, attempt: 1, outcome: 'completed' },
    ]);

    // One letter per person in the database, and in the manifest.
    const { rows } = await db.pool.query<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*)::int AS n FROM letters WHERE incident_id = $1 GROUP BY customer_id`,
      [incidentId],
    );
    expect(rows).toHaveLength(PEOPLE.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const dir = batchDir(config, { incidentId, id: result!.batchId });
    const manifest = parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(manifest.map((r) => r.name).sort()).toEqual(PEOPLE.map((p) => p.fullName).sort());
    expect(new Set(manifest.map((r) => r.reference)).size).toBe(PEOPLE.length);
    // Every PDF is whole: its pages are the manifest's, its hash the checksums file's.
    for (const file of ['letters-0001.pdf', 'letters-0002.pdf', 'letters-0003.pdf']) {
      const pages = Number(
        /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(dir, file)], { encoding: 'utf8' }))![1],
      );
      expect(pages).toBe(manifest.filter((r) => r.file === file).reduce((n, r) => n + Number(r.pages), 0));
    }
    execFileSync('sha256sum', ['-c', CHECKSUMS_NAME], { cwd: dir });

    // Ids, counts and cursors only in the history: no one's name.
    // Every payload of the history read as text (this client has no codec): a name would show.
    const texts: string[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const payload = node as { metadata?: unknown; data?: Uint8Array | null };
      if (payload.metadata !== undefined && payload.data)
        texts.push(Buffer.from(payload.data).toString('utf8'));
      for (const child of Object.values(node)) walk(child);
    };
    walk(await handle.fetchHistory());
    const history = texts.join('\n');
    expect(history).toContain(incidentId);
    for (const p of PEOPLE) expect(history).not.toContain(p.fullName);
  });

  it('continues as new between files, carrying only the batch id and the next file', async () => {
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    const other = await newLetterIncident(
      deps,
      ['Fe Letter', 'Gi Letter', 'Ha Letter'].map((fullName, i) => ({ externalId: `X${i}`, fullName })),
      { system: 'crm-x' },
    );
    const handle = await env.client.workflow.start<typeof letterBatchWorkflow>('letterBatchWorkflow', {
      taskQueue,
      workflowId: letterBatchWorkflowId(other.incidentId, 'initial'),
      args: [{ incidentId: other.incidentId, waitMs: 0, filesPerRun: 1 }],
    });
    expect(await handle.result()).toMatchObject({ letters: 3 });
    // Two files, one per run: the first run ended by continuing as new.
    const first = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const events = (await first.fetchHistory()).events ?? [];
    expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM letters WHERE incident_id = $1 AND status = 'rendered'`,
      [other.incidentId],
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('opens the same batch again under the same key, and returns null when nobody waits', async () => {
    const run = (key: string) =>
      env.client.workflow.execute<typeof letterBatchWorkflow>('letterBatchWorkflow', {
        taskQueue,
        workflowId: letterBatchWorkflowId(incidentId, key),
        args: [{ incidentId, waitMs: 0 }],
      });
    // Everyone has a letter for this notice: a new key finds nobody.
    expect(await run('fallback')).toBeNull();
    // The finished 'initial' run's id again: the same batch, no letter rendered twice.
    const again = await run('initial');
    expect(again).toMatchObject({ letters: PEOPLE.length });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM letters WHERE incident_id = $1`,
      [incidentId],
    );
    expect(rows[0]!.n).toBe(PEOPLE.length);
  });
});
