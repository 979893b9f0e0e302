import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';

/**
 * Temporal for tests: the time-skipping test server (one per test file, for deadlines measured in
 * days) and the dev server that test/setup/global.ts started for the whole run (for tests that need
 * a real server's behaviour: updates, many workers, crash recovery).
 */

/**
 * Starts a time-skipping environment on Temporal's Java test server. `env.sleep('3 days')` skips
 * time; `await handle.result()` skips to the next timer by itself. Call `env.teardown()` in afterAll.
 * Share one per file and run its tests serially, as the SDK's testing docs advise.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = inject('timeSkippingServerPath');
  if (!path || !existsSync(path)) {
    throw new Error(
      'The time-skipping test server is not installed: run `bash scripts/provision.sh test` (npm test does).',
    );
  }
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}

/** host:port of the shared dev server; namespace `default`. */
export function devServerAddress(): string {
  return inject('temporalAddress');
}

/** A client on the shared dev server. Close it with `close()`. */
export async function devServerClient(
  namespace = 'default',
): Promise<{ client: Client; connection: Connection; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: devServerAddress() });
  return { client: new Client({ connection, namespace }), connection, close: () => connection.close() };
}

/** A connection for `Worker.create({ connection, ... })` on the shared dev server. Close it after the worker stops. */
export function devServerNativeConnection(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: devServerAddress() });
}

/**
 * The shared dev server wrapped as a TestWorkflowEnvironment (`env.client`, `env.nativeConnection`),
 * for code written against that interface. No time skipping. `env.teardown()` closes its connections only.
 */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: devServerAddress() });
}

/** A task queue no other test uses, so workers of different tests never take each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}
