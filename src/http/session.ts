import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session, { Store, type SessionData } from 'express-session';
import type { PasskeyChallenge } from '../components/passkey-ceremony/challenge';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import type { LastSend } from '../components/one-time-code/sms-status';
import type { DeskEnrolment } from '../features/desk-enrolment/controller';
import type { OneTimePasswordKind } from '../components/one-time-password/hand-over';
import type { SetupState } from '../features/two-factor-setup/wizard';
import type { PendingPhone } from '../features/two-factor-manage/phone-flow';
import type { AuthState } from './auth-level';
import type { PageNotice, SaidOn } from './page-notice';
import { redirectAfterSave } from './redirect-after-save';

/**
 * Every session middleware needs a store object of its own: express-session installs its cookie
 * settings on the store it is given (`store.generate`), so two middlewares on one store would
 * give the first one's sessions the second one's cookie.
 *
 * Everything a session may hold, in one place. Who is signed in, and how far, is `auth` (read and
 * changed only through auth-level.ts); passport keeps the signed-in patient's id and session
 * generation in `passport`; csrf-sync keeps its token in `csrfToken`. The rest is journey state.
 */
declare module 'express-session' {
  interface SessionData {
    auth: AuthState;
    /** What became of the last SMS with a code, for the code page of its purpose to report once (components/one-time-code). */
    lastSms: LastSend;
    /** What the page a form led to says it did, once (page-notice.ts); on the desk's sessions too. */
    pageNotice: PageNotice;
    /** Where the patient is in the setup wizard (two-factor-setup). */
    twoFactorSetup: SetupState;
    /** A new number waiting for its code; the current method stays in use until then (two-factor-manage). */
    pendingPhone: PendingPhone;
    /** The new app's secret, sealed, until a code from it is verified (two-factor-manage). */
    totpSwitch: { sealedSecret: string };
    /** New recovery codes, sealed, kept only until the patient says they saved them (two-factor-manage). */
    sealedNewRecoveryCodes: string;
    /** What a form held (no secrets) when a fresh confirmation interrupted it, for its page (auth-level.ts). */
    typedBeforeConfirmation: { path: string; values: Record<string, string>; until: number };
    /** The page and journeys a timeout interrupted, to lead back to once signed in again (auth-level.ts). */
    returnAfterSignIn: ReturnAfterSignIn;

    // The desk's own sessions (their own cookie, read under /balie only; see components/desk-access) hold these instead.
    /** How far a staff member has signed in: the desk's `auth` (read and changed only through auth-level.ts). */
    deskAuth: AuthState;
    /** A staff member pairing their app at their first sign-in, sealed, until they saved their codes (desk-enrolment). */
    deskEnrolment: DeskEnrolment;
    /** The passkey challenges this session was given last, newest first, each for one purpose (components/passkey-ceremony). */
    passkeyChallenges: PasskeyChallenge[];
    /** The recovery codes made when a first passkey turned two-step on, sealed, until saved (passkeys). */
    passkeyRecoveryCodes: string;
    /** A staff member's new recovery codes, sealed, until they say they saved them (desk-recovery-codes). */
    deskNewRecoveryCodes: string;
    /** The staff member an admin just added or gave a new password, and their one-time password, sealed, until it is shown (desk-staff; said once, see page-notice.ts). */
    givenOneTimePassword: { id: number; kind: OneTimePasswordKind; sealedPassword: string; saidOn?: SaidOn };
  }
}

/**
 * Whether the session is one someone signed in to, or is halfway through, on either side (also
 * when the account has gone since), rather than one made for a form alone. Only whether there is
 * such a state: what it says is auth-level.ts's to read.
 */
export const hasSignInState = (req: Request): boolean => Boolean(req.session?.auth || req.session?.deskAuth);

/** Journeys under way that a timeout does not lose: what was typed or paired there comes back at the next sign-in. */
export type KeptJourney = 'twoFactorSetup' | 'pendingPhone' | 'totpSwitch';

/** What a timeout interrupted, and whose it was: only that account is led back to it. */
export interface ReturnAfterSignIn {
  userId: number;
  /** The page it was on, when there is one to lead back to. */
  page?: string;
  journeys?: Partial<Pick<SessionData, KeptJourney>>;
}

/** A session cookie: the patients' and the desk's, each on the whole site (a `__Host-` cookie must be), apart by name and key. */
export interface SessionCookie {
  name: string;
  path: string;
  /** Signs it: the desk's is derived from SESSION_SECRET, so a patient's cookie never passes for the desk's. */
  secret: string;
  /** The cookie and the stored session end an hour after the absolute timeout. */
  absoluteHours: number;
}

function sessionCookieName(isProduction: boolean): string {
  return isProduction ? '__Host-karify.sid' : 'karify.sid';
}

export function deskSessionCookieName(isProduction: boolean): string {
  return isProduction ? '__Host-karify.balie' : 'karify.balie';
}

/** The patients' session cookie: its name, and the whole site as its path. */
export function patientCookie(isProduction: boolean): { name: string; path: string } {
  return { name: sessionCookieName(isProduction), path: '/' };
}

function patientSessionCookie(config: Config): SessionCookie {
  return { ...patientCookie(config.isProduction), secret: config.sessionSecret, absoluteHours: config.session.absoluteTimeoutHours };
}

export function deskSessionSecret(sessionSecret: string): string {
  return crypto.createHmac('sha256', sessionSecret).update('karify-desk-session').digest('base64url');
}

const COOKIE_OUTLIVES_SESSION_MS = 3600_000;

export function sessionMiddleware(config: Config, store: Store, cookie: SessionCookie = patientSessionCookie(config)): RequestHandler {
  const loadSession = session({
    name: cookie.name,
    secret: cookie.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      path: cookie.path,
      // An hour past the absolute timeout (auth-level.ts ends the session there), so that a request
      // just after it still brings its session and is told it expired, with what was typed kept,
      // instead of arriving as a stranger whose form "is too old".
      maxAge: cookie.absoluteHours * 3600_000 + COOKIE_OUTLIVES_SESSION_MS,
    },
  });
  return (req, res, next) => loadSession(req, res, (error?: unknown) => (error ? next(error) : redirectAfterSave(req, res, next)));
}

/**
 * In production the session cookies are Secure: a request that is not HTTPS to the app gets none,
 * and nobody can sign in (every form says the browser keeps no cookies). Behind a TLS proxy that
 * is TRUST_PROXY left off or not matching the proxy: said once in the log, naming the setting.
 */
export function warnOfInsecureRequests(logger: Logger): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    if (!warned && !req.secure) {
      warned = true;
      const forwardedProto = req.get('x-forwarded-proto') ?? null;
      logger.warn(
        { forwardedProto },
        forwardedProto === null
          ? 'a request came over plain HTTP: session cookies go over HTTPS only in production, so nobody can sign in; serve the app behind a TLS proxy and set TRUST_PROXY'
          : 'a request came through a proxy that TRUST_PROXY does not trust (X-Forwarded-Proto): it is not HTTPS to the app, so it gets no session cookie and nobody can sign in; set TRUST_PROXY to the proxy',
      );
    }
    next();
  };
}
