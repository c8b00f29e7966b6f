import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../infra/rate-limits';

export interface SignInThrottleSettings {
  freeFailuresPerAccount: number;
  freeFailuresPerIp: number;
  lockBaseSeconds: number;
  lockMaxSeconds: number;
}

export type ThrottleState = { locked: false } | { locked: true; retryAfterMs: number };

const ACCOUNT_WINDOW_SECONDS = 24 * 3600;
const IP_WINDOW_SECONDS = 3600;

interface Counter {
  failures: RateLimiterAbstract;
  locks: RateLimiterAbstract;
  free: number;
}

/**
 * Counts consecutive failed sign-ins per account key (the typed e-mail address, whether or not
 * an account exists) and per IP. Past the free failures, each failure locks that key for a
 * duration that doubles up to the maximum.
 */
export async function createSignInThrottle(limiters: LimiterFactory, settings: SignInThrottleSettings) {
  const counter = async (name: string, free: number, windowSeconds: number): Promise<Counter> => ({
    failures: await limiters({ keyPrefix: `signin_fail_${name}`, points: 1_000_000, duration: windowSeconds }),
    locks: await limiters({ keyPrefix: `signin_lock_${name}`, points: 1, duration: 1 }),
    free,
  });
  const account = await counter('account', settings.freeFailuresPerAccount, ACCOUNT_WINDOW_SECONDS);
  const ip = await counter('ip', settings.freeFailuresPerIp, IP_WINDOW_SECONDS);

  const lockDuration = (failures: number, free: number) =>
    Math.min(settings.lockBaseSeconds * 2 ** Math.min(failures - free, 20), settings.lockMaxSeconds);

  async function remainingLockMs(c: Counter, key: string): Promise<number> {
    const res = await c.locks.get(key);
    return res && res.consumedPoints > 1 ? res.msBeforeNext : 0;
  }

  async function fail(c: Counter, key: string): Promise<void> {
    const res = await c.failures.penalty(key, 1);
    if (res.consumedPoints >= c.free) await c.locks.block(key, lockDuration(res.consumedPoints, c.free));
  }

  return {
    async check(accountKey: string, ipKey: string): Promise<ThrottleState> {
      const [a, i] = await Promise.all([remainingLockMs(account, accountKey), remainingLockMs(ip, ipKey)]);
      const retryAfterMs = Math.max(a, i);
      return retryAfterMs > 0 ? { locked: true, retryAfterMs } : { locked: false };
    },

    async recordFailure(accountKey: string, ipKey: string): Promise<void> {
      await Promise.all([fail(account, accountKey), fail(ip, ipKey)]);
    },

    /** A correct password ends the account's run of failures; the IP's count decays by itself. */
    async recordSuccess(accountKey: string): Promise<void> {
      await Promise.all([account.failures.delete(accountKey), account.locks.delete(accountKey)]);
    },
  };
}

export type SignInThrottle = Awaited<ReturnType<typeof createSignInThrottle>>;
