import { RedisStore } from 'connect-redis';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Store } from 'express-session';
import type { Database } from './database';
import type { Logger } from './logger';
import type { RedisClient } from './redis';

type KnexStoreOptions = ConstructorParameters<typeof ConnectSessionKnexStore>[0];

/** A session store that can be stopped: the runtime closes it before it closes the database. */
export type SessionStore = Store & { close(): Promise<void> };

/** How often expired sessions are deleted from the database. */
const SESSION_CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Sessions expire at a fixed time (the absolute timeout); the idle timeout is enforced from a
 * timestamp inside the session. So the store never needs a write just to extend a session.
 * Sessions are read through `reader`: a store on the read connections (see createReadDatabase).
 */
class KnexStoreWithoutTouch extends ConnectSessionKnexStore implements SessionStore {
  /** Undefined when reads go to the database itself. */
  private readonly reader?: ConnectSessionKnexStore;

  constructor(options: KnexStoreOptions, reads: Database) {
    super(options);
    if (reads !== options.knex) this.reader = new ConnectSessionKnexStore({ ...options, knex: reads, cleanupInterval: 0 });
    // A failed table check surfaces on the first get or set; unhandled here, it would end the process.
    for (const store of [this, this.reader]) store?.ready.catch(() => undefined);
    // The base class's timer calls this.dbCleanup() (private in its types): after close, nothing.
    const self = this as unknown as { dbCleanup(): Promise<void> };
    const cleanup = self.dbCleanup.bind(this);
    self.dbCleanup = () => (this.closed ? Promise.resolve() : cleanup());
  }

  private closed = false;

  /** Stops the periodic cleanup: none starts after this, also not one a cleanup under way schedules as it ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.options.cleanupInterval = 0;
    clearTimeout(this.nextDbCleanup);
    await this.ready.catch(() => undefined);
  }

  /* eslint-disable @typescript-eslint/no-misused-promises -- express-session's Store types these
     as callback methods; connect-session-knex's return promises as well, which never reject here. */
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
  /* eslint-enable @typescript-eslint/no-misused-promises */
}

export interface SessionStoreDeps {
  db: Database;
  reads?: Database;
  redis?: RedisClient;
  logger?: Logger;
  /** Whose: the clinic desk's sessions (/balie) and the moved forms each have their own Redis keys or their own table. */
  kind?: keyof typeof KINDS;
  cleanupIntervalMs?: number;
}

const KINDS = {
  patients: { prefix: 'karify:sess:', table: 'sessions' },
  desk: { prefix: 'karify:balie:', table: 'desk_sessions' },
  /** Not sessions: forms whose success moved the session, for the other instances (src/http/moved-forms.ts). */
  movedForms: { prefix: 'karify:moved-form:', table: 'moved_forms' },
};

/**
 * The patients' sessions, or the clinic desk's, kept apart (or the moved forms, kept as sessions
 * are). Each middleware gets a store of its own (see sessionMiddleware).
 */
export function createSessionStore(deps: SessionStoreDeps): SessionStore {
  const { prefix, table: tableName } = KINDS[deps.kind ?? 'patients'];
  if (deps.redis) {
    // Redis expires sessions itself; the client is closed with the runtime.
    const store = new RedisStore({ client: deps.redis, prefix, disableTouch: true });
    return Object.assign(store, { close: async () => undefined });
  }
  const options: KnexStoreOptions = {
    knex: deps.db,
    tableName,
    createTable: false,
    cleanupInterval: deps.cleanupIntervalMs ?? SESSION_CLEANUP_INTERVAL_MS,
    // One log line, not a stack trace on stderr: the next run tries again.
    onDbCleanupError: (err) => deps.logger?.warn({ err: (err as Error).message, table: tableName }, 'Deleting expired sessions failed'),
  };
  return new KnexStoreWithoutTouch(options, deps.reads ?? deps.db);
}
