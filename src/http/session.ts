import type { RequestHandler } from 'express';
import session, { Store } from 'express-session';
import type { Config } from '../config';
import type { LastSend } from '../components/one-time-code/sms-status';
import type { SetupState } from '../features/two-factor-setup/wizard';
import type { PendingPhone } from '../features/two-factor-manage/phone-flow';
import type { AuthState } from './auth-level';

/**
 * Everything a session may hold, in one place. Who is signed in, and how far, is `auth` (read and
 * changed only through auth-level.ts); passport keeps the signed-in patient's id and session
 * generation in `passport`; csrf-sync keeps its token in `csrfToken`. The rest is journey state.
 */
declare module 'express-session' {
  interface SessionData {
    auth: AuthState;
    /** The last sign-in SMS, for the code page to report once (sign-in-second-step). */
    signInSms: LastSend;
    /** Where the patient is in the setup wizard (two-factor-setup). */
    twoFactorSetup: SetupState;
    /** A new number waiting for its code; the current method stays in use until then (two-factor-manage). */
    pendingPhone: PendingPhone;
    /** The new app's secret, sealed, until a code from it is verified (two-factor-manage). */
    totpSwitch: { sealedSecret: string };
    /** New recovery codes, sealed, kept only until the patient says they saved them (two-factor-manage). */
    sealedNewRecoveryCodes: string;
  }
}

export function sessionCookieName(isProduction: boolean): string {
  return isProduction ? '__Host-karify.sid' : 'karify.sid';
}

export function sessionMiddleware(config: Config, store: Store): RequestHandler {
  return session({
    name: sessionCookieName(config.isProduction),
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      path: '/',
      // The cookie and the stored session end together at the absolute timeout.
      maxAge: config.session.absoluteTimeoutHours * 3600_000,
    },
  });
}
