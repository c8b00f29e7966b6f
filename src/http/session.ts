import type { RequestHandler } from 'express';
import session, { Store } from 'express-session';
import type { PasskeyChallenge } from '../components/passkey-ceremony/challenge';
import type { Config } from '../config';
import type { SmsSendOutcome } from '../domain/sms-codes';
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
    /** The outcome of the sign-in SMS, for the code page to show once (sign-in-second-step). */
    signInSms: SmsSendOutcome;
    /** Where the patient is in the setup wizard (two-factor-setup). */
    twoFactorSetup: SetupState;
    /** A new number waiting for its code; the current method stays in use until then (two-factor-manage). */
    pendingPhone: PendingPhone;
    /** The new app's secret, sealed, until a code from it is verified (two-factor-manage). */
    totpSwitch: { sealedSecret: string };
    /** New recovery codes, sealed, kept only until the patient says they saved them (two-factor-manage). */
    sealedNewRecoveryCodes: string;
    /** The passkey challenge this session was given last, for one purpose (components/passkey-ceremony). */
    passkeyChallenge: PasskeyChallenge;
    /** The recovery codes made when a first passkey turned two-step on, sealed, until saved (passkeys). */
    passkeyRecoveryCodes: string;
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
