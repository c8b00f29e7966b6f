import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knex, { Knex } from 'knex';
import type { Database as SqliteConnection } from 'sqlite3';
import type { Config } from '../config';
import { ROOT_DIR } from '../root-dir';
import type { Logger } from './logger';
import { StartupError } from './startup-error';
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

/**
 * Knex's warnings when another instance holds its migration lock: migrateToLatest waits for that
 * instance instead, and the advice to run `knex migrate:unlock` would be dangerous while it migrates.
 */
const KNEX_LOCK_WARNINGS = /^(Can't take lock to run migrations|If you are sure migrations are not running)/;

/** Knex's own warnings (lost connections and the like) go to the structured log, not the console. */
function withLog(config: Knex.Config, logger?: Logger): Knex.Config {
  if (!logger) return config;
  const write = (level: 'warn' | 'error' | 'debug') => (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    if (!KNEX_LOCK_WARNINGS.test(text)) logger[level]({ knex: text }, 'database');
  };
  return { ...config, log: { warn: write('warn'), error: write('error'), debug: write('debug'), deprecate: write('warn') } };
}

/** The database could not be opened or brought up to date, for a reason the message explains. */
export class DatabaseStartError extends StartupError {}

export function createDatabase(database: Config['database'], logger?: Logger): Database {
  if (!database.url && database.sqliteFile !== ':memory:') {
    const dir = path.dirname(database.sqliteFile);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new DatabaseStartError(`The folder ${dir} of the SQLite database (SQLITE_FILE) cannot be made by the user Karify runs as (${currentUser()}): ${(err as Error).message}`);
    }
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

/** How long an instance waits for another one that is migrating the same database. */
export const MIGRATION_WAIT_MS = 60_000;
const MIGRATION_POLL_MS = 500;
/** Any number all instances agree on: the PostgreSQL advisory lock held while one of them migrates. */
const MIGRATION_ADVISORY_LOCK = 4_861_170_926;

/** Another instance holds the advisory lock (see migrateOnce). */
class AnotherInstanceMigrating extends Error {}

const isKnexMigrationLock = (err: unknown) => err instanceof Error && err.name === 'MigrationLocked';

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/**
 * SQLite refusing the file (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM) as a message about its
 * permissions. Knex reports a write refused while taking its migration lock as MigrationLocked
 * with the SQLite error in its message only, so the message is searched as well as the code.
 */
export function sqliteFileProblem(err: unknown, file: string): DatabaseStartError | undefined {
  if (!(err instanceof Error)) return undefined;
  const errorCode = (err as { code?: unknown }).code;
  const code = /\bSQLITE_(READONLY|CANTOPEN|PERM)\b/.exec(`${typeof errorCode === 'string' ? errorCode : ''} ${err.message}`)?.[1];
  if (!code) return undefined;
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  return new DatabaseStartError(
    `The SQLite database ${file} (SQLITE_FILE) cannot be ${code === 'CANTOPEN' ? 'opened' : 'written'} by the user Karify runs as (${currentUser()}): SQLITE_${code}. ` +
      `That user must be able to write the file, its folder ${dir} (SQLite keeps ${base}-wal and ${base}-shm beside it) and those two files when they exist; ` +
      `check their owner and permissions (ls -la ${dir}).`,
  );
}

/**
 * On PostgreSQL the migration runs while this instance holds an advisory lock, so a second
 * instance started at the same time waits instead of racing to create knex's own tables on a
 * fresh database (which fails, or leaves two lock rows that fail every later migration).
 */
async function migrateOnce(db: Database): Promise<string[]> {
  const latest = async () => ((await db.migrate.latest()) as [number, string[]])[1];
  if (databaseClient(db) !== 'postgres') return latest();
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { locked: boolean }[] }>('SELECT pg_try_advisory_xact_lock(?::bigint) AS locked', [MIGRATION_ADVISORY_LOCK]);
    if (!rows[0]?.locked) throw new AnotherInstanceMigrating();
    return latest();
  });
}

/**
 * Brings the database up to the latest schema; resolves with the migrations it applied. When
 * another instance is migrating it at the same time, waits for it (at most `waitMs`) and then
 * finds nothing left to do.
 */
export async function migrateToLatest(db: Database, options: { logger?: Logger; waitMs?: number; pollMs?: number } = {}): Promise<string[]> {
  const waitMs = options.waitMs ?? MIGRATION_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      const applied = await migrateOnce(db);
      if (waiting) options.logger?.info('the other instance has migrated the database; going on');
      return applied;
    } catch (err) {
      const file = databaseClient(db) === 'sqlite' ? (db.client.config.connection as { filename?: string } | undefined)?.filename : undefined;
      const fileProblem = file ? sqliteFileProblem(err, file) : undefined;
      if (fileProblem) throw fileProblem;
      const knexLock = isKnexMigrationLock(err);
      if (!knexLock && !(err instanceof AnotherInstanceMigrating)) throw err;
      if (Date.now() >= deadline) {
        throw new DatabaseStartError(
          `Another instance (or npm run migrate) is still migrating the database after ${waitMs / 1000} s; stopped waiting for it. ` +
            (knexLock
              ? 'If none is running, a migration was interrupted and left knex\'s lock behind: only then release it with ' +
                '`NODE_OPTIONS=\'--import tsx\' npx knex migrate:unlock --knexfile knexfile.ts` (same configuration) and start again.'
              : 'Start this one again once it has finished.'),
        );
      }
      if (!waiting) options.logger?.info({ waitSeconds: waitMs / 1000 }, 'another instance is migrating the database; waiting');
      waiting = true;
      await sleep(options.pollMs ?? MIGRATION_POLL_MS);
    }
  }
}
