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

export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { colorize: true } } : undefined,
  });
}
