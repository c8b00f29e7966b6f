import type { Request, RequestHandler } from 'express';
import type { Clock } from '../domain/clock';
import { maskedPhoneEnds } from '../domain/phone-numbers';
import { INTL_LOCALES, LANGUAGES, type Language, type Translate } from '../i18n';
import { createDateTimeFormatter, type DateTimeFormatter } from '../i18n/format';
import { paths } from '../paths';
import { deskPageToReturnTo, pageToReturnTo } from './return-page';
import { chooseLanguage } from './language';
import { retryTimes } from './retry-after';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      t: Translate;
      lang: Language;
      formatTime(epochMs: number): string;
      formatDate(epochMs: number): string;
      formatMinutes(count: number): string;
      /** The address of the footer's link to the information page `page`. */
      footerLink(page: string): string;
      /** Whether the moment falls on today's date (in the portal's time zone): a text then gives only its time. */
      isToday(epochMs: number): boolean;
      /** The app's clock: when a form that may start a session was shown (csrf.ts, cookiesRefused). */
      now(): number;
      /** A time the page tells its reader to try again at: formatted, and noted for a 429's or 503's Retry-After (retry-after.ts). */
      formatRetryTime(epochMs: number): string;
      /** A wait the page names without a time ("over een minuut"): noted for a 503's Retry-After. */
      retryIn(ms: number): void;
      /** A masked number's visible ends, for what screen readers say (views/partials/masked-phone). */
      maskedPhoneEnds: typeof maskedPhoneEnds;
      /**
       * The address of the page shown, where it is not the request's: a page shown again with a
       * form's errors at the address the form was sent to. The menus mark their link to it, and
       * the language link leads back to it.
       */
      shownPath?: string;
      /** Where the language link leads when the page knows better than the request (an error page's way back). */
      languageReturn?: string;
    }
  }
}

/**
 * Where the language link leads back to, a page to GET with its query (`?terug=`, a filter): on an
 * error page, where its own link leads (languageReturn); for the answer to a form, the page it is
 * shown as (shownPath), else the page the form was sent from; without either, the request's address
 * (a form shown again at its own address). /taal checks it again before it redirects.
 */
function languageReturnPath(req: Request, locals: Express.Locals): string {
  return locals.languageReturn ?? (req.method === 'POST' ? locals.shownPath : undefined) ?? pageToReturnTo(req, req.originalUrl);
}

/** What every template may use: translations, formatting, the user, and defaults for forms. */
export function viewLocals(deps: {
  translators: Partial<Record<Language, Translate>>;
  timeZone: string;
  clock: Clock;
  assets: Record<string, string>;
  /** The footer's links: a path and the locale key of its text. */
  footerPages: ReadonlyArray<{ path: string; title: string }>;
}): RequestHandler {
  const available = LANGUAGES.filter((language) => deps.translators[language]);
  const formatters = Object.fromEntries(
    available.map((language) => [language, createDateTimeFormatter(INTL_LOCALES[language], deps.timeZone)]),
  ) as Record<Language, DateTimeFormatter>;
  // The same day in every language: one function for all requests.
  const sameDate = formatters[available[0]!].date;
  const isToday = (epochMs: number) => sameDate(epochMs) === sameDate(deps.clock.now());
  const now = () => deps.clock.now();

  return (req, res, next) => {
    const path = req.path;
    const lang = chooseLanguage(req, available);
    const formatter = formatters[lang];
    // Read when the page is rendered: a controller may have set shownPath meanwhile.
    const currentPath = () => languageReturnPath(req, res.locals);
    Object.assign(res.locals, {
      t: deps.translators[lang],
      lang,
      otherLanguages: available.filter((language) => language !== lang),
      currentPath,
      assets: deps.assets,
      paths,
      footerPages: deps.footerPages,
      // On the desk's pages (and information pages opened from them) it leads back to the desk.
      footerLink: (page: string) => {
        const desk = deskPageToReturnTo(req.path.startsWith(paths.desk.home) ? currentPath() : req.query.terug);
        return desk ? paths.infoFromDesk(page, desk) : page;
      },
      formatDate: formatter.date,
      formatTime: formatter.time,
      formatMinutes: formatter.minutes,
      isToday,
      now,
      ...retryTimes(res, formatter.time, now),
      maskedPhoneEnds,
      user: null,
      setupFirst: null,
      errors: [],
      values: {},
      csrfToken: () => '',
      // The link to this page is the current page; a link to a page above it, the current section.
      navCurrent: (href: string) => {
        const shown = res.locals.shownPath ?? path;
        return shown === href ? ' aria-current="page"' : shown.startsWith(`${href}/`) ? ' aria-current="true"' : '';
      },
    });
    next();
  };
}

/** Runs after passport has restored the user from the session. */
export const exposeUser: RequestHandler = (req, res, next) => {
  res.locals.user = req.user ?? null;
  next();
};
