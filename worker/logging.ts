import { DefaultLogger } from '@temporalio/worker';
import type { ActivityInterceptorsFactory, LogEntry, LogLevel } from '@temporalio/worker';
import { incidentIdOfWorkflowId } from '../core/domain/ids';
import type { Logger } from '../core/logger';

/*
 * The worker's logs are one pino stream (core/logger.ts): its own lines, and everything the
 * Temporal runtime logs — the SDK's, each activity's `Context.current().log` and each workflow's
 * `log` — forwarded here with the runtime's attributes (workflowId, workflowType, activityType,
 * attempt …). Every line that concerns an incident also carries `incidentId`: read from the
 * workflow id (core/domain/ids.ts `incidentIdOfWorkflowId`), or, for an activity of a workflow
 * whose id does not name it (a mailing's shard), from the activity's `{ incidentId }` argument.
 */

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

/** The Temporal runtime's logger (`Runtime.install({ logger })`), writing into `log`. */
export function runtimeLogger(log: Logger, level: string): DefaultLogger {
  const threshold: LogLevel =
    level === 'silent' || level === 'fatal' ? 'ERROR' : (level.toUpperCase() as LogLevel);
  return new DefaultLogger(threshold, (entry) => {
    log[PINO_LEVEL[entry.level]](runtimeLogFields(entry), entry.message);
  });
}

/**
 * A runtime entry's attributes as log fields: `incidentId` added where the workflow id names one,
 * and an `error` (the SDK's name for it) moved to `err`, so pino's error serializer writes its type,
 * message and stack (an Error under any other key comes out as `{}`).
 */
export function runtimeLogFields(entry: Pick<LogEntry, 'meta'>): Record<string, unknown> {
  const { error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...meta };
  if (error !== undefined) fields.err = error;
  if (typeof meta.workflowId === 'string' && meta.incidentId === undefined) {
    const incidentId = incidentIdOfWorkflowId(meta.workflowId);
    if (incidentId) fields.incidentId = incidentId;
  }
  return fields;
}

/**
 * Activity interceptor (Worker.create `interceptors.activity`): the activity's log attributes get
 * `incidentId` from its `{ incidentId }` argument when its workflow id does not name the incident.
 * Ids only: no other argument is looked at or logged.
 */
export const incidentLogInterceptor: ActivityInterceptorsFactory = (ctx) => {
  const workflowId = ctx.info.workflowExecution?.workflowId;
  let incidentId = workflowId ? incidentIdOfWorkflowId(workflowId) : undefined;
  return {
    inbound: {
      execute(input, next) {
        incidentId ??= incidentIdOfArgs(input.args);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next(incidentId ? { ...attributes, incidentId } : attributes);
      },
    },
  };
};

function incidentIdOfArgs(args: readonly unknown[]): string | undefined {
  const first = args[0];
  if (first === null || typeof first !== 'object') return undefined;
  const id = (first as { incidentId?: unknown }).incidentId;
  return typeof id === 'string' ? id : undefined;
}
