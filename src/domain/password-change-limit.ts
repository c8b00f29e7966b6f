import { RateLimiterRes } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../infra/rate-limits';
import { upToWholeMinute, type Clock } from './clock';

/** `retryAt`: when a new password may be tried again, rounded up to the minute the patient can be told. */
export type PasswordChangeReservation = { allowed: true } | { allowed: false; retryAt: number };

export type PasswordChangeLimit = Awaited<ReturnType<typeof createPasswordChangeLimit>>;

/**
 * How often one account may try a new password in an hour. Each try costs two argon2id
 * computations (is it the current one; the new hash), so a place is taken before them, and a
 * burst of tries from one session gets no more of them than tries one after the other.
 */
export async function createPasswordChangeLimit(limiters: LimiterFactory, clock: Clock, perHour: number) {
  const tries = await limiters({ keyPrefix: 'password_change', points: perHour, duration: 3600 });
  return {
    /** `account`: e.g. `patient:12` or `staff:3`. */
    async reserve(account: string): Promise<PasswordChangeReservation> {
      try {
        await tries.consume(account, 1);
        return { allowed: true };
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        return { allowed: false, retryAt: upToWholeMinute(clock.now() + err.msBeforeNext) };
      }
    },
  };
}
