import { RedisStore } from 'connect-redis';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Store } from 'express-session';
import type { Database } from './database';
import type { RedisClient } from './redis';

/**
 * Sessions expire at a fixed time (the absolute timeout); the idle timeout is enforced from a
 * timestamp inside the session. So the store never needs a write just to extend a session.
 */
class KnexStoreWithoutTouch extends ConnectSessionKnexStore {
  override async touch(_sid: string, _session: unknown, callback?: () => void): Promise<void> {
    callback?.();
  }
}

export function createSessionStore(deps: { db: Database; redis?: RedisClient }): Store {
  if (deps.redis) {
    return new RedisStore({ client: deps.redis, prefix: 'karify:sess:', disableTouch: true });
  }
  return new KnexStoreWithoutTouch({ knex: deps.db, tableName: 'sessions', createTable: false, cleanupInterval: 10 * 60_000 });
}
