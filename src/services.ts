import type { Config } from './config';
import type { Clock } from './domain/clock';
import { createAuditLog } from './domain/audit';
import { createModuleStore } from './domain/modules';
import { createPasswordHasher, PasswordHasher } from './domain/passwords';
import { createSignInService } from './domain/sign-in';
import { createSignInThrottle } from './domain/sign-in-throttle';
import { createUserStore } from './domain/users';
import type { Database } from './infra/database';
import type { LimiterFactory } from './infra/rate-limits';

export interface ServiceDeps {
  config: Config;
  db: Database;
  clock: Clock;
  limiters: LimiterFactory;
  hasher?: PasswordHasher;
}

/** The domain services, wired once; the web app and the admin command share them. */
export async function createServices({ config, db, clock, limiters, hasher = createPasswordHasher() }: ServiceDeps) {
  const users = createUserStore(db, clock);
  const audit = createAuditLog(db, clock);
  const throttle = await createSignInThrottle(limiters, config.signInThrottle);
  return {
    clock,
    users,
    audit,
    hasher,
    modules: createModuleStore(db),
    signIn: createSignInService({ users, hasher, throttle, audit }),
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
