import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { createDatabase, Database, migrateToLatest } from '../../src/infra/database';
import { startPostgresServer, TestPostgresServer } from './postgres-server';

/**
 * `npm test` runs the suite twice: on SQLite, then with TEST_DATABASE=postgres on a real
 * PostgreSQL server the tests start themselves (one server, a fresh database per use).
 */
export const TEST_DATABASE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let server: Promise<TestPostgresServer> | undefined;
let counter = 0;
const created = new Set<string>();
const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-test-db-'));

async function postgresDatabase(name: string): Promise<string> {
  const pg = await (server ??= startPostgresServer());
  if (!created.has(name)) {
    const admin = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.destroy();
    }
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
    return { SQLITE_FILE: key ? path.join(sqliteDir, `${key}.sqlite3`) : ':memory:' };
  }
  counter += 1;
  const name = key ? `karify_key_${key.replace(/\W/g, '_')}` : `karify_t${process.pid}_${counter}`;
  return { DATABASE_URL: await postgresDatabase(name) };
}

/** A migrated database of the kind under test, for domain tests that need no app. */
export async function openTestDatabase(key?: string): Promise<Database> {
  const env = await testDatabaseEnv(key);
  const db = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, sqliteFile: '' } : { sqliteFile: env.SQLITE_FILE! });
  await migrateToLatest(db);
  return db;
}

export async function stopTestDatabases(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
  fs.rmSync(sqliteDir, { recursive: true, force: true });
}
