import type { Express } from 'express';
import type { Store } from 'express-session';
import { createApp } from './app';
import type { Config } from './config';
import { Clock, systemClock } from './domain/clock';
import { DEMO_PATIENT, seedDemoPatient } from './domain/demo-patient';
import type { PasswordHasher } from './domain/passwords';
import { createDatabase, createReadDatabase, Database, migrateToLatest } from './infra/database';
import { createLogger, Logger } from './infra/logger';
import { createLimiterFactory } from './infra/rate-limits';
import { connectRedis, RedisClient } from './infra/redis';
import { createSessionStore } from './infra/session-store';
import { createServices, Services } from './services';

export interface Runtime {
  app: Express;
  config: Config;
  services: Services;
  db: Database;
  /** Read connections outside transactions (see createReadDatabase); `db` itself when not separate. */
  reads: Database;
  redis?: RedisClient;
  sessionStore: Store;
  logger: Logger;
  close(): Promise<void>;
}

export interface BootstrapOptions {
  clock?: Clock;
  logger?: Logger;
  hasher?: PasswordHasher;
}

/** Builds everything the app needs from the configuration. Tests call it with their own options. */
export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const db = createDatabase(config.database, logger);
  const reads = createReadDatabase(config.database, db, logger);
  const closeDatabases = async () => {
    if (reads !== db) await reads.destroy();
    await db.destroy();
  };
  let redis: RedisClient | undefined;
  try {
    await migrateToLatest(db);
    redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    const limiters = createLimiterFactory({ db, redis });
    const services = await createServices({ config, db, reads, clock, limiters, logger, hasher: options.hasher });

    if (config.seedDemoPatient && (await seedDemoPatient(services))) {
      logger.info(`Demo patient created: sign in with ${DEMO_PATIENT.email} and password ${DEMO_PATIENT.password}`);
    }

    const sessionStore = createSessionStore({ db, reads, redis });
    const app = createApp({ config, services, sessionStore, logger, db, redis });
    const close = async () => {
      if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
      await closeDatabases();
    };
    return { app, config, services, db, reads, redis, sessionStore, logger, close };
  } catch (err) {
    if (redis?.isOpen) redis.destroy();
    await closeDatabases();
    throw err;
  }
}
