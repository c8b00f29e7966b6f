import path from 'node:path';
import knex, { Knex } from 'knex';
import { createDatabase, Database, migrateToLatest } from '../../src/infra/database';
import { startPostgresServer, TestPostgresServer } from './postgres-server';
import { temporaryDir } from './redis-server';

/**
 * `npm test` runs the suite twice: on SQLite, then with TEST_DATABASE=postgres on a real
 * PostgreSQL server the tests start themselves (one server, a fresh database per use).
 */
export const TEST_DATABASE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let server: Promise<TestPostgresServer> | undefined;
let admin: Knex | undefined;
let counter = 0;
const created = new Set<string>();
/** Databases of one runtime each (no key): dropped when that runtime closes. */
const disposable = new Set<string>();
let sqliteDir: ReturnType<typeof temporaryDir> | undefined;

async function postgresAdmin(): Promise<{ pg: TestPostgresServer; admin: Knex }> {
  const pg = await (server ??= startPostgresServer());
  admin ??= knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
  return { pg, admin };
}

async function postgresDatabase(name: string): Promise<string> {
  const { pg, admin } = await postgresAdmin();
  if (!created.has(name)) {
    await admin.raw('CREATE DATABASE ??', [name]);
    created.add(name);
  }
  const url = new URL(pg.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Database settings for one test runtime. Runtimes given the same `key` share one database
 * (to test a restart, or two instances); without a key each gets an empty one.
 */
export async function testDatabaseEnv(key?: string): Promise<Record<string, string>> {
  if (TEST_DATABASE === 'sqlite') {
    if (!key) return { SQLITE_FILE: ':memory:' };
    sqliteDir ??= temporaryDir('karify-test-db-');
    return { SQLITE_FILE: path.join(sqliteDir.path, `${key}.sqlite3`) };
  }
  counter += 1;
  const name = key ? `karify_key_${key.replace(/\W/g, '_')}` : `karify_t${process.pid}_${counter}`;
  if (!key) disposable.add(name);
  return { DATABASE_URL: await postgresDatabase(name) };
}

/**
 * Drops the database `testDatabaseEnv()` made without a key, once the one runtime using it has
 * closed: a run makes hundreds, and the server's data directory would otherwise grow to gigabytes.
 */
export async function releaseTestDatabase(env: Record<string, string>): Promise<void> {
  if (env.DATABASE_URL) await dropDisposable(new URL(env.DATABASE_URL).pathname.slice(1));
}

async function dropDisposable(name: string): Promise<void> {
  if (!disposable.delete(name)) return;
  created.delete(name);
  const { admin } = await postgresAdmin();
  await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
}

/** A migrated database of the kind under test, for domain tests that need no app. */
export async function openTestDatabase(key?: string): Promise<Database> {
  const env = await testDatabaseEnv(key);
  const db = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, sqliteFile: '' } : { sqliteFile: env.SQLITE_FILE! });
  await migrateToLatest(db);
  return db;
}

/** Destroys a database from `openTestDatabase()`; one made without a key is dropped as well. */
export async function closeTestDatabase(db: Database): Promise<void> {
  const name = (db.client.config as { connection?: { database?: string } }).connection?.database;
  await db.destroy();
  if (name) await dropDisposable(name);
}

export async function stopTestDatabases(): Promise<void> {
  await admin?.destroy();
  admin = undefined;
  if (server) await (await server).stop();
  server = undefined;
  sqliteDir?.remove();
  sqliteDir = undefined;
}
