import type { Config } from '../config';
import { systemClock } from '../domain/clock';
import { createDatabase, migrateToLatest } from '../infra/database';
import { createLogger } from '../infra/logger';
import { createLimiterFactory } from '../infra/rate-limits';
import { connectRedis, RedisClient } from '../infra/redis';
import { createServices, Services } from '../services';

export interface AdminContext {
  config: Config;
  services: Services;
  close(): Promise<void>;
}

/** The domain services without the web app, for the admin command. Always call close(). */
export async function openAdminContext(config: Config): Promise<AdminContext> {
  const logger = createLogger(config.logLevel, process.stderr);
  const db = createDatabase(config.database);
  let redis: RedisClient | undefined;
  try {
    await migrateToLatest(db);
    redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    const limiters = createLimiterFactory({ db, redis });
    const services = await createServices({ config, db, clock: systemClock, limiters, logger });
    const close = async () => {
      if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
      await db.destroy();
    };
    return { config, services, close };
  } catch (err) {
    if (redis?.isOpen) redis.destroy();
    await db.destroy();
    throw err;
  }
}
