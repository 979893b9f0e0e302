import pino from 'pino';

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
    redact: { paths: REDACT, censor: '[redacted]' },
    // Fastify logs `req` with each request; its own serializer would write the whole URL. A logger
    // given to Fastify keeps its serializers, so this one is the API's.
    serializers: { req: requestLogEntry },
  };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { colorize: true } } : undefined,
  });
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
