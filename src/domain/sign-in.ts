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
     * The throttle's places are taken before the verification (see createSignInThrottle).
     */
    async checkPassword(email: string, password: string, origin: RequestOrigin): Promise<SignInResult> {
      const accountKey = normalizeEmail(email);
      const pass = await throttle.reserve(accountKey, origin.ip ?? 'unknown');
      if (!pass.allowed) return { status: 'throttled', retryAfterMs: pass.retryAfterMs };

      let outcome: 'success' | 'failure' = 'failure'; // a check that broke off keeps its place
      try {
        const user = await users.findByEmail(accountKey);
        const passwordOk = user ? await hasher.verify(user.passwordHash, password) : await hasher.verifyDummy(password);
        if (user && passwordOk && !user.disabled) {
          outcome = 'success';
          return { status: 'ok', user };
        }
        if (user) await audit.record(user.id, 'sign_in_failed', origin, { reason: user.disabled ? 'disabled' : 'password' });
        return { status: 'invalid' };
      } finally {
        await pass.settle(outcome);
      }
    },
  };
}
