import type { Request, RequestHandler, Response } from 'express';
import type { Translate } from '../i18n';

/**
 * What a form that changed something says on the page it leads to ("Je wachtwoord is gewijzigd"):
 * kept in the session for that page, which shows it once. Not in the address: a link someone sends
 * would make the page claim a change that never happened, and a refresh would claim it again.
 * `notice` is the page's own name for it (each page maps it to its text).
 */
export interface PageNotice {
  path: string;
  notice: string;
}

/** The page asked for, as redirectWithNotice names it. */
const pageOf = (req: Request) => req.baseUrl + req.path;

export function redirectWithNotice(req: Request, res: Response, path: string, notice: string): void {
  req.session.pageNotice = { path, notice };
  res.redirect(303, path);
}

/**
 * The text of the notice kept for this page, by the page's own table of notice names and their
 * locale keys (taken out of the session); null when there is none.
 */
export function takePageNoticeText(req: Request, t: Translate, notices: Readonly<Record<string, string>>): string | null {
  const notice = takePageNotice(req);
  return notice !== undefined && Object.hasOwn(notices, notice) ? t(notices[notice]!) : null;
}

/** The notice kept for the page asked for, taken out of the session; another page's stays. */
export function takePageNotice(req: Request): string | undefined {
  const notice = pageNoticeOf(req);
  if (notice !== undefined) delete req.session.pageNotice;
  return notice;
}

/**
 * The notice kept for the page asked for, left in the session: for a page that exists only
 * because of it, which a refresh or the language link then shows again, until another page is
 * shown (forgetStalePageNotice).
 */
export function pageNoticeOf(req: Request): string | undefined {
  const kept = req.session?.pageNotice;
  return kept && kept.path === pageOf(req) ? kept.notice : undefined;
}

/**
 * A notice its page did not take at the next page shown (that page never came: a form still busy
 * after 10 s, a lost answer) is forgotten there, so it is never said later, when it may no longer
 * be true. After the session middleware.
 */
export const forgetStalePageNotice: RequestHandler = (req, _res, next) => {
  const kept = req.session?.pageNotice;
  if (kept && req.method === 'GET' && kept.path !== pageOf(req)) delete req.session.pageNotice;
  next();
};
