import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';
import type { Config } from '../config';
import type { Logger } from './logger';

export type Database = Knex;

export const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'migrations');

export function databaseClient(db: Database): 'sqlite' | 'postgres' {
  return db.client.config.client === 'pg' ? 'postgres' : 'sqlite';
}

export function knexConfig(database: Config['database']): Knex.Config {
  const migrations = { directory: MIGRATIONS_DIR, loadExtensions: ['.ts'], tableName: 'knex_migrations' };
  if (database.url) {
    return { client: 'pg', connection: database.url, pool: { min: 0, max: 10 }, migrations };
  }
  const inMemory = database.sqliteFile === ':memory:';
  return {
    client: 'sqlite3',
    connection: { filename: database.sqliteFile },
    useNullAsDefault: true,
    // One connection keeps `:memory:` a single database; a file database in WAL mode allows
    // one writer at a time anyway, and a single connection avoids SQLITE_BUSY between our own.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        const pragmas = inMemory
          ? 'PRAGMA foreign_keys = ON;'
          : 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;';
        conn.exec(pragmas, (err) => done(err, conn));
      },
    },
    migrations,
  };
}

interface SqliteConnection {
  exec(sql: string, callback: (err: Error | null) => void): void;
}

/** Knex's own warnings (lost connections and the like) go to the structured log, not the console. */
function knexLog(logger: Logger): Knex.Config['log'] {
  const write = (level: 'warn' | 'error' | 'debug') => (message: unknown) =>
    logger[level]({ knex: message instanceof Error ? message.message : String(message) }, 'database');
  return { warn: write('warn'), error: write('error'), debug: write('debug'), deprecate: write('warn') };
}

export function createDatabase(database: Config['database'], logger?: Logger): Database {
  if (!database.url && database.sqliteFile !== ':memory:') {
    fs.mkdirSync(path.dirname(database.sqliteFile), { recursive: true });
  }
  return knex({ ...knexConfig(database), ...(logger ? { log: knexLog(logger) } : {}) });
}

export async function migrateToLatest(db: Database): Promise<void> {
  await db.migrate.latest();
}
