import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `scripts/provision.sh` leaves the tools it obtains, for TypeScript code (the launcher, the
 * test set-up). Provisioning is the only place that downloads or builds anything; these functions
 * only look, and say what to run when something is missing.
 */

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const toolsDir = resolve(repoRoot, '.tools');

/** Thrown when a tool that provisioning obtains is not there yet; the message says what to run. */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * The Temporal CLI (which runs the dev server): the copy provisioning cached in `.tools/bin`, else
 * `temporal` from PATH (provisioning caches nothing when PATH already has one).
 */
export function temporalCliPath(): string {
  const cached = join(toolsDir, 'bin', 'temporal');
  if (isExecutable(cached)) return cached;
  const found = onPath('temporal');
  if (found) return found;
  throw new ToolMissingError(
    'The Temporal CLI is missing: run `npm run provision` (or `bash scripts/provision.sh`).',
  );
}

/** The wrapper that starts Temporal's time-skipping test server; the SDK calls it with a port. */
export function timeSkippingServerPath(): string {
  const wrapper = join(toolsDir, 'bin', 'temporal-test-server');
  if (isExecutable(wrapper)) return wrapper;
  throw new ToolMissingError(
    'The Temporal time-skipping test server is missing: run `bash scripts/provision.sh test` (needs Java and Maven).',
  );
}

/** A Temporal server built from `go.temporal.io/server` (see provision.sh `cluster`), with its SQL schema tool. */
export interface TemporalServerTools {
  /** The `go.temporal.io/server` release they were built from, e.g. `v1.29.1`. */
  version: string;
  /** `cmd/server`: `temporal-server start --service=…`. */
  server: string;
  /** `cmd/tools/sql`: creates the databases and sets up and updates their schema. */
  sqlTool: string;
  /** The module's `schema/` folder (postgresql/v12/temporal/versioned and …/visibility/versioned). */
  schemaDir: string;
}

/** The Temporal server and SQL tool that `bash scripts/provision.sh cluster` built into `.tools/temporal-server`. */
export function temporalServerTools(): TemporalServerTools {
  const dir = join(toolsDir, 'temporal-server');
  const server = join(dir, 'bin', 'temporal-server');
  const sqlTool = join(dir, 'bin', 'temporal-sql-tool');
  const schemaDir = join(dir, 'schema');
  let version = '';
  try {
    version = readFileSync(join(dir, 'VERSION'), 'utf8').trim();
  } catch {
    // Not built (or the build did not finish): the check below says what to run.
  }
  if (version && isExecutable(server) && isExecutable(sqlTool) && existsSync(schemaDir))
    return { version, server, sqlTool, schemaDir };
  throw new ToolMissingError(
    'The Temporal server (go.temporal.io/server) is not built: run `bash scripts/provision.sh cluster` (needs Go; about 5 minutes the first time).',
  );
}
