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
 * Standard output, written asynchronously in blocks: lines wait until 4 KB have gathered or a
 * second has passed, instead of one write (and, asynchronously, one wake-up of a libuv thread) per
 * request. pino writes what is left synchronously when the process exits.
 */
const standardOutput = () => pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });

/**
 * Where a database error carries the values of the row or statement (PostgreSQL's `detail`, e.g.
 * "Failing row contains (…, +31612345678, …)"); an error is logged without them.
 */
const VALUE_FIELDS = ['detail', 'where', 'internalQuery', 'parameters', 'bindings', 'sql'];

function serializeError(err: unknown): Record<string, unknown> {
  // Some callers log only the message: kept as one field, not spread into its characters.
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(err as Error) };
  for (const field of VALUE_FIELDS) delete serialized[field];
  return serialized;
}

/** Logs to `destination`, by default standard output (see above). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { err: serializeError } },
    destination ?? standardOutput(),
  );
}
