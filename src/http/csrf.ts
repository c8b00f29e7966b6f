import crypto from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { paths } from '../paths';
import type { SessionEnd } from './auth-level';
import { errorPageReturn } from './return-page';
import { redirectWithNotice } from './page-notice';
import { readFields } from './forms';
import { hasSignInState } from './session';

/**
 * CSRF protection with the synchroniser token pattern (csrf-sync): the token lives in the session,
 * so every change of authentication level (sign-in, the second step, sign-out), which starts a
 * new session, renews it, and a token taken before that no longer works.
 *
 * A token is made only when a page with a form is rendered (`csrfToken()` in the templates): a
 * page without a form creates no session. A session made only for a form lives an hour.
 */
const ANONYMOUS_FORM_SESSION_MS = 60 * 60_000;

/**
 * A form's `_csrf` is the session's token and, after a dot, a nonce of its own: only the token is
 * checked; the nonce tells the same rendered form sent twice (a double click, one-submission.ts)
 * from the same form shown and sent again.
 */
const NONCE_SEPARATOR = '.';

const { csrfSynchronisedProtection, generateToken, getTokenFromRequest, invalidCsrfTokenError } = csrfSync({
  size: 32, // bytes: 256 bits
  // A form's hidden field; the header for the few requests made by script (passkeys).
  getTokenFromRequest: (req) => {
    const token: unknown = req.body?._csrf ?? req.get('x-csrf-token');
    return typeof token === 'string' ? token.split(NONCE_SEPARATOR)[0] : undefined;
  },
});

function tokenFor(req: Request): string {
  if (!req.session.csrfToken && !hasSignInState(req)) req.session.cookie.maxAge = ANONYMOUS_FORM_SESSION_MS;
  return `${generateToken(req)}${NONCE_SEPARATOR}${crypto.randomBytes(9).toString('base64url')}`;
}

/**
 * Whether a form refused for its token comes from a browser that keeps no cookies (Dillo's
 * default, for one): it sent no cookie at all, though its page, shown less than an anonymous
 * session's life ago (its hidden `shownAt`, by the app's clock), set one. Later, the cookie ran
 * out: the form was open too long, as the usual message says.
 */
export function cookiesRefused(req: Request, now: number): boolean {
  const shownAt = Number(readFields(req.body, ['shownAt'] as const).shownAt || Number.NaN);
  const age = now - shownAt;
  return req.headers.cookie === undefined && age >= 0 && age < ANONYMOUS_FORM_SESSION_MS;
}

/** Forms whose session timed out as they came in, and their realm's sign-in page (see refuseFormOfEndedSession). */
const endedSessions = new WeakMap<Request, string>();

/**
 * A form sent after its session timed out (auth-level.ts ended it, and the request goes on in a
 * new session): refused as one with a token that does not work, the ended session's included. Its
 * page is shown again with what was typed (ExpiredFormPages), or it goes to `signIn`, which says
 * the session expired.
 */
export function refuseFormOfEndedSession(req: Request, signIn: string): void {
  endedSessions.set(req, signIn);
}

/**
 * The fields a form's text is typed into (a desk action's reason, a question's note, a patient's
 * question), kept on the page after a timeout or an outage.
 */
const TYPED_TEXT_FIELDS = ['reason', 'note', 'question'] as const;

/** The text typed into this site's own form (see fromOwnForm), to show again where it could not be saved. */
export const typedTextOfOwnForm = (req: Request) => (fromOwnForm(req) ? typedTextOf(req) : []);

/** What was typed into the text fields of a form, to be shown again rather than lost. */
function typedTextOf(req: Request): { name: (typeof TYPED_TEXT_FIELDS)[number]; value: string }[] {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return TYPED_TEXT_FIELDS.flatMap((name) => {
    const value = body[name];
    return typeof value === 'string' && value.trim() !== '' ? [{ name, value }] : [];
  });
}

/** For the patients' sessions and the desk's. */
export function csrfProtection(): RequestHandler[] {
  return [
    (req, _res, next) => next(endedSessions.has(req) ? invalidCsrfTokenError : undefined),
    csrfSynchronisedProtection,
    (req, res, next) => {
      res.locals.csrfToken = () => tokenFor(req);
      next();
    },
  ];
}

/**
 * A new token for a session that has just changed its authentication level, given before the
 * session is written, so that the first page of the new level, if it has a form, need not write it again.
 */
export function renewCsrfToken(req: Request): void {
  generateToken(req, true);
}

/**
 * The forms that end a session ("Uitloggen", the second step's "Annuleren"), where they lead and
 * what that page says; sent again after their session ended (a double click), the same.
 */
const AFTER_SESSION_ENDS = new Map<string, { path: string; notice?: SessionEnd }>([
  [paths.signOut, { path: paths.signIn, notice: 'signedOut' }],
  [paths.desk.signOut, { path: paths.desk.home, notice: 'signedOut' }],
  [paths.secondStep.cancel, { path: paths.signIn }],
  [paths.desk.secondStep.cancel, { path: paths.desk.home }],
]);

/**
 * Forms a visitor may leave open for longer than their session lasts (the sign-in forms, the
 * Vragenformulier), by path: sent with a token that no longer works, and no sign-in in the session
 * (a session that timed out has ended by then, see refuseFormOfEndedSession), their page is shown
 * again, with what was typed (never a password) and why nothing happened, instead of the "session
 * expired" page or the sign-in page. Each journey adds its own (see its routes).
 */
export interface ExpiredFormPage {
  show: RequestHandler;
  /** Shown again in a live sign-in too (a tab opened before signing in), for a form that is the same either way. */
  whileSignedIn?: boolean;
}
export type ExpiredFormPages = Map<string, ExpiredFormPage>;

/**
 * A form of this site's own pages, as far as the browser tells (text and old browsers tell
 * nothing): another site's form is not shown here as if the patient had typed it.
 */
function fromOwnForm(req: Request): boolean {
  if (!req.is('application/x-www-form-urlencoded')) return false;
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return true;
  return URL.canParse(origin) && new URL(origin).host === req.get('host');
}

/**
 * A form refused for its token: its page again (ExpiredFormPages), where a form that ends a session
 * leads, the sign-in page after a timeout, or a page that says why: "Je sessie is verlopen" only
 * when no signed-in or half session lives.
 */
export function csrfErrorHandler(expiredForms: ExpiredFormPages): ErrorRequestHandler {
  return (err, req, res, next) => {
    if ((err as { code?: string }).code !== 'EBADCSRFTOKEN') return next(err);
    const timedOut = endedSessions.get(req);
    const ended = req.method === 'POST' && timedOut === undefined ? AFTER_SESSION_ENDS.get(req.path) : undefined;
    if (ended && !hasSignInState(req)) return ended.notice && req.session ? redirectWithNotice(req, res, ended.path, ended.notice) : res.redirect(ended.path);
    if (timedOut === undefined) req.log?.warn({ path: req.path }, 'rejected form with missing or invalid CSRF token');
    if (ended?.notice === 'signedOut' && getTokenFromRequest(req) !== undefined) {
      // Not "this page was out of date", after which the patient or staff member may think they left.
      res.locals.csrfToken = () => tokenFor(req);
      errorPageReturn(req, res); // the language link: the page the form was on, not its POST-only address
      return res.status(403).render('errors/sign-out-outdated', { postTo: req.path });
    }
    const page = req.method === 'POST' && req.session && fromOwnForm(req) ? expiredForms.get(req.path) : undefined;
    if (page && (page.whileSignedIn || !hasSignInState(req))) {
      res.locals.csrfToken = () => tokenFor(req); // the page's new form gets a token that works
      return page.show(req, res, next);
    }
    if (timedOut !== undefined) {
      // A reason or note typed before the session timed out is not lost: the page shows it to copy.
      const typed = typedTextOfOwnForm(req);
      if (typed.length > 0) return res.status(403).render('errors/typed-text-kept', { fields: typed, backPath: timedOut });
      return res.redirect(timedOut); // the notice is in the new session
    }
    if (!hasSignInState(req)) return res.status(403).render('errors/message', { page: 'sessionExpired', retryHref: errorPageReturn(req, res) });
    // The session lives: a token of an older page (another tab went on), or none (not this site's form).
    if (getTokenFromRequest(req) === undefined) {
      errorPageReturn(req, res);
      return res.status(403).render('errors/message', { page: 'badRequest' });
    }
    // A reason or note typed on the old page is not lost either.
    const typed = typedTextOfOwnForm(req);
    if (typed.length > 0) return res.status(403).render('errors/typed-text-kept', { fields: typed, backPath: errorPageReturn(req, res), page: 'formOutdated' });
    res.status(403).render('errors/message', { page: 'formOutdated', retryHref: errorPageReturn(req, res) });
  };
}
