import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../domain/clock';
import { hasOneTimePassword } from '../domain/one-time-passwords';
import { paths } from '../paths';
import { refuseFormOfEndedSession, renewCsrfToken } from './csrf';
import { leaveNotice, redirectWithNotice } from './page-notice';
import { localPath, pageToReturnTo } from './return-page';
import { patientCookie, type KeptJourney, type ReturnAfterSignIn } from './session';

/**
 * How far a visitor has proved who they are, read and changed only here:
 * - `anonymous`: not at all;
 * - `half`: the right password of a patient with two-step on; only the second step is open to them
 *   (SPEC §4: a half session reaches nothing else and ends after HALF_SESSION_MINUTES);
 * - `full`: signed in (idle and absolute timeouts);
 * - `fresh`: signed in and confirmed again in the last FRESH_CONFIRMATION_MINUTES, as every change
 *   to sign-in security asks.
 * Every change of level but the last starts a new session id, and with it a new CSRF token, given
 * at once so that the new level's first page with a form need not write the session again.
 *
 * One instance per kind of account (its `realm`): the patients' (the default), and the desk's
 * staff (components/desk-access), each with its own session, cookie, passport and pages.
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
  /**
   * Half: the account's session generation when the password was accepted. Ending the account's
   * sessions (a security change, the desk) raises it, and ends this half session too.
   */
  generation?: number;
}

/**
 * The one field of a session that a request changes just by coming (expire refreshes it): copies
 * of a double click that come at different moments still send the same form (one-submission.ts).
 */
export const REFRESHED_BY_EVERY_REQUEST = 'lastSeenAt' satisfies keyof AuthState;

/** An account as the levels see it: its id and session generation (passport holds the rest). */
interface Account {
  id: number;
  sessionGeneration: number;
}

/**
 * Why a session ended, as the sign-in pages name the notice they show for it: `ended` when the
 * account's sessions were ended meanwhile (a security change elsewhere, the clinic) or it was disabled.
 */
export type SessionEnd = 'expired' | 'signedOut' | 'ended';

/** Whose sessions an instance governs, and where its pages are. */
export interface AuthRealm<A extends Account = Express.User> {
  /** The session field that holds the level (declared in session.ts). */
  sessionField: 'auth' | 'deskAuth';
  /** Where this realm's passport puts the signed-in account (its `userProperty`). */
  userProperty: 'user' | 'staff';
  cookie: { name: string; path: string };
  signIn: string;
  /** What a half session may reach, and where it is sent. */
  secondStep: readonly string[];
  secondStepStart: string;
  /** The fresh confirmation's page leading back to a page, for realms that have one. */
  confirm?: (returnTo: string) => string;
  /** Where a signed-in account must go before anything else, and what it may reach meanwhile; null when nothing is pending. */
  pendingSetup(account: A): { start: string; open: readonly string[] } | null;
  /** The page to lead back to after signing in again, of one a timeout interrupted; undefined: the realm's start. */
  pageAfterTimeout?(page: string): string | undefined;
  /** The journeys whose state a timeout keeps for the account's next sign-in. */
  keptAfterTimeout?: readonly KeptJourney[];
}

export interface AuthLevelSettings<A extends Account = Express.User> {
  clock: Clock;
  isProduction: boolean;
  idleMinutes: number;
  absoluteHours: number;
  halfMinutes: number;
  freshMinutes: number;
  /** REQUIRE_TWO_FACTOR (the patients' realm): a signed-in patient without two-step sets it up before anything else. */
  twoFactorRequired?: boolean;
  /** Paths a half session, or one waiting for a required setup, may reach besides its own pages (the public help, the footer's pages, the development outbox). */
  openToHalf: readonly string[];
  /** The patients' (built from the settings above) when not given. */
  realm?: AuthRealm<A>;
}

/** How often a signed-in session's last activity is written (its idle timeout counts from it). */
const TOUCH_INTERVAL_MS = 60_000;

const SECOND_STEP_PATHS: readonly string[] = Object.values(paths.secondStep).filter((path) => typeof path === 'string');
/** What a signed-in patient without two-step may reach under REQUIRE_TWO_FACTOR (and the page saying their own password was saved, just before). */
const ENROLMENT_PATHS = [paths.twoStep.setup.start, paths.account.confirm, paths.account.ownPassword, paths.signOut];
/** What a patient signed in with the clinic's temporary password may reach ("Herstelcode gebruikt" says how many codes are left). */
const OWN_PASSWORD_PATHS = [paths.account.ownPassword, paths.secondStep.recoveryUsed, paths.signOut];

const under = (path: string, prefixes: readonly string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));

function patientRealm(settings: { isProduction: boolean; twoFactorRequired?: boolean }): AuthRealm {
  return {
    sessionField: 'auth',
    userProperty: 'user',
    cookie: patientCookie(settings.isProduction),
    signIn: paths.signIn,
    secondStep: SECOND_STEP_PATHS,
    secondStepStart: paths.secondStep.code,
    confirm: paths.account.confirmThenReturn,
    pendingSetup(user) {
      if (hasOneTimePassword(user)) return { start: paths.account.ownPassword, open: OWN_PASSWORD_PATHS };
      return settings.twoFactorRequired && !user.twoFactorMethod ? { start: paths.twoStep.setup.start, open: ENROLMENT_PATHS } : null;
    },
    pageAfterTimeout(page) {
      const local = localPath(page);
      return local === '/' || under(local.split('?')[0]!, NOT_RETURNED_TO) ? undefined : local;
    },
    // The wizard's number or paired app, a new number or app waiting for its code: not typed or scanned twice.
    keptAfterTimeout: ['twoFactorSetup', 'pendingPhone', 'totpSwitch'],
  };
}

/** Pages a patient signing in again is not led back to: the sign-in itself, the desk's, and the Werkblad, where a sign-in leads anyway. */
const NOT_RETURNED_TO = [paths.signIn, paths.signOut, paths.desk.home, paths.workspace];

/** The fields of a form interrupted by a confirmation that its page shows again: never a password or a code. */
const KEPT_FIELDS = ['method', 'country', 'phone', 'name'] as const;

export type AuthLevels<A extends Account = Express.User> = ReturnType<typeof createAuthLevels<A>>;

export function createAuthLevels<A extends Account = Express.User>(settings: AuthLevelSettings<A>) {
  const { clock } = settings;
  const idleMs = settings.idleMinutes * 60_000;
  const absoluteMs = settings.absoluteHours * 3600_000;
  const halfMs = settings.halfMinutes * 60_000;
  const freshMs = settings.freshMinutes * 60_000;
  const realm = settings.realm ?? (patientRealm(settings) as unknown as AuthRealm<A>);
  const { cookie } = realm;

  const stateOf = (req: Request): AuthState | undefined => req.session?.[realm.sessionField];
  const setState = (req: Request, state: AuthState) => {
    req.session[realm.sessionField] = state;
  };
  const accountOf = (req: Request): A | undefined => (req as unknown as Record<string, A | undefined>)[realm.userProperty];

  /** A form's own address, also inside a router mounted on a path. */
  const formPathOf = (req: Request) => req.originalUrl.split('?')[0]!;

  /**
   * What was typed into a form that a confirmation interrupted (see fresh): its choices, phone
   * number or name, never a secret, for its page to show again after the confirmation.
   */
  function keepTyped(req: Request): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(KEPT_FIELDS.flatMap((name) => (typeof body[name] === 'string' ? [[name, body[name]]] : [])));
    if (Object.keys(values).length > 0) req.session.typedBeforeConfirmation = { path: formPathOf(req), values, until: clock.now() + freshMs };
  }

  function level(req: Request): AuthLevel {
    const auth = stateOf(req);
    if (auth?.level === 'half') return 'half';
    if (auth?.level !== 'full' || !accountOf(req)) return 'anonymous';
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
        res.clearCookie(cookie.name, { path: cookie.path });
        resolve();
      }),
    );

  /**
   * The session ends, in the store, and a new one under a new id keeps only what the sign-in page
   * says about it, once ("Je bent uitgelogd", "Je sessie is verlopen"): a notice in the session,
   * not in the address, so no link can make the page say it.
   */
  async function endSession(req: Request, res: Response, why: SessionEnd, returnTo?: ReturnAfterSignIn): Promise<void> {
    await regenerate(req);
    if (returnTo) req.session.returnAfterSignIn = returnTo;
    redirectWithNotice(req, res, realm.signIn, why);
  }

  /**
   * A form sent after its session timed out: the session ends as in endSession, but the request goes
   * on in the new, anonymous one, to be refused by the CSRF check (csrf.ts) whatever token it
   * carries. So its page can be shown again with what was typed (ExpiredFormPages); any other form
   * still goes to the sign-in page.
   */
  async function endSessionBeforeForm(req: Request, returnTo?: ReturnAfterSignIn): Promise<void> {
    await regenerate(req);
    if (returnTo) req.session.returnAfterSignIn = returnTo;
    leaveNotice(req, realm.signIn, 'expired' satisfies SessionEnd);
    refuseFormOfEndedSession(req, realm.signIn);
  }

  /** What a signed-in session a timeout ends was doing: the page it was on, and its journeys under way. */
  function interruptedBy(req: Request, userId: number): ReturnAfterSignIn | undefined {
    const page = realm.pageAfterTimeout?.(pageToReturnTo(req, ''));
    const underWay = (realm.keptAfterTimeout ?? []).filter((journey) => req.session[journey] !== undefined);
    if (!page && underWay.length === 0) return undefined;
    const journeys = Object.fromEntries(underWay.map((journey) => [journey, req.session[journey]]));
    return { userId, ...(page ? { page } : {}), ...(underWay.length > 0 ? { journeys } : {}) };
  }

  /** Passport's login regenerates the session (and saves it); `keep` carries its data over. */
  const login = (req: Request, account: A, keep: boolean) =>
    new Promise<void>((resolve, reject) =>
      req.login(account as unknown as Express.User, { session: true, keepSessionInfo: keep }, (err) => (err ? reject(err) : resolve())),
    );

  /** A change of session that keeps the page to return to after signing in (see expire). */
  async function keepingReturn(req: Request, change: () => Promise<void>): Promise<void> {
    const returnTo = req.session.returnAfterSignIn;
    await change();
    if (returnTo) req.session.returnAfterSignIn = returnTo;
  }

  const isSignedIn = (req: Request) => {
    const current = level(req);
    return current === 'full' || current === 'fresh';
  };

  return {
    level,

    /** How long a fresh confirmation lasts (FRESH_CONFIRMATION_MINUTES), for the pages that say so. */
    freshMinutes: settings.freshMinutes,

    /** The account whose password was accepted, while the second step is still to do. */
    pendingUserId: (req: Request): number | undefined => {
      const auth = stateOf(req);
      return auth?.level === 'half' ? auth.userId : undefined;
    },

    /**
     * Half: a new session id holding nothing but who typed the right password and when.
     * express-session stores it before the response ends (a session under a new id always is).
     */
    async toHalf(req: Request, user: Account): Promise<void> {
      await keepingReturn(req, () => regenerate(req));
      setState(req, { level: 'half', userId: user.id, since: clock.now(), generation: user.sessionGeneration });
      renewCsrfToken(req);
    },

    /**
     * Full: a new session id (passport saves it), and the times the timeouts count from.
     * `confirmed`: the sign-in counts as a confirmation as well (fresh from its start).
     */
    async toFull(req: Request, user: A, { confirmed = false } = {}): Promise<void> {
      await keepingReturn(req, () => login(req, user, false));
      const now = clock.now();
      setState(req, { level: 'full', userId: user.id, since: now, lastSeenAt: now, ...(confirmed ? { freshAt: now } : {}) });
      renewCsrfToken(req);
    },

    /**
     * Fresh: the patient confirmed again just now. A level of its own, so a new session id (the
     * data carried over) and CSRF secret: a copy of the cookie taken before is not fresh.
     */
    async toFresh(req: Request): Promise<void> {
      if (stateOf(req)?.level !== 'full') return;
      await login(req, accountOf(req)!, true);
      stateOf(req)!.freshAt = clock.now();
      renewCsrfToken(req);
    },

    /** Anonymous: the session ends, in the store and in the browser. */
    toAnonymous: destroy,

    /** Signing out: the session ends, and the sign-in page says so. */
    signOut: (req: Request, res: Response) => endSession(req, res, 'signedOut'),

    /**
     * After a security change: every other session of the patient ends (their generation no longer
     * matches) and this one continues, at the level it had, under a new id with the new generation.
     */
    async endOtherSessions(req: Request, users: { bumpSessionGeneration(id: number): Promise<void>; findById(id: number): Promise<A | undefined> }): Promise<void> {
      const before = accountOf(req)!;
      await users.bumpSessionGeneration(before.id);
      const after = (await users.findById(before.id))!;
      await login(req, after, true);
      // Leaving (or moving on in) the set-up an account is confined to changes what it may reach:
      // a change of level like the others, so the CSRF secret is new too.
      if (realm.pendingSetup(before)?.start !== realm.pendingSetup(after)?.start) renewCsrfToken(req);
    },

    /** Ends a half session after its minutes, a full one after the idle or absolute timeout. Before passport: an ended session costs no lookup. */
    expire: ((req, res, next) => {
      const auth = stateOf(req);
      if (!auth) return next();
      const now = clock.now();
      if (expired(auth, now)) {
        // Led back to after its account signs in again (not after signing out, and no one else: a
        // shared computer's next patient starts at the start).
        const returnTo = auth.level === 'full' && req.path !== paths.signOut ? interruptedBy(req, auth.userId) : undefined;
        if (req.method === 'POST') endSessionBeforeForm(req, returnTo).then(() => next(), next);
        else endSession(req, res, 'expired', returnTo).catch(next);
        return;
      }
      if (auth.level === 'full' && now - (auth.lastSeenAt ?? auth.since) >= TOUCH_INTERVAL_MS) auth.lastSeenAt = now;
      next();
    }) satisfies RequestHandler,

    /**
     * After passport: makes a signed-in session whose account passport no longer restores
     * anonymous, leaving why for the sign-in page; keeps a half session on the second step, and a
     * signed-in account with something to set up first (REQUIRE_TWO_FACTOR for patients; always
     * for staff) on that.
     */
    confine: ((req, res, next) => {
      // Signed in, but passport no longer restores the account: its sessions were ended, or it was
      // disabled. The session becomes anonymous (the guards answer as for any) and the sign-in page
      // says why, also after public pages or a script's requests.
      if (stateOf(req)?.level === 'full' && !accountOf(req)) {
        delete req.session[realm.sessionField];
        leaveNotice(req, realm.signIn, 'ended' satisfies SessionEnd, { untilShown: true });
      }
      const current = level(req);
      if (current === 'half' && !under(req.path, [...realm.secondStep, ...settings.openToHalf])) return res.redirect(realm.secondStepStart);
      const pending = isSignedIn(req) ? realm.pendingSetup(accountOf(req)!) : null;
      if (pending && !under(req.path, [...pending.open, ...settings.openToHalf])) return res.redirect(pending.start);
      res.locals.setupFirst = pending?.start ?? null; // the menus offer only the way back to it and signing out: every other page leads back
      next();
    }) satisfies RequestHandler,

    isSignedIn,

    /** Route guard: signed in (full or fresh); others go to the sign-in page. */
    signedIn: ((req, res, next) => (isSignedIn(req) ? next() : res.redirect(realm.signIn))) satisfies RequestHandler,

    /**
     * The handler of a second-step page: runs with the account of the half session, as `load`
     * finds it now (undefined when it may no longer sign in). A half session whose account may no
     * longer sign in, or whose sessions were ended since the password, ends; without one, to the
     * sign-in page.
     */
    forPending(load: (id: number) => Promise<A | undefined>, handler: (req: Request, res: Response, account: A) => Promise<void>): RequestHandler {
      return async (req, res) => {
        const auth = stateOf(req);
        if (auth?.level !== 'half') return res.redirect(realm.signIn);
        const account = await load(auth.userId);
        if (!account || account.sessionGeneration !== auth.generation) return endSession(req, res, 'ended');
        await handler(req, res, account);
      };
    },

    /** Route guard of the second step: a half session; others go to the sign-in page. */
    half: ((req, res, next) => (level(req) === 'half' ? next() : res.redirect(realm.signIn))) satisfies RequestHandler,

    /**
     * Where to go once signed in: the page a timeout interrupted this account on (see expire), once,
     * or `start`; the journeys it had under way are back.
     */
    pageAfterSignIn(req: Request, start: string): string {
      const returnTo = req.session.returnAfterSignIn;
      delete req.session.returnAfterSignIn;
      if (!returnTo || returnTo.userId !== stateOf(req)?.userId) return start;
      Object.assign(req.session, returnTo.journeys);
      return returnTo.page ?? start;
    },

    /** What was typed into this page's form when a confirmation interrupted it (see fresh), once; otherwise nothing. */
    typedBeforeConfirmation(req: Request): Record<string, string> {
      const kept = req.session?.typedBeforeConfirmation;
      if (!kept || kept.path !== formPathOf(req)) return {};
      delete req.session.typedBeforeConfirmation;
      return kept.until > clock.now() ? kept.values : {};
    },

    /**
     * Route guard for changes to sign-in security: a fresh confirmation, or first to the
     * confirmation page, which leads back to `returnTo` (by default the page asked for; a form is
     * shown again, not resubmitted).
     */
    fresh(returnTo?: string): RequestHandler {
      const confirm = realm.confirm;
      if (!confirm) throw new Error('this realm has no fresh confirmation');
      return (req, res, next) => {
        if (level(req) === 'fresh') return next();
        if (!isSignedIn(req)) return res.redirect(realm.signIn);
        if (req.method !== 'GET') keepTyped(req);
        const back = returnTo ?? (req.method === 'GET' ? req.path : paths.twoStep.status);
        const to = confirm(back);
        // A confirmation that ran out is said so on the confirmation page (its own notice table).
        if (stateOf(req)?.freshAt !== undefined) leaveNotice(req, to, 'confirmationExpired');
        res.redirect(to);
      };
    },
  };
}
