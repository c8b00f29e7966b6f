import type { RequestOrigin } from './audit';
import { clientNetwork } from './client-network';
import { upToWholeMinute, type Clock } from './clock';
import { oneTimePasswordExpired, passwordToCheck } from './one-time-passwords';
import type { PasswordHasher } from './passwords';
import type { SignInThrottle, ThrottleOutcome } from './sign-in-throttle';
import { normalizeEmail, type User } from './users';

/** What a password check needs of an account: a patient (User) or a staff member (StaffMember). */
export interface PasswordAccount {
  id: number;
  passwordHash: string;
  disabled: boolean;
  /** Set while the password is a one-time one the clinic gave (see one-time-passwords.ts). */
  oneTimePasswordUntil: number | null;
}

export type SignInResult<A extends PasswordAccount = User> =
  | { status: 'ok'; user: A }
  | { status: 'invalid' }
  /** The right password of an account that is switched off: said only to whoever knows the password. */
  | { status: 'disabled' }
  /** The right one-time password after the time it worked until: said as the above. */
  | { status: 'expired' }
  /** `retryAt`: when to try again, rounded up to the minute a patient can be told. */
  | { status: 'throttled'; retryAt: number };

/**
 * What a wrong password is recorded as: a failed sign-in or, for an account signed in already that
 * confirms who it is before a change (the patients' fresh confirmation, the desk's identity check),
 * a failed confirmation.
 */
export type WrongPasswordEvent = 'sign_in_failed' | 'confirmation_failed';

/** What a refused password is recorded as (`details.reason`). */
const FAILURE_REASONS = { invalid: 'password', disabled: 'disabled', expired: 'one_time_password_expired' } as const;

export type SignInService<A extends PasswordAccount = User> = ReturnType<typeof createSignInService<A>>;

/** Patients (the user store and their audit log), or staff (the staff store and the staff audit log). */
export function createSignInService<A extends PasswordAccount = User>(deps: {
  users: { findByEmail(email: string): Promise<A | undefined> };
  hasher: PasswordHasher;
  throttle: SignInThrottle;
  audit: { recordRefusedPassword(accountId: number | null, type: WrongPasswordEvent, origin: RequestOrigin, details: Record<string, string>): Promise<void> };
  clock: Clock;
}) {
  const { users, hasher, throttle, audit, clock } = deps;

  return {
    /**
     * Checks e-mail and password. An unknown e-mail and a wrong password give the same answer after
     * the same work (one argon2 verification, one audit statement that stores nothing for an unknown
     * address: see insertForAccount), so nothing tells them apart; a disabled account, or an expired
     * password, is named only after its right password (it still counts as a failure).
     * The throttle's places are taken before the verification (see createSignInThrottle), whatever
     * the check is for; `wrongPasswordEvent` is what a failure is recorded as.
     */
    async checkPassword(email: string, password: string, origin: RequestOrigin, wrongPasswordEvent: WrongPasswordEvent = 'sign_in_failed'): Promise<SignInResult<A>> {
      const accountKey = normalizeEmail(email);
      const pass = await throttle.reserve(accountKey, clientNetwork(origin.ip));
      if (!pass.allowed) return { status: 'throttled', retryAt: upToWholeMinute(clock.now() + pass.retryAfterMs) };

      // A check that broke off before the password was known (the database unreachable) gives its
      // places back: an outage is nobody's failed attempt, and must not lock the patient out after it.
      let outcome: ThrottleOutcome = 'undecided';
      try {
        const refuse = async (accountId: number | null, refusal: keyof typeof FAILURE_REASONS) => {
          outcome = 'failure';
          await audit.recordRefusedPassword(accountId, wrongPasswordEvent, origin, { reason: FAILURE_REASONS[refusal] });
          return { status: refusal };
        };
        const user = await users.findByEmail(accountKey);
        if (!user) {
          await hasher.verifyDummy(password);
          return await refuse(null, 'invalid');
        }
        const passwordOk = await hasher.verify(user.passwordHash, passwordToCheck(user, password));
        const refusal = !passwordOk ? 'invalid' : user.disabled ? 'disabled' : oneTimePasswordExpired(user, clock.now()) ? 'expired' : null;
        if (refusal === null) {
          outcome = 'success';
          return { status: 'ok', user };
        }
        return await refuse(user.id, refusal);
      } finally {
        await pass.settle(outcome);
      }
    },

    /** After an admin gave the account a new password: the failures with the old one no longer lock it. */
    forgetAccountFailures: (email: string) => throttle.resetAccount(normalizeEmail(email)),

    /**
     * A sign-in without a password (a passkey alone), under the throttle of the client's network
     * only (see SignInThrottle.reserveForNetwork): `check` says how it went, and what to answer. A
     * check that broke off, or checked nothing (`undecided`), gives its place back.
     */
    async withoutPassword<R>(
      origin: RequestOrigin,
      check: () => Promise<{ outcome: ThrottleOutcome; result: R }>,
    ): Promise<{ status: 'throttled'; retryAt: number } | { status: 'checked'; result: R }> {
      const pass = await throttle.reserveForNetwork(clientNetwork(origin.ip));
      if (!pass.allowed) return { status: 'throttled', retryAt: upToWholeMinute(clock.now() + pass.retryAfterMs) };
      let outcome: ThrottleOutcome = 'undecided';
      try {
        const checked = await check();
        outcome = checked.outcome;
        return { status: 'checked', result: checked.result };
      } finally {
        await pass.settle(outcome);
      }
    },
  };
}
