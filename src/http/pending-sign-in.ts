import type { Request, RequestHandler } from 'express';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { SmsSendOutcome } from '../domain/sms-codes';
import type { User } from '../domain/users';
import { SESSION_EXPIRED_PATH, sessionCookieName } from './session';

declare module 'express-session' {
  interface SessionData {
    /** Password accepted, second step still to do: the "half" session of SPEC §4. */
    pendingSignIn: { userId: number; startedAt: number; smsOutcome?: SmsSendOutcome };
  }
}

export const SECOND_STEP_PATH = '/inloggen/code';

/** Pages a half-signed-in patient may reach: the second step itself and the public help. */
const OPEN_TO_HALF_SESSION = [/^\/inloggen\/(code|herstelcode|annuleren)(\/|$)/, /^\/hulp\//];

/**
 * New session id, holding nothing but who typed the right password and when. express-session
 * stores it before the response ends (a session under a new id always is).
 */
export function startPendingSignIn(req: Request, user: User, clock: Clock): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.pendingSignIn = { userId: user.id, startedAt: clock.now() };
      resolve();
    });
  });
}

/** Keeps a half session on the second step, and ends it after HALF_SESSION_MINUTES. */
export function pendingSignInGate(config: Config, clock: Clock): RequestHandler {
  const maxAgeMs = config.twoFactor.halfSessionMinutes * 60_000;
  return (req, res, next) => {
    const pending = req.session?.pendingSignIn;
    if (!pending || req.user) return next();
    if (clock.now() - pending.startedAt > maxAgeMs) {
      req.session.destroy((err) => {
        if (err) return next(err);
        res.clearCookie(sessionCookieName(config.isProduction), { path: '/' });
        res.redirect(303, SESSION_EXPIRED_PATH);
      });
      return;
    }
    if (OPEN_TO_HALF_SESSION.some((pattern) => pattern.test(req.path))) return next();
    res.redirect(303, SECOND_STEP_PATH);
  };
}

/** Clinic policy (REQUIRE_TWO_FACTOR): a patient without two-step sets it up before anything else. */
export function requireTwoFactorPolicy(required: boolean): RequestHandler {
  const allowed = [/^\/account\/twee-stappen\/instellen(\/|$)/, /^\/account\/bevestigen(\/|$)/, /^\/hulp\//, /^\/uitloggen$/, /^\/ontwikkeling\//];
  return (req, res, next) => {
    if (!required || !req.user || req.user.twoFactorMethod) return next();
    if (allowed.some((pattern) => pattern.test(req.path))) return next();
    res.redirect(303, '/account/twee-stappen/instellen');
  };
}
