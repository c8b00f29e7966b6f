import { RedisStore } from 'connect-redis';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Store } from 'express-session';
import type { Database } from './database';
import type { RedisClient } from './redis';

type KnexStoreOptions = ConstructorParameters<typeof ConnectSessionKnexStore>[0];

/**
 * Sessions expire at a fixed time (the absolute timeout); the idle timeout is enforced from a
 * timestamp inside the session. So the store never needs a write just to extend a session.
 * Sessions are read through `reader`: a store on the read connections (see createReadDatabase).
 */
class KnexStoreWithoutTouch extends ConnectSessionKnexStore {
  /** Undefined when reads go to the database itself. */
  private readonly reader?: ConnectSessionKnexStore;

  constructor(options: KnexStoreOptions, reads: Database) {
    super(options);
    if (reads !== options.knex) this.reader = new ConnectSessionKnexStore({ ...options, knex: reads, cleanupInterval: 0 });
  }

  override async touch(_sid: string, _session: unknown, callback?: () => void): Promise<void> {
    callback?.();
  }

  // The base class hands an error to the callback AND rejects its promise, which express-session
  // ignores: an unhandled rejection would stop the process. The callback already has the error.
  override async get(...args: Parameters<ConnectSessionKnexStore['get']>): ReturnType<ConnectSessionKnexStore['get']> {
    return (this.reader ? this.reader.get(...args) : super.get(...args)).catch(() => null);
  }

  override async set(...args: Parameters<ConnectSessionKnexStore['set']>) {
    return super.set(...args).catch(() => undefined);
  }

  override async destroy(...args: Parameters<ConnectSessionKnexStore['destroy']>) {
    return super.destroy(...args).catch(() => 0);
  }
}

/**
 * The patients' sessions, or (`desk`) the clinic desk's, kept apart: their own Redis keys or their
 * own table. Each middleware gets a store of its own (see sessionMiddleware).
 */
export function createSessionStore(deps: { db: Database; reads?: Database; redis?: RedisClient; desk?: boolean }): Store {
  if (deps.redis) {
    return new RedisStore({ client: deps.redis, prefix: deps.desk ? 'karify:balie:' : 'karify:sess:', disableTouch: true });
  }
  const options = { knex: deps.db, tableName: deps.desk ? 'desk_sessions' : 'sessions', createTable: false, cleanupInterval: 10 * 60_000 };
  return new KnexStoreWithoutTouch(options, deps.reads ?? deps.db);
}
