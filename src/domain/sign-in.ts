import type { AuditLog, RequestOrigin } from './audit';
import type { PasswordHasher } from './passwords';
import type { SignInThrottle } from './sign-in-throttle';
import { normalizeEmail, User, UserStore } from './users';

export type SignInResult =
  | { status: 'ok'; user: User }
  | { status: 'invalid' }
  | { status: 'throttled'; retryAfterMs: number };

export type SignInService = ReturnType<typeof createSignInService>;

export function createSignInService(deps: {
  users: UserStore;
  hasher: PasswordHasher;
  throttle: SignInThrottle;
  audit: AuditLog;
}) {
  const { users, hasher, throttle, audit } = deps;

  return {
    /**
     * Checks e-mail and password. An unknown e-mail, a disabled account and a wrong password give
     * the same answer after the same work (one argon2 verification), so nothing tells them apart.
     */
    async checkPassword(email: string, password: string, origin: RequestOrigin): Promise<SignInResult> {
      const accountKey = normalizeEmail(email);
      const ipKey = origin.ip ?? 'unknown';
      const state = await throttle.check(accountKey, ipKey);
      if (state.locked) return { status: 'throttled', retryAfterMs: state.retryAfterMs };

      const user = await users.findByEmail(accountKey);
      const passwordOk = user ? await hasher.verify(user.passwordHash, password) : await hasher.verifyDummy(password);

      if (!user || !passwordOk || user.disabled) {
        await throttle.recordFailure(accountKey, ipKey);
        if (user) await audit.record(user.id, 'sign_in_failed', origin, { reason: user.disabled ? 'disabled' : 'password' });
        return { status: 'invalid' };
      }
      await throttle.recordSuccess(accountKey);
      return { status: 'ok', user };
    },
  };
}
