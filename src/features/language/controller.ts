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
      res.redirect(303, localPath(req.query.terug));
    },

    /**
     * A signed-in patient's choice is kept on their account too, for the e-mail they get: on the
     * page the link leads back to, or the first page after signing in. The link itself needs no
     * session (it works while the session store is down). Only a choice just made counts (see
     * LANGUAGE_CHOSEN_COOKIE).
     */
    remember(req: Request, res: Response, next: NextFunction) {
      const chosen: unknown = req.cookies?.[LANGUAGE_COOKIE];
      const user = req.user;
      if (req.cookies?.[LANGUAGE_CHOSEN_COOKIE] === undefined || !isLanguage(chosen) || !user || !deps.auth.isSignedIn(req)) return next();
      res.clearCookie(LANGUAGE_CHOSEN_COOKIE, { path: '/' });
      if (user.language === chosen) return next();
      deps.users.setLanguage(user.id, chosen).then(() => {
        user.language = chosen;
        next();
      }, next);
    },
  };
}

export type LanguageController = ReturnType<typeof createLanguageController>;
