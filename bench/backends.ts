import crypto from 'node:crypto';
import path from 'node:path';
import { startPostgresServer, TestPostgresServer } from '../test/support/postgres-server';
import { freeLoopbackPort, startRedisServer, temporaryDir, TestRedisServer } from '../test/support/redis-server';
import { PROFILE_HOOK } from './profiler';
import { Loader, NodeChild, startNodeChild, waitUntilReady } from './processes';

export type BackendName = 'sqlite' | 'redis-postgres';

export interface Backend {
  name: BackendName;
  label: string;
  database: { url?: string; sqliteFile: string };
  env: Record<string, string>;
  stop(): Promise<void>;
}

export type BackendOrSkip = Backend | { name: BackendName; label: string; skipped: string };

export const LABELS: Record<BackendName, string> = { sqlite: 'SQLite', 'redis-postgres': 'Redis + PostgreSQL' };

/** Starts what the backend needs, or says why it cannot (the bench is not a test: it skips). */
export async function prepareBackend(name: BackendName, tempDir: string): Promise<BackendOrSkip> {
  const label = LABELS[name];
  if (name === 'sqlite') {
    const sqliteFile = path.join(tempDir, 'bench.sqlite3');
    return { name, label, database: { sqliteFile }, env: { SQLITE_FILE: sqliteFile }, stop: async () => {} };
  }
  let redis: TestRedisServer | undefined;
  let postgres: TestPostgresServer | undefined;
  try {
    redis = await startRedisServer();
    postgres = await startPostgresServer('karify_bench');
  } catch (err) {
    await redis?.stop();
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
    return { name, label, skipped: reason };
  }
  const url = postgres.url;
  return {
    name,
    label,
    database: { url, sqliteFile: path.join(tempDir, 'unused.sqlite3') },
    env: { DATABASE_URL: url, REDIS_URL: redis.url },
    async stop() {
      await postgres?.stop();
      await redis?.stop();
    },
  };
}

/** Production settings, with the limits raised so they never throttle the bench. */
export function appEnvironment(backend: Backend, port: number, vonageUrl: string): NodeJS.ProcessEnv {
  const inherited = ['PATH', 'HOME', 'TMPDIR', 'UV_THREADPOOL_SIZE'].filter((k) => process.env[k] !== undefined);
  return {
    ...Object.fromEntries(inherited.map((k) => [k, process.env[k]])),
    NODE_ENV: 'production',
    PORT: String(port),
    SESSION_SECRET: crypto.randomBytes(30).toString('base64url').slice(0, 40),
    // Read by the app once the authenticator-app branch is configured; harmless before that.
    TOTP_ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
    TRUST_PROXY: 'true',
    PUBLIC_URL: 'https://karify.example.nl',
    SEED_DEMO_PATIENT: 'false',
    SMS_PROVIDER: 'vonage',
    VONAGE_REST_HOST: vonageUrl,
    VONAGE_API_KEY: 'test-key',
    VONAGE_API_SECRET: 'test-secret',
    SIGNIN_FREE_FAILURES_PER_ACCOUNT: '1000',
    SIGNIN_FREE_FAILURES_PER_IP: '100000',
    SMS_RESEND_COOLDOWN_SECONDS: '1',
    SMS_MAX_PER_ACCOUNT_PER_HOUR: '1000',
    SMS_MAX_PER_NUMBER_PER_DAY: '1000',
    SMS_MAX_PER_IP_PER_HOUR: '100000',
    SMS_GLOBAL_DAILY_CAP: '10000000',
    // The bench makes no security change, so no alert is written; the outbox keeps it off the network.
    MAIL_PROVIDER: 'outbox',
    ALLOW_MAIL_OUTBOX_IN_PRODUCTION: 'true',
    MAIL_FROM: 'Karify <noreply@example.nl>',
    ...backend.env,
  };
}

/** The app as `npm start` runs it, as a child process, ready to serve. */
export async function startApp(options: {
  appDir: string;
  entry: string;
  loader: Loader;
  nodeArgs: string[];
  backend: Backend;
  vonageUrl: string;
  logDir: string;
  profileDir?: string;
}) {
  const port = await freeLoopbackPort();
  const { backend } = options;
  const env = appEnvironment(backend, port, options.vonageUrl);
  if (options.profileDir) env.BENCH_PROFILE_DIR = options.profileDir;
  const nodeArgs = [...options.nodeArgs, ...(options.profileDir ? ['--require', PROFILE_HOOK] : [])];
  const app: NodeChild = startNodeChild(path.join(options.appDir, options.entry), {
    cwd: options.appDir,
    loader: options.loader,
    env,
    logFile: path.join(options.logDir, `app-${backend.name}.log`),
    nodeArgs,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(app, `${base}/readyz`);
  } catch (err) {
    await app.stop();
    throw err;
  }
  return { app, base };
}

export { temporaryDir };
