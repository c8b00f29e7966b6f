import type { Express } from 'express';
import { createApp } from './app';
import type { Config } from './config';
import { Clock, systemClock } from './domain/clock';
import { DEMO_PATIENT, demoPatientSignsInWithPublicPassword, seedDemoPatient } from './domain/demo-patient';
import type { PasswordHasher } from './domain/passwords';
import { createDatabase, createReadDatabase, Database, databaseClient, migrateToLatest } from './infra/database';
import { createLogger, Logger } from './infra/logger';
import { createLimiterFactory } from './infra/rate-limits';
import { closeRedis, connectRedis, RedisClient } from './infra/redis';
import { StartupError } from './infra/startup-error';
import { createSessionStore, type SessionStore } from './infra/session-store';
import { createServices, Services } from './services';
import { paths } from './paths';

/** What the server and the admin command both run on: the database (migrated), Redis, the services. */
export interface ServiceRuntime {
  config: Config;
  services: Services;
  db: Database;
  /** Read connections outside transactions (see createReadDatabase); `db` itself when not separate. */
  reads: Database;
  redis?: RedisClient;
  logger: Logger;
  close(): Promise<void>;
}

export interface Runtime extends ServiceRuntime {
  app: Express;
  sessionStore: SessionStore;
  /** The desk's sessions (/balie), apart from the patients'. */
  deskSessionStore: SessionStore;
  /** With several instances: the forms whose success moved the session, for the others (src/http/moved-forms.ts). */
  movedFormStore?: SessionStore;
}

/** Start-up refused on purpose (the demo patient in production): the message says what to do. */
export class StartupRefusedError extends StartupError {}

/** The message of a start-up failure that explains itself (no stack trace needed), or undefined. */
export const startupProblem = (err: unknown): string | undefined => (err instanceof StartupError ? err.message : undefined);

export interface BootstrapOptions {
  clock?: Clock;
  logger?: Logger;
  hasher?: PasswordHasher;
}

/**
 * The one start-up sequence: connect, migrate, build the services. On failure whatever was
 * opened is closed again. The admin command stops here; the server goes on with `bootstrap`.
 */
export async function openServices(config: Config, options: BootstrapOptions = {}): Promise<ServiceRuntime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = createDatabase(config.database, logger);
  const reads = createReadDatabase(config.database, db, logger);
  let redis: RedisClient | undefined;
  let services: Services | undefined;
  const close = async () => {
    await services?.mailWorker.stop(); // first: it writes to the database until it has stopped
    if (redis) await closeRedis(redis);
    if (reads !== db) await reads.destroy();
    await db.destroy();
  };
  try {
    await migrateToLatest(db, { logger });
    redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    const limiters = createLimiterFactory({ db, redis });
    const clock = options.clock ?? systemClock;
    services = await createServices({ config, db, reads, clock, limiters, logger, hasher: options.hasher });
    return { config, services, db, reads, redis, logger, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/**
 * Everything the server needs: the services, the demo patient in development, sessions, the app,
 * and the mail worker sending the outbox (`close` stops the worker and the session cleanup).
 */
export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const runtime = await openServices(config, options);
  const { services, db, reads, redis, logger } = runtime;
  try {
    if (config.isProduction && (await demoPatientSignsInWithPublicPassword(services))) {
      throw new StartupRefusedError(
        `The demo patient ${DEMO_PATIENT.email} still signs in with its public password (it is in the README), and this is production: Karify does not start. ` +
          'This database was once used in development. Disable that account (with the same configuration as the server): ' +
          `npm run admin -- disable-user --email ${DEMO_PATIENT.email} --reason "demo patient from development"`,
      );
    }
    if (config.seedDemoPatient) {
      const demo = await seedDemoPatient(services);
      const signIn = `${config.webauthn.origin}${paths.signIn}`;
      // Its password is named only while it still works: a patient may have chosen another.
      logger.info(demo === 'own_password'
        ? `Demo patient: sign in at ${signIn} as ${DEMO_PATIENT.email} with the password chosen for it`
        : `Demo patient${demo === 'created' ? ' created' : ''}: sign in at ${signIn} as ${DEMO_PATIENT.email} with password ${DEMO_PATIENT.password}`);
    }
    const sessionStore = createSessionStore({ db, reads, redis, logger });
    const deskSessionStore = createSessionStore({ db, reads, redis, logger, kind: 'desk' });
    // Several instances share Redis or PostgreSQL; read from the primary, where the form was just kept.
    const movedFormStore = redis || databaseClient(db) === 'postgres' ? createSessionStore({ db, redis, logger, kind: 'movedForms' }) : undefined;
    const app = createApp({ config, services, sessionStore, deskSessionStore, movedFormStore, logger, db, redis });
    const close = async () => {
      await Promise.all([sessionStore.close(), deskSessionStore.close(), movedFormStore?.close()]);
      await runtime.close();
    };
    services.mailWorker.start();
    return { ...runtime, app, sessionStore, deskSessionStore, movedFormStore, close };
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
}
