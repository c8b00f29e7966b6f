import type { Request, RequestHandler, Response } from 'express';
import type { Language } from '../i18n';

/**
 * What a form that changed something says on the page it leads to ("Je wachtwoord is gewijzigd"):
 * kept in the session for that page. Not in the address: a link someone sends would make the page
 * claim a change that never happened. `notice` is the page's own name for it (each page maps it
 * to its text). Said once, and again after the language link (see sayOnce).
 */
export interface PageNotice {
  path: string;
  notice: string;
  saidOn?: SaidOn;
  /** True until its page is shown, whatever comes first (why a session ended): not forgotten at other pages. */
  untilShown?: true;
}

/** Where, and in which language, a report kept in the session was said. */
export interface SaidOn {
  path: string;
  lang: Language;
}

/** The page asked for, as redirectWithNotice names it. */
const pageOf = (req: Request) => req.baseUrl + req.path;

/** Keeps `notice` for the page at `path` (its address without the query), for when it is shown. */
export function leaveNotice(req: Request, path: string, notice: string, options: { untilShown?: true } = {}): void {
  req.session.pageNotice = { path: path.split('?')[0]!, notice, ...options };
}

export function redirectWithNotice(req: Request, res: Response, path: string, notice: string): void {
  leaveNotice(req, path, notice);
  res.redirect(path);
}

/**
 * Whether a report kept in the session is to be said on this page now, and marks it said. A
 * refresh, or coming back to the page, does not say it again; the language link, which shows the
 * same page in another language, does (the patient may not have been able to read it), each time
 * the language changes. When it returns false the caller forgets the report.
 */
export function sayOnce(req: Request, res: Response, report: { saidOn?: SaidOn }): boolean {
  const here: SaidOn = { path: pageOf(req), lang: res.locals.lang };
  if (report.saidOn?.path === here.path && report.saidOn.lang === here.lang) return false;
  report.saidOn = here;
  return true;
}

/**
 * The text of the notice kept for this page, by the page's own table of notice names and their
 * locale keys; null when there is none (or it was said already, see takePageNotice).
 */
export function takePageNoticeText(req: Request, res: Response, notices: Readonly<Record<string, string>>): string | null {
  const notice = takePageNotice(req, res);
  return notice !== undefined && Object.hasOwn(notices, notice) ? res.locals.t(notices[notice]!) : null;
}

/** The notice kept for the page asked for, to say now (sayOnce); another page's stays. */
export function takePageNotice(req: Request, res: Response): string | undefined {
  const kept = req.session.pageNotice;
  if (!kept || kept.path !== pageOf(req)) return undefined;
  if (sayOnce(req, res, kept)) return kept.notice;
  delete req.session.pageNotice;
  return undefined;
}

/** Whether a notice waits for the page at `path`, not yet shown: a change just made leads there. */
export function noticeWaitsFor(req: Request, path: string): boolean {
  const kept = req.session?.pageNotice;
  return kept !== undefined && kept.path === path && !kept.saidOn;
}

/**
 * The notice kept for the page asked for, left as it is: for a page that exists only because of
 * it, which a refresh then shows again too, until another page is shown (forgetReportsOfOtherPages).
 */
export function pageNoticeOf(req: Request): string | undefined {
  const kept = req.session?.pageNotice;
  return kept && kept.path === pageOf(req) ? kept.notice : undefined;
}

/**
 * At the next other page shown, forgets a notice its page did not take (that page never came: a
 * form still busy after 10 s, a lost answer), so it is never said later, when it may no longer be
 * true; and the notice, SMS report or one-time password a page said, which its page's language
 * link would say again. After the session middleware.
 */
export const forgetReportsOfOtherPages: RequestHandler = (req, _res, next) => {
  const session = req.session;
  if (session && req.method === 'GET') {
    const here = pageOf(req);
    const notice = session.pageNotice;
    if (notice && notice.path !== here && !(notice.untilShown && !notice.saidOn)) delete session.pageNotice;
    if (session.lastSms?.saidOn && session.lastSms.saidOn.path !== here) delete session.lastSms;
    if (session.givenOneTimePassword?.saidOn && session.givenOneTimePassword.saidOn.path !== here) delete session.givenOneTimePassword;
  }
  next();
};
