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

/**
 * A counter: rate-limiter-flexible's, with `giveBack` in place of its `reward`. A reward adds minus
 * the points, and on a key whose window has ended it opens a new window below zero: places handed
 * back just after the end (a burst refused at the end of a window) would be free tries in the
 * next. `giveBack` lowers only a running window's count, never below zero, in one statement (one
 * script on Redis).
 */
export type Limiter = Pick<RateLimiterAbstract, 'points' | 'consume' | 'penalty' | 'get' | 'set' | 'delete'> & {
  giveBack(key: string, points?: number): Promise<void>;
};

/** Creates counters that live where the deployment keeps shared state: Redis, else the SQL database. */
export type LimiterFactory = (options: LimiterOptions) => Promise<Limiter>;

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

const withGiveBack = (limiter: RateLimiterAbstract, giveBack: Limiter['giveBack']): Limiter => Object.assign(limiter, { giveBack });

/** Lowers a running window's count by up to `points` (at most to zero); an ended or missing window stays as it is. */
const REDIS_GIVE_BACK = `local count = tonumber(redis.call('GET', KEYS[1]))
if count and count > 0 then redis.call('DECRBY', KEYS[1], math.min(count, tonumber(ARGV[1]))) end
return 0`;

function redisLimiter(redis: RedisClient, options: LimiterOptions): Limiter {
  const limiter = new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true });
  return withGiveBack(limiter, async (key, points = 1) => {
    await redis.eval(REDIS_GIVE_BACK, { keys: [limiter.getKey(key)], arguments: [String(points)] });
  });
}

function sqlGiveBack(db: Database, limiter: RateLimiterAbstract): Limiter['giveBack'] {
  return async (key, points = 1) => {
    await db.raw(
      `UPDATE ${TABLE} SET points = CASE WHEN points > ? THEN points - ? ELSE 0 END WHERE key = ? AND (expire IS NULL OR expire > ?)`,
      [points, points, limiter.getKey(key), Date.now()],
    );
  };
}

export function createLimiterFactory(deps: { db: Database; redis?: RedisClient }): LimiterFactory {
  const { db, redis } = deps;
  if (redis) return async (options) => redisLimiter(redis, options);
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
    const limiter = sqlLimiter(options, true);
    return withGiveBack(limiter, sqlGiveBack(db, limiter));
  };
}

/**
 * For unit tests of services that need counters but not persistence. Its give-back reads, then
 * rewards: in one process nothing else counts in between, only the clock moves on.
 */
export const memoryLimiterFactory: LimiterFactory = async (options) => {
  const limiter = new RateLimiterMemory(options);
  return withGiveBack(limiter, async (key, points = 1) => {
    const state = await limiter.get(key);
    if (state && state.consumedPoints > 0) await limiter.reward(key, Math.min(points, state.consumedPoints));
  });
};
