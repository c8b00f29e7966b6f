import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import knex from 'knex';
import type { Database } from '../../src/infra/database';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { openTestDatabase, TEST_DATABASE, testDatabaseEnv } from '../support/test-database';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One empty database of the kind under test (SQLite; PostgreSQL with TEST_DATABASE=postgres),
 * shared by the admin command, a test runtime and the test's own checks.
 */
export interface AdminTestDatabase {
  /** SQLITE_FILE or DATABASE_URL of this database. */
  env: Record<string, string>;
  /** For startTestRuntime: an app on this same database. */
  runtimeEnv: { TEST_DB_KEY: string };
  /** Runs the real admin command on this database. */
  admin(args: string[], stdin?: string): Promise<CliResult>;
  /** A migrated connection for checks; destroy it after use. */
  open(): Promise<Database>;
  /** Whether anything (the command, an app) has created the schema yet. */
  hasSchema(): Promise<boolean>;
}

let counter = 0;

export async function adminTestDatabase(): Promise<AdminTestDatabase> {
  counter += 1;
  const key = `admin_cli_${counter}`;
  const env = await testDatabaseEnv(key);
  return {
    env,
    runtimeEnv: { TEST_DB_KEY: key },
    admin: (args, stdin = '') => runAdmin(env, args, stdin),
    open: () => openTestDatabase(key),
    async hasSchema() {
      // Opening a SQLite file creates it, so its absence is checked without opening it.
      if (TEST_DATABASE === 'sqlite') return fs.existsSync(env.SQLITE_FILE!);
      const db = knex({ client: 'pg', connection: env.DATABASE_URL!, pool: { min: 0, max: 1 } });
      try {
        return await db.schema.hasTable('knex_migrations');
      } finally {
        await db.destroy();
      }
    },
  };
}

/**
 * For a describe block: before each test an empty database of the kind under test, and an app on
 * it (the same database the command uses), closed after the test.
 */
export function withAdminDatabase(): { database: AdminTestDatabase; rt: TestRuntime } {
  const world = {} as { database: AdminTestDatabase; rt: TestRuntime };
  beforeEach(async () => {
    world.database = await adminTestDatabase();
    world.rt = await startTestRuntime(world.database.runtimeEnv);
  });
  afterEach(() => world.rt.close());
  return world;
}

/**
 * Runs the real admin command in a child process, as `npm run admin` would, on the given database;
 * `nodeOptions` go before it (a test's `--require` of a file that makes something fail).
 */
export function runAdmin(database: Record<string, string>, args: string[], stdin = '', nodeOptions: string[] = []): Promise<CliResult> {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'src/cli/admin.ts', ...args], {
    cwd: ROOT,
    // Empty DATABASE_URL/REDIS_URL win over a developer's .env: the test always uses its own database.
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      REDIS_URL: '',
      TIME_ZONE: 'Europe/Amsterdam',
      PUBLIC_URL: 'https://karify.example.nl',
      ...database,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function succeeds(pending: Promise<CliResult>): Promise<CliResult> {
  const result = await pending;
  expect(result.code, result.stderr).to.equal(0);
  return result;
}
