import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { expect } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { buildApp } from '../../api/app';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as incidents from '../../core/db/incidents';
import type { Pool } from '../../core/db/pool';
import type { User } from '../../core/db/users';
import { createLogger } from '../../core/logger';
import type { Role } from '../../core/domain/model';
import { FAILURE_CONVERTER_PATH, dataConverter } from '../../core/data-converter';
import { buildActivityDeps } from '../../worker/deps';
import type { TestDatabase } from './db';
import { approvePending, newIncident, newUser, withFixtureConsent } from './factories';
import type { NewIncidentOverrides, StartOn } from './factories';
import { devServerAddress, devServerNativeConnection, uniqueTaskQueue } from './temporal';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Workflows are bundled once per test file (process) and shared by its workers. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietBundlerLogger,
  });
  return bundle;
}

/** A logger for `bundleWorkflowCode` that shows only errors. */
export const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

export interface TestSystem {
  config: Readonly<Config>;
  app: App;
  client: Client;
  /** Bearer tokens of the demo staff, by name. */
  tokens: Record<'officer' | 'compliance' | 'compliance2' | 'support' | 'admin', string>;
  staff: Record<'officer' | 'compliance' | 'compliance2' | 'support' | 'admin', User>;
  /** Stops the worker and closes everything. */
  stop(): Promise<void>;
}

/**
 * The whole of Forthright in the test process, on real servers: the worker (real activities) on the
 * shared Temporal dev server with its own task queue, and the API app (use `app.inject`).
 */
export async function startSystem(
  db: TestDatabase,
  smtpUrl: string,
  env: Record<string, string> = {},
  /** `templatesDir`: the worker drafts notices from this copy of templates/ (to edit it in a test). */
  options: { templatesDir?: string } = {},
): Promise<TestSystem> {
  const config = loadConfig({
    FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-test-')),
    DATABASE_URL: db.url,
    SMTP_URL: smtpUrl,
    TEMPORAL_ADDRESS: devServerAddress(),
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('system'),
    LOG_LEVEL: 'silent',
    DELIVERY_BATCH_SIZE: '100',
    DELIVERY_RETRY_DELAYS: '1,1',
    ...env,
  });
  const staffSpec: [keyof TestSystem['tokens'], Role][] = [
    ['officer', 'officer'],
    ['compliance', 'compliance'],
    ['compliance2', 'compliance'],
    ['support', 'support'],
    ['admin', 'admin'],
  ];
  const tokens = {} as TestSystem['tokens'];
  const staff = {} as TestSystem['staff'];
  for (const [name, role] of staffSpec) {
    const member = await newUser(db.pool, {
      role,
      email: `${name}@staff.example.com`,
      displayName: `Test ${name}`,
    });
    tokens[name] = member.token;
    staff[name] = member.user;
  }

  const deps = buildActivityDeps(config, options.templatesDir);
  const connection = await devServerNativeConnection();
  const worker = await Worker.create({
    connection,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(deps),
    dataConverter: dataConverter(config.temporal.payloadKey),
  });
  const running = worker.run();

  const clientConnection = await (
    await import('@temporalio/client')
  ).Connection.connect({ address: devServerAddress() });
  const client = new Client({
    connection: clientConnection,
    dataConverter: dataConverter(config.temporal.payloadKey),
  });
  const app = await buildApp({
    config,
    pool: db.pool,
    temporal: client,
    logger: createLogger('silent', 'test'),
  });

  return {
    config,
    app,
    client,
    tokens,
    staff,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
      await deps.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  return poll(check, timeoutMs, 200, () => `condition not met within ${timeoutMs} ms`);
}

/**
 * Polls `check` every `intervalMs` until it returns a value, or fails after `timeoutMs` saying
 * what it waited for.
 */
export function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 120_000,
  intervalMs = 100,
): Promise<T> {
  return poll(check, timeoutMs, intervalMs, () => `timed out waiting for ${what}`);
}

async function poll<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  intervalMs: number,
  failure: () => string,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(failure());
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A breach of the CRM (email exposed), discovered an hour ago: the usual incident of the delivery tests. */
export const crmExportIncident = (): Omit<NewIncidentOverrides, 'openedBy'> => ({
  title: 'CRM export left on a public file share',
  description: 'A copy of the CRM customer table was reachable without a password.',
  discoveredAt: new Date(Date.now() - 3_600_000),
  occurredFrom: new Date('2025-06-01T00:00:00Z'),
  systems: ['crm'],
  dataCategories: ['email'],
});

/** A breach of billing (card numbers exposed), discovered an hour ago. */
export const billingCardIncident = (): Omit<NewIncidentOverrides, 'openedBy'> => ({
  title: 'Card data read from the billing database',
  description: 'An attacker read billing records through a vulnerable reporting endpoint.',
  discoveredAt: new Date(Date.now() - 3_600_000),
  systems: ['billing'],
  dataCategories: ['payment_card'],
});

/**
 * Opens an incident through the use case as `staff.officer` (`facts` over the factory's defaults),
 * starts its workflow on `deps`, waits until its notice awaits approval and approves it through the
 * use case as `staff.compliance`; returns the incident's id (delivery has started, not finished).
 */
export async function openAndApprovePending(
  deps: StartOn & { pool: Pool },
  staff: { officer: User; compliance: User },
  facts: Omit<NewIncidentOverrides, 'openedBy'> = crmExportIncident(),
): Promise<string> {
  const { incident } = await newIncident(deps.pool, { ...facts, openedBy: staff.officer }, deps);
  await waitUntil(
    'the notice to await approval',
    async () => (await incidents.get(deps.pool, incident.id))?.status === 'awaiting_approval',
    180_000,
  );
  await approvePending(deps, staff.compliance, incident.id);
  return incident.id;
}

/**
 * Opens an incident through the API as the officer, waits until its notice awaits approval and
 * approves it as compliance; returns the incident's id (delivery has started, not finished).
 */
export async function openAndApprove(system: TestSystem, incident: object): Promise<string> {
  const opened = await system.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: bearer(system.tokens.officer),
    payload: incident,
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const id = opened.json().id as string;
  await eventually(async () => (await incidentStatus(system, id)) === 'awaiting_approval');
  const approved = await system.app.inject({
    method: 'POST',
    url: `/api/incidents/${id}/approval`,
    headers: bearer(system.tokens.compliance),
    payload: { decision: 'approve', ...(await reviewedNotice(system, id)) },
  });
  expect(approved.statusCode, approved.body).toBe(200);
  return id;
}

/**
 * What an approval body names of the notice it decides on: the newest version's id and content
 * hash, as the approver saw them (read through the API as the officer).
 */
export async function reviewedNotice(
  system: TestSystem,
  id: string,
): Promise<{ noticeId: string; contentHash: string }> {
  const response = await system.app.inject({
    method: 'GET',
    url: `/api/incidents/${id}/notices`,
    headers: bearer(system.tokens.officer),
  });
  expect(response.statusCode, response.body).toBe(200);
  const newest = response.json().items[0] as { id: string; contentHash: string };
  return { noticeId: newest.id, contentHash: newest.contentHash };
}

/** An incident's status, as the officer reads it through the API. */
export async function incidentStatus(system: TestSystem, id: string): Promise<string> {
  const response = await system.app.inject({
    method: 'GET',
    url: `/api/incidents/${id}`,
    headers: bearer(system.tokens.officer),
  });
  return response.json().status as string;
}

/** Loads customers and holdings through the inventory API as an admin, failing the test on a refusal. */
export async function importInventory(
  system: TestSystem,
  customers: object[],
  holdings: object[],
): Promise<void> {
  for (const [url, payload] of [
    // Consent to electronic notices unless the test mentions it (see factories' FIXTURE_CONSENT).
    ['/api/inventory/customers', customers.map(withFixtureConsent)],
    ['/api/inventory/holdings', holdings],
  ] as const) {
    const response = await system.app.inject({
      method: 'POST',
      url,
      headers: bearer(system.tokens.admin),
      payload,
    });
    if (response.statusCode !== 200)
      throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
  }
}
