import type { RequestHandler } from 'express';
import type { Translate } from '../i18n';
import type { DateTimeFormatter } from '../i18n/format';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      t: Translate;
      formatTime(epochMs: number): string;
      formatDate(epochMs: number): string;
    }
  }
}

/** What every template may use: translations, formatting, the user, and defaults for forms. */
export function viewLocals(deps: { t: Translate; formatter: DateTimeFormatter; assets: Record<string, string> }): RequestHandler {
  return (req, res, next) => {
    const path = req.path;
    Object.assign(res.locals, {
      t: deps.t,
      lang: 'nl',
      assets: deps.assets,
      formatDate: deps.formatter.date,
      formatTime: deps.formatter.time,
      user: null,
      errors: [],
      values: {},
      csrfToken: '',
      navCurrent: (href: string) => (path === href || path.startsWith(`${href}/`) ? ' aria-current="page"' : ''),
    });
    next();
  };
}

/** Runs after passport has restored the user from the session. */
export const exposeUser: RequestHandler = (req, res, next) => {
  res.locals.user = req.user ?? null;
  next();
};
