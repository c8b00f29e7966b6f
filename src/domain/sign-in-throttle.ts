import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Limiter, LimiterFactory } from '../infra/rate-limits';

export interface SignInThrottleSettings {
  freeFailuresPerAccount: number;
  freeFailuresPerIp: number;
  lockBaseSeconds: number;
  lockMaxSeconds: number;
}

/** How a check went: `undecided` when it broke off, or checked nothing, before it was known to be right or wrong. */
export type ThrottleOutcome = 'success' | 'failure' | 'undecided';

/**
 * A check may go ahead; `settle` says how it went, and must be called once (a database outage
 * before the password was known is `undecided`).
 */
export interface ThrottlePass {
  allowed: true;
  settle(outcome: ThrottleOutcome): Promise<void>;
}

export type ThrottleReservation = ThrottlePass | { allowed: false; retryAfterMs: number };

const ACCOUNT_WINDOW_SECONDS = 24 * 3600;
const IP_WINDOW_SECONDS = 3600;

/** What one counter handed out: whether it took the lock (`gate`) too. */
type Taken = { ok: true; gate: boolean } | { ok: false; retryAfterMs: number };

/**
 * Failed passwords per account key (the typed e-mail address, whether or not an account exists)
 * and per IP. The first `free - 1` checks of a run go ahead; from then on each check must also
 * take the key's lock, which it holds for a time that doubles with every further check, up to
 * the maximum. A correct password ends the account's run and gives its places back.
 *
 * Every check takes its places (an atomic increment in Redis or SQL, and the lock, one holder at
 * a time) before the password is verified, so a burst of parallel requests gets exactly as many
 * verifications as the same requests one after the other.
 *
 * `prefix` names the counters: the patients' sign-in (`signin`) and the desk's (`desk_signin`)
 * count apart, so a patient's address and a staff member's never share a run.
 */
export async function createSignInThrottle(limiters: LimiterFactory, settings: SignInThrottleSettings, prefix = 'signin') {
  const counter = async (name: string, free: number, windowSeconds: number) => {
    const failures = await limiters({ keyPrefix: `${prefix}_fail_${name}`, points: Number.MAX_SAFE_INTEGER, duration: windowSeconds });
    // One limiter per lock length, all on the same keys: whoever finds the key free holds it.
    const gates = new Map<number, Promise<Limiter>>();
    const gate = (seconds: number) => {
      let limiter = gates.get(seconds);
      if (!limiter) gates.set(seconds, (limiter = limiters({ keyPrefix: `${prefix}_lock_${name}`, points: 1, duration: seconds })));
      return limiter;
    };
    const lockSeconds = (run: number) => Math.min(settings.lockBaseSeconds * 2 ** Math.min(run - free, 20), settings.lockMaxSeconds);

    return {
      async take(key: string): Promise<Taken> {
        const run = (await failures.penalty(key, 1)).consumedPoints; // never refused: counts only
        if (run < free) return { ok: true, gate: false };
        try {
          await (await gate(lockSeconds(run))).consume(key, 1);
          return { ok: true, gate: true };
        } catch (err) {
          await failures.giveBack(key, 1); // refused: it verified nothing, so it is no failure
          if (err instanceof RateLimiterRes) return { ok: false, retryAfterMs: err.msBeforeNext };
          throw err;
        }
      },
      /** Gives back what `take` handed out: the check did not happen, or was no failure. */
      async giveBack(key: string, taken: Taken): Promise<void> {
        if (!taken.ok) return;
        await failures.giveBack(key, 1);
        if (taken.gate) await (await gate(settings.lockBaseSeconds)).delete(key);
      },
      /** Ends the run: the key starts again with its free checks. */
      async reset(key: string): Promise<void> {
        await Promise.all([failures.delete(key), gate(settings.lockBaseSeconds).then((g) => g.delete(key))]);
      },
    };
  };
  const account = await counter('account', settings.freeFailuresPerAccount, ACCOUNT_WINDOW_SECONDS);
  const ip = await counter('ip', settings.freeFailuresPerIp, IP_WINDOW_SECONDS);

  /** A pass that keeps the places of a failure and gives back those of any other outcome. */
  const passFor = (giveBack: () => Promise<unknown>, success: () => Promise<unknown>): ThrottlePass => {
    let settled = false;
    return {
      allowed: true,
      async settle(outcome) {
        if (settled) return;
        settled = true;
        if (outcome === 'failure') return; // the places stay taken: that is the count
        await (outcome === 'undecided' ? giveBack() : success());
      },
    };
  };

  return {
    async reserve(accountKey: string, ipKey: string): Promise<ThrottleReservation> {
      const byAccount = await account.take(accountKey);
      if (!byAccount.ok) return { allowed: false, retryAfterMs: byAccount.retryAfterMs };
      let byIp: Taken;
      try {
        byIp = await ip.take(ipKey);
      } catch (err) {
        await account.giveBack(accountKey, byAccount).catch(() => undefined);
        throw err;
      }
      if (!byIp.ok) {
        await account.giveBack(accountKey, byAccount);
        return { allowed: false, retryAfterMs: byIp.retryAfterMs };
      }
      return passFor(
        () => Promise.all([account.giveBack(accountKey, byAccount), ip.giveBack(ipKey, byIp)]),
        () => Promise.all([account.reset(accountKey), ip.giveBack(ipKey, byIp)]),
      );
    },

    /** Ends an account's run of failures (its network's stays): someone else gave it a new password. */
    resetAccount: (accountKey: string) => account.reset(accountKey),

    /**
     * For a sign-in that names no account until it is checked (a passkey alone): the places of the
     * client's network only. What it checks is a signature, which proves nothing about an account
     * when it fails, so the failure counts against no account.
     */
    async reserveForNetwork(ipKey: string): Promise<ThrottleReservation> {
      const byIp = await ip.take(ipKey);
      if (!byIp.ok) return { allowed: false, retryAfterMs: byIp.retryAfterMs };
      const giveBack = () => ip.giveBack(ipKey, byIp);
      return passFor(giveBack, giveBack);
    },
  };
}

export type SignInThrottle = Awaited<ReturnType<typeof createSignInThrottle>>;
