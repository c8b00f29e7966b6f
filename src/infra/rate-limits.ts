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
      : new RateLimiterSQLite({ ...common, clearExpiredByTimeout: false }, done);
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
