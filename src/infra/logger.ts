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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
