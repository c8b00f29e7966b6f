import fs from 'node:fs';
import path from 'node:path';
import { EnvReader, ConfigError } from './env-reader';

export { ConfigError };

export const DEVELOPMENT_SESSION_SECRET = 'development-only-secret-do-not-use-in-production';

export type AppEnvironment = 'development' | 'production' | 'test';

export interface Config {
  env: AppEnvironment;
  isProduction: boolean;
  port: number;
  rootDir: string;
  database: { url?: string; sqliteFile: string };
  redisUrl?: string;
  sessionSecret: string;
  trustProxy: boolean | number | string;
  logLevel: string;
  timeZone: string;
  bodyLimitBytes: number;
  seedDemoPatient: boolean;
  session: { idleTimeoutMinutes: number; absoluteTimeoutHours: number; touchIntervalSeconds: number };
  signInThrottle: {
    freeFailuresPerAccount: number;
    freeFailuresPerIp: number;
    lockBaseSeconds: number;
    lockMaxSeconds: number;
  };
}

export const ROOT_DIR = path.resolve(__dirname, '..', '..');

/** Reads `.env` (when present) into the environment without overriding variables already set. */
export function loadDotEnvFile(file = path.join(ROOT_DIR, '.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = new EnvReader(env);
  const appEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const isProduction = appEnv === 'production';

  const sessionSecret = read.string('SESSION_SECRET', isProduction ? '' : DEVELOPMENT_SESSION_SECRET);
  if (isProduction && (sessionSecret.length < 32 || sessionSecret === DEVELOPMENT_SESSION_SECRET)) {
    read.fail('SESSION_SECRET', 'must be set in production to a random value of at least 32 characters');
  }

  const config: Config = {
    env: appEnv,
    isProduction,
    port: read.integer('PORT', 3000, { min: 0, max: 65535 }),
    rootDir: ROOT_DIR,
    database: {
      url: read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
      sqliteFile: read.string('SQLITE_FILE', path.join(ROOT_DIR, 'data', 'karify.sqlite3')),
    },
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    sessionSecret,
    trustProxy: read.trustProxy('TRUST_PROXY'),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      appEnv === 'test' ? 'silent' : 'info'),
    timeZone: read.timeZone('TIME_ZONE', 'Europe/Amsterdam'),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 16 * 1024, { min: 1024, max: 1024 * 1024 }),
    seedDemoPatient: read.boolean('SEED_DEMO_PATIENT', appEnv === 'development'),
    session: {
      idleTimeoutMinutes: read.integer('SESSION_IDLE_MINUTES', 30, { min: 1, max: 24 * 60 }),
      absoluteTimeoutHours: read.integer('SESSION_ABSOLUTE_HOURS', 12, { min: 1, max: 7 * 24 }),
      touchIntervalSeconds: 60,
    },
    signInThrottle: {
      freeFailuresPerAccount: read.integer('SIGNIN_FREE_FAILURES_PER_ACCOUNT', 5, { min: 1, max: 1000 }),
      freeFailuresPerIp: read.integer('SIGNIN_FREE_FAILURES_PER_IP', 20, { min: 1, max: 100000 }),
      lockBaseSeconds: read.integer('SIGNIN_LOCK_BASE_SECONDS', 30, { min: 1, max: 86400 }),
      lockMaxSeconds: read.integer('SIGNIN_LOCK_MAX_SECONDS', 900, { min: 1, max: 86400 }),
    },
  };
  read.throwIfInvalid();
  return config;
}
