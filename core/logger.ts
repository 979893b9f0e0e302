import { hostname } from 'node:os';
import pino from 'pino';
import { incidentWorkflowId } from './domain/ids';
import { VERSION } from './version';

export type Logger = pino.Logger;

/**
 * Personal data must not reach logs: these paths are redacted wherever they appear in a log
 * object. Messages are constant strings; variables go in fields.
 */
const REDACT = [
  '*.email',
  '*.fullName',
  '*.full_name',
  '*.recipient',
  '*.representativeEmail',
  '*.representativeName',
  'email',
  'fullName',
  'recipient',
  'req.headers.authorization',
];

/** `destination`: where the lines go instead of stdout (tests read them). */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Every line says which release wrote it: during a rolling upgrade two run side by side.
    base: { pid: process.pid, hostname: hostname(), version: VERSION },
    // A line about an incident names its workflow too (the incident's own, `incident-<id>`), so the
    // API's lines and the worker's are found by either field.
    mixin: (fields: object) => {
      const { incidentId, workflowId } = fields as { incidentId?: unknown; workflowId?: unknown };
      return typeof incidentId === 'string' && workflowId === undefined
        ? { workflowId: incidentWorkflowId(incidentId) }
        : {};
    },
    redact: { paths: REDACT, censor: '[redacted]' },
    // Fastify logs `req` with each request; its own serializer would write the whole URL. A logger
    // given to Fastify keeps its serializers, so this one is the API's.
    serializers: { req: requestLogEntry, err: errorLogEntry },
  };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { colorize: true } } : undefined,
  });
}

const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/**
 * An error as it appears in the log: pino's standard form (type, message, stack, cause, its own
 * fields) with every email address cut. Errors are written by libraries, not by us, and a relay's
 * refusal quotes the recipient ("550 5.1.1 <someone@example.com>: no such user", nodemailer's
 * `response` and `rejected`), so the message an operator needs is kept and the address is not.
 */
export function errorLogEntry(err: Error): unknown {
  return withoutEmailAddresses(pino.stdSerializers.err(err), 0);
}

function withoutEmailAddresses(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.replace(EMAIL_ADDRESS, '[email]');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutEmailAddresses(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withoutEmailAddresses(v, depth + 1);
  return out;
}

/** The fields of a request Fastify's `req` serializer gives (and the ones we log). */
interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** A request as it appears in the log: the URL without secrets or personal data (`redactUrl`). */
export function requestLogEntry(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * A URL fit for a log: the customer page's token (`/n/<token>`, the only key to their notice) is
 * cut, and every query value is, because queries carry what people search for (the support
 * lookup's `?email=` and `?reference=`). The parameter names stay, so the line still says what
 * was asked.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).replace(/\/n\/[^/]+/, '/n/[redacted]');
  if (at < 0) return path;
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()];
  return `${path}?${names.map((n) => `${encodeURIComponent(n)}=[redacted]`).join('&')}`;
}

const INCIDENT_URL =
  /^\/api\/incidents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?]|$)/i;

/**
 * The fields a request's log lines carry about the incident it concerns: the incident id of an
 * `/api/incidents/:id/…` URL and its workflow's id, so an operator can follow one incident through
 * the API's and the worker's logs with one filter. Nothing for any other URL.
 */
export function incidentLogFields(url: string): { incidentId: string; workflowId: string } | undefined {
  const id = INCIDENT_URL.exec(url)?.[1]?.toLowerCase();
  return id ? { incidentId: id, workflowId: incidentWorkflowId(id) } : undefined;
}

/**
 * Fastify's per-request child logger with `incidentLogFields` added (buildApp's
 * `childLoggerFactory`). Fastify has routed the request when it calls this, but hands over only the
 * raw request, so the id is read from the URL.
 */
export function requestLoggerFactory<
  L extends { child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): L },
>(logger: L, bindings: pino.Bindings, options: pino.ChildLoggerOptions, raw: { url?: string }): L {
  const fields = incidentLogFields(raw.url ?? '');
  return logger.child(fields ? { ...bindings, ...fields } : bindings, options);
}
