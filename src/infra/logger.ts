import pino from 'pino';

export type Logger = pino.Logger;

// Defence in depth: request bodies are never logged, but these paths are censored wherever they appear.
const REDACT_PATHS = [
  'password',
  '*.password',
  'code',
  '*.code',
  'recoveryCode',
  '*.recoveryCode',
  'phone',
  '*.phone',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/**
 * Logs to `destination`, by default standard output written asynchronously: lines written while a
 * write is under way go out together in the next one, instead of one system call per line on the
 * request's path. pino writes what is left synchronously when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination ?? pino.destination({ dest: 1, sync: false }));
}
