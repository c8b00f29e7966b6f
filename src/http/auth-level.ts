import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../domain/clock';
import type { User, UserStore } from '../domain/users';
import { paths } from '../paths';
import { sessionCookieName } from './session';

/**
 * How far a visitor has proved who they are, read and changed only here:
 * - `anonymous`: not at all;
 * - `half`: the right password of a patient with two-step on; only the second step is open to them
 *   (SPEC §4: a half session reaches nothing else and ends after HALF_SESSION_MINUTES);
 * - `full`: signed in (idle and absolute timeouts);
 * - `fresh`: signed in and confirmed again in the last FRESH_CONFIRMATION_MINUTES, as every change
 *   to sign-in security asks.
 * Every change of level but the last starts a new session id, and with it a new CSRF token.
 */
export type AuthLevel = 'anonymous' | 'half' | 'full' | 'fresh';

/** The session's part of it (passport keeps the signed-in patient in `passport` beside it). */
export interface AuthState {
  level: 'half' | 'full';
  userId: number;
  /** When this level was reached: the password (half), the sign-in (full). */
  since: number;
  /** Full: the last request seen, for the idle timeout; refreshed at most once a minute. */
  lastSeenAt?: number;
  /** Full: the last fresh confirmation. */
  freshAt?: number;
}

export interface AuthLevelSettings {
  clock: Clock;
  isProduction: boolean;
  idleMinutes: number;
  absoluteHours: number;
  halfMinutes: number;
  freshMinutes: number;
  /** REQUIRE_TWO_FACTOR: a signed-in patient without two-step sets it up before anything else. */
  twoFactorRequired: boolean;
  /** Paths a half session may reach besides the second step (the public help, the development outbox). */
  openToHalf: readonly string[];
}

export const SESSION_EXPIRED_PATH = `${paths.signIn}?sessie=verlopen`;
const TOUCH_INTERVAL_MS = 60_000;

const SECOND_STEP_PATHS: readonly string[] = Object.values(paths.secondStep);
/** What a signed-in patient without two-step may reach under REQUIRE_TWO_FACTOR. */
const ENROLMENT_PATHS = [paths.twoStep.setup.start, paths.account.confirm, paths.signOut];

const under = (path: string, prefixes: readonly string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));

/** Only pages of this site may be returned to after confirming: the account pages. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/account\/[\w\-/]*$/.test(value) ? value : paths.twoStep.status;
}

export type AuthLevels = ReturnType<typeof createAuthLevels>;

export function createAuthLevels(settings: AuthLevelSettings) {
  const { clock } = settings;
  const idleMs = settings.idleMinutes * 60_000;
  const absoluteMs = settings.absoluteHours * 3600_000;
  const halfMs = settings.halfMinutes * 60_000;
  const freshMs = settings.freshMinutes * 60_000;
  const cookie = sessionCookieName(settings.isProduction);

  function level(req: Request): AuthLevel {
    const auth = req.session?.auth;
    if (auth?.level === 'half') return 'half';
    if (auth?.level !== 'full' || !req.user) return 'anonymous';
    return auth.freshAt !== undefined && clock.now() - auth.freshAt <= freshMs ? 'fresh' : 'full';
  }

  function expired(auth: AuthState, now: number): boolean {
    if (auth.level === 'half') return now - auth.since > halfMs;
    return now - (auth.lastSeenAt ?? auth.since) > idleMs || now - auth.since > absoluteMs;
  }

  const regenerate = (req: Request) =>
    new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));

  const destroy = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) =>
      req.session.destroy((err) => {
        if (err) return reject(err);
        res.clearCookie(cookie, { path: '/' });
        resolve();
      }),
    );

  /** Passport's login regenerates the session (and saves it); `keep` carries its data over. */
  const login = (req: Request, user: User, keep: boolean) =>
    new Promise<void>((resolve, reject) =>
      req.login(user, { session: true, keepSessionInfo: keep }, (err) => (err ? reject(err) : resolve())),
    );

  const isSignedIn = (req: Request) => {
    const current = level(req);
    return current === 'full' || current === 'fresh';
  };

  return {
    level,

    /** The patient whose password was accepted, while the second step is still to do. */
    pendingUserId: (req: Request): number | undefined => (req.session.auth?.level === 'half' ? req.session.auth.userId : undefined),

    /**
     * Half: a new session id holding nothing but who typed the right password and when.
     * express-session stores it before the response ends (a session under a new id always is).
     */
    async toHalf(req: Request, user: User): Promise<void> {
      await regenerate(req);
      req.session.auth = { level: 'half', userId: user.id, since: clock.now() };
    },

    /** Full: a new session id (passport saves it), and the times the timeouts count from. */
    async toFull(req: Request, user: User): Promise<void> {
      await login(req, user, false);
      const now = clock.now();
      req.session.auth = { level: 'full', userId: user.id, since: now, lastSeenAt: now };
    },

    /** Fresh: the patient confirmed again just now. */
    toFresh(req: Request): void {
      const auth = req.session.auth;
      if (auth?.level === 'full') auth.freshAt = clock.now();
    },

    /** Anonymous: the session ends, in the store and in the browser. */
    toAnonymous: destroy,

    /**
     * After a security change: every other session of the patient ends (their generation no longer
     * matches) and this one continues, at the level it had, under a new id with the new generation.
     */
    async endOtherSessions(req: Request, users: UserStore): Promise<void> {
      await users.bumpSessionGeneration(req.user!.id);
      await login(req, (await users.findById(req.user!.id))!, true);
    },

    /** Ends a half session after its minutes, a full one after the idle or absolute timeout. Before passport: an ended session costs no lookup. */
    expire: ((req, res, next) => {
      const auth = req.session?.auth;
      if (!auth) return next();
      const now = clock.now();
      if (expired(auth, now)) {
        destroy(req, res).then(() => res.redirect(303, SESSION_EXPIRED_PATH), next);
        return;
      }
      if (auth.level === 'full' && now - (auth.lastSeenAt ?? auth.since) >= TOUCH_INTERVAL_MS) auth.lastSeenAt = now;
      next();
    }) satisfies RequestHandler,

    /** Keeps a half session on the second step, and (REQUIRE_TWO_FACTOR) a patient without two-step on its setup. */
    confine: ((req, res, next) => {
      const current = level(req);
      if (current === 'half' && !under(req.path, [...SECOND_STEP_PATHS, ...settings.openToHalf])) return res.redirect(303, paths.secondStep.code);
      const enrolling = settings.twoFactorRequired && isSignedIn(req) && !req.user!.twoFactorMethod;
      if (enrolling && !under(req.path, [...ENROLMENT_PATHS, ...settings.openToHalf])) return res.redirect(303, paths.twoStep.setup.start);
      next();
    }) satisfies RequestHandler,

    isSignedIn,

    /** Route guard: signed in (full or fresh); others go to the sign-in page. */
    signedIn: ((req, res, next) => (isSignedIn(req) ? next() : res.redirect(303, paths.signIn))) satisfies RequestHandler,

    /** Route guard of the second step: a half session; others go to the sign-in page. */
    half: ((req, res, next) => (level(req) === 'half' ? next() : res.redirect(303, paths.signIn))) satisfies RequestHandler,

    /**
     * Route guard for changes to sign-in security: a fresh confirmation, or first to the
     * confirmation page, which leads back to `returnTo` (by default the page asked for; a form is
     * shown again, not resubmitted).
     */
    fresh(returnTo?: string): RequestHandler {
      return (req, res, next) => {
        if (level(req) === 'fresh') return next();
        if (!isSignedIn(req)) return res.redirect(303, paths.signIn);
        const back = returnTo ?? (req.method === 'GET' ? req.path : paths.twoStep.status);
        res.redirect(303, `${paths.account.confirm}?terug=${encodeURIComponent(back)}`);
      };
    },
  };
}
