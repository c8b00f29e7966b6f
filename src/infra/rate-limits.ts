import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterSQLite,
} from 'rate-limiter-flexible';
import type { Database } from './database';
import { databaseClient } from './database';
import type { RedisClient } from './redis';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number; // seconds
}

/** Creates counters that live where the deployment keeps shared state: Redis, else the SQL database. */
export type LimiterFactory = (options: LimiterOptions) => Promise<RateLimiterAbstract>;

const TABLE = 'rate_limits';

interface UpsertResult {
  points: number;
  expire: number | null;
}

/**
 * RateLimiterSQLite on knex, with its one write sent through knex.
 *
 * rate-limiter-flexible 11.4 takes a connection from knex's pool, queues SAVEPOINT, the upsert and
 * RELEASE on it, and gives the connection back before they have run (`return` without `await`
 * inside try/finally in `_upsertTransaction`). Our SQLite pool has a single connection, so the
 * next `db.transaction()` gets it while the limiter's savepoint is open: its BEGIN fails with
 * "SQLITE_ERROR: cannot start a transaction within a transaction", or its statements land in the
 * limiter's savepoint and are committed by its RELEASE even when the transaction rolls back.
 *
 * The upsert is a single INSERT … ON CONFLICT … RETURNING statement, atomic by itself; through
 * knex it holds the connection until it is done. Reads and deletes are left to the base class:
 * they await their statement before giving the connection back.
 */
class KnexSQLiteLimiter extends RateLimiterSQLite {
  constructor(
    private readonly db: Database,
    opts: ConstructorParameters<typeof RateLimiterSQLite>[0],
    done?: (err?: Error) => void,
  ) {
    super(opts, done);
  }

  /** Called by the base class for consume, penalty, reward, block and set. */
  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<UpsertResult> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    const rows: UpsertResult[] = forceExpire
      ? await this.db.raw(`INSERT OR REPLACE INTO ${TABLE} (key, points, expire) VALUES (?, ?, ?) RETURNING points, expire`, [key, points, expire])
      : await this.db.raw(
          `INSERT INTO ${TABLE} (key, points, expire) VALUES (?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET
             points = CASE WHEN expire IS NULL OR expire > ? THEN points + excluded.points ELSE excluded.points END,
             expire = CASE WHEN expire IS NULL OR expire > ? THEN expire ELSE excluded.expire END
           RETURNING points, expire`,
          [key, points, expire, now, now],
        );
    const row = rows[0];
    if (!row) throw new Error(`rate limit upsert for ${key} returned no row`);
    return row;
  }
}

export function createLimiterFactory(deps: { db: Database; redis?: RedisClient }): LimiterFactory {
  const { db, redis } = deps;
  if (redis) {
    return async (options) => new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true });
  }
  // Every limiter shares one table; the first creates it, the rest wait for that.
  let tableReady: Promise<void> | undefined;
  const sqlLimiter = (options: LimiterOptions, tableCreated: boolean, done?: (err?: Error) => void) => {
    const common = { ...options, storeClient: db, storeType: 'knex', tableName: TABLE, tableCreated };
    return databaseClient(db) === 'postgres'
      ? new RateLimiterPostgres({ ...common, clearExpiredByTimeout: false }, done)
      : new KnexSQLiteLimiter(db, { ...common, clearExpiredByTimeout: false }, done);
  };
  return async (options) => {
    tableReady ??= new Promise<void>((resolve, reject) => {
      sqlLimiter({ keyPrefix: 'setup', points: 1, duration: 1 }, false, (err) => (err ? reject(err) : resolve()));
    });
    await tableReady;
    return sqlLimiter(options, true);
  };
}

/** For unit tests of services that need counters but not persistence. */
export const memoryLimiterFactory: LimiterFactory = async (options) => new RateLimiterMemory(options);
