import supertest from 'supertest';
import { bootstrap, BootstrapOptions, Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import type { User } from '../../src/domain/users';
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
