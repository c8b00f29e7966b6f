import type { NextFunction, Request, Response } from 'express';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { LANGUAGE_CHOSEN_COOKIE, LANGUAGE_COOKIE } from '../../http/language';
import { isLanguage } from '../../i18n';
import { localPath } from '../../http/return-page';

/** How long a choice made before signing in waits for the sign-in that keeps it on the account. */
const CHOICE_KEPT_MS = 3600_000;

export interface LanguageDeps {
  isProduction: boolean;
  users: UserStore;
  auth: AuthLevels;
}

/** The language link in the footer: a plain link, so the language can be chosen without JavaScript. */
export function createLanguageController(deps: LanguageDeps) {
  return {
    choose(req: Request, res: Response) {
      const language = req.params.language;
      if (isLanguage(language)) {
        const cookie = { sameSite: 'lax', httpOnly: true, secure: deps.isProduction, path: '/' } as const;
        res.cookie(LANGUAGE_COOKIE, language, { ...cookie, maxAge: 365 * 24 * 3600_000 });
        // Browsers that say where a request comes from: a link on another site is no choice of the patient's.
        if (req.get('Sec-Fetch-Site') !== 'cross-site') res.cookie(LANGUAGE_CHOSEN_COOKIE, '1', { ...cookie, maxAge: CHOICE_KEPT_MS });
      }
      res.redirect(localPath(req.query.terug));
    },

    /**
     * A patient's choice is kept on their account too, for the e-mail they get: on the page the link
     * leads back to, or the first page after their password (an alert the second step writes, a
     * recovery code used, is in it). The link itself needs no session (it works while the session
     * store is down). Only a choice just made counts (see LANGUAGE_CHOSEN_COOKIE).
     */
    remember(req: Request, res: Response, next: NextFunction) {
      const chosen: unknown = req.cookies?.[LANGUAGE_CHOSEN_COOKIE] === undefined ? undefined : req.cookies?.[LANGUAGE_COOKIE];
      const user = deps.auth.isSignedIn(req) ? req.user : undefined;
      const accountId = user?.id ?? deps.auth.pendingUserId(req);
      if (!isLanguage(chosen) || accountId === undefined) return next();
      res.clearCookie(LANGUAGE_CHOSEN_COOKIE, { path: '/' });
      // The half session's account is not read: its language is written whatever it was.
      if (user?.language === chosen) return next();
      deps.users.setLanguage(accountId, chosen).then(() => {
        if (user) user.language = chosen;
        next();
      }, next);
    },
  };
}

export type LanguageController = ReturnType<typeof createLanguageController>;
