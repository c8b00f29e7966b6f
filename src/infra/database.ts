import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';
import type { Database as SqliteConnection } from 'sqlite3';
import type { Config } from '../config';
import { ROOT_DIR } from '../root-dir';
import type { Logger } from './logger';
import { keepStatementsPrepared } from './sqlite-statements';

export type Database = Knex;

/** Migrations by their source names (0001_foundation.ts), as knex_migrations records them. */
const MIGRATION_NAMES_DIR = path.join(ROOT_DIR, 'migrations');
/** Where the loadable files are: migrations/ under tsx, dist/migrations/ (.js) in the compiled build. */
const MIGRATION_FILES_DIR = path.join(__dirname, '..', '..', 'migrations');
const COMPILED = path.extname(__filename) === '.js';

/**
 * Lists the TypeScript sources but loads the compiled file when running compiled, so a database
 * migrated by `npm start` (tsx) is up to date for the production build and the other way round.
 */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => fs.readdirSync(MIGRATION_NAMES_DIR).filter((file) => file.endsWith('.ts')).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const file = path.join(MIGRATION_FILES_DIR, COMPILED ? name.replace(/\.ts$/, '.js') : name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Knex.Migration;
  },
};

export function databaseClient(db: Database): 'sqlite' | 'postgres' {
  return db.client.config.client === 'pg' ? 'postgres' : 'sqlite';
}

/**
 * A failed statement's error names the SQL with its placeholders, not the values: those include
 * phone numbers and session contents, which are never to reach a log.
 */
const QUIET_ERRORS = { compileSqlOnError: false } as const;

export function knexConfig(database: Config['database']): Knex.Config {
  const migrations = { migrationSource, tableName: 'knex_migrations' };
  if (database.url) {
    return { client: 'pg', connection: database.url, pool: { min: 0, max: 10 }, migrations, ...QUIET_ERRORS };
  }
  const inMemory = database.sqliteFile === ':memory:';
  const pragmas = inMemory
    ? 'PRAGMA foreign_keys = ON;'
    : 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;';
  // One connection keeps `:memory:` a single database; a file database in WAL mode allows
  // one writer at a time anyway, and a single connection avoids SQLITE_BUSY between our own.
  return { ...sqliteConfig(database.sqliteFile, { min: 1, max: 1 }, pragmas), migrations };
}

/** An SQLite file (or `:memory:`) with a pool of `pool` connections, each set up with `pragmas`. */
function sqliteConfig(filename: string, pool: { min: number; max: number }, pragmas: string): Knex.Config {
  return {
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    ...QUIET_ERRORS,
    pool: {
      ...pool,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        keepStatementsPrepared(conn);
        conn.exec(pragmas, (err) => done(err, conn));
      },
    },
  };
}

/** Knex's own warnings (lost connections and the like) go to the structured log, not the console. */
function withLog(config: Knex.Config, logger?: Logger): Knex.Config {
  if (!logger) return config;
  const write = (level: 'warn' | 'error' | 'debug') => (message: unknown) =>
    logger[level]({ knex: message instanceof Error ? message.message : String(message) }, 'database');
  return { ...config, log: { warn: write('warn'), error: write('error'), debug: write('debug'), deprecate: write('warn') } };
}

export function createDatabase(database: Config['database'], logger?: Logger): Database {
  if (!database.url && database.sqliteFile !== ':memory:') {
    fs.mkdirSync(path.dirname(database.sqliteFile), { recursive: true });
  }
  return knex(withLog(knexConfig(database), logger));
}

/** Read connections next to the single writing one: as many as libuv has threads by default. */
const SQLITE_READ_CONNECTIONS = 4;

/**
 * Connections for the reads every signed-in request makes outside a transaction (the session,
 * the patient, the Werkblad). On an SQLite file they are a pool of their own that cannot write:
 * in WAL mode they read alongside the one writing connection, instead of queueing behind its
 * every statement, and they see each write as soon as it is committed. PostgreSQL's pool
 * already reads in parallel, and an in-memory SQLite database is one connection: both are
 * returned as they are.
 */
export function createReadDatabase(database: Config['database'], writer: Database, logger?: Logger): Database {
  if (database.url || database.sqliteFile === ':memory:') return writer;
  const pool = { min: 0, max: SQLITE_READ_CONNECTIONS };
  return knex(withLog(sqliteConfig(database.sqliteFile, pool, 'PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;'), logger));
}

export async function migrateToLatest(db: Database): Promise<void> {
  await db.migrate.latest();
}
