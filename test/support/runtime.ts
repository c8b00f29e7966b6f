import type { Express } from 'express';
import type { SessionData, Store } from 'express-session';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { bootstrap, BootstrapOptions, Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import type { User } from '../../src/domain/users';
import type { Services } from '../../src/services';
import { TestClock } from './clock';
import { releaseTestDatabase, testDatabaseEnv } from './test-database';

export type TestEnv = Record<string, string | undefined>;

export interface TestRuntime extends Runtime {
  clock: TestClock;
  agent(): supertest.Agent;
  createPatient(input?: Partial<{ email: string; name: string; password: string }>): Promise<User & { password: string }>;
}

export const DEFAULT_TEST_PASSWORD = 'paarse-olifant-wandelt';

/** Everything production requires (secrets, Vonage, SMTP), behind a TLS proxy: for tests of production behaviour. */
export const PRODUCTION_ENV: TestEnv = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  SESSION_SECRET: 'p'.repeat(40),
  TOTP_ENCRYPTION_KEY: 't'.repeat(40),
  SMS_PROVIDER: 'vonage',
  VONAGE_API_KEY: 'dummy-key',
  VONAGE_API_SECRET: 'dummy-secret',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  MAIL_FROM: 'Karify <noreply@example.nl>',
  PUBLIC_URL: 'https://karify.example.nl',
  TRUST_PROXY: 'true',
};

/** A complete app on the database under test (or what `env` says), with a test clock. */
export async function startTestRuntime(env: TestEnv = {}, options: BootstrapOptions = {}): Promise<TestRuntime> {
  // A test that names SQLITE_FILE or DATABASE_URL itself gets exactly that; otherwise the
  // database under test (SQLite, or PostgreSQL with TEST_DATABASE=postgres), shared by TEST_DB_KEY.
  const { TEST_DB_KEY, ...rest } = env;
  const database = rest.SQLITE_FILE || rest.DATABASE_URL ? {} : await testDatabaseEnv(TEST_DB_KEY);
  const config = loadConfig({ NODE_ENV: 'test', ...database, ...rest });
  const clock = (options.clock as TestClock | undefined) ?? new TestClock();
  const runtime = await bootstrap(config, { ...options, clock });
  let counter = 0;
  return {
    ...runtime,
    async close() {
      await runtime.close();
      await releaseTestDatabase(database);
    },
    clock,
    agent: () => supertest.agent(runtime.app),
    async createPatient(input = {}) {
      counter += 1;
      const password = input.password ?? DEFAULT_TEST_PASSWORD;
      const user = await runtime.services.users.create({
        email: input.email ?? `patient${counter}@example.nl`,
        name: input.name ?? `Patiënt ${counter}`,
        passwordHash: await runtime.services.hasher.hash(password),
      });
      return { ...user, password };
    },
  };
}

/**
 * A second app on the same runtime (database, sessions, clock) with some services or the session
 * store replaced, for instance by one that fails: the runtime's own stay as they are.
 */
export function appWith(rt: TestRuntime, replaced: { services?: Partial<Services>; sessionStore?: Store }): Express {
  return createApp({ ...rt, services: { ...rt.services, ...replaced.services }, sessionStore: replaced.sessionStore ?? rt.sessionStore });
}

/** The session store with its reads passed through `read` (to fail one, or count them); `get` reads for real. */
export function sessionStoreReading(store: Store, read: (sid: string, callback: (err: unknown, session?: SessionData | null) => void, get: () => void) => void): Store {
  const wrapped = Object.create(store) as Store;
  wrapped.get = (sid, callback) => read(sid, callback, () => store.get(sid, callback));
  return wrapped;
}

/** An error of a dropped connection, as a store that lost Redis or the database gives. */
export const connectionReset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

/** A browser of `app` holding the cookies of `agent` (the same jar): the same patient, another app. */
export function sameBrowserOn(app: Express, agent: supertest.Agent): supertest.Agent {
  const twin = supertest.agent(app);
  twin.jar = agent.jar;
  return twin;
}
