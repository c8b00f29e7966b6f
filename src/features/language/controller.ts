import type { NextFunction, Request, Response } from 'express';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { LANGUAGE_COOKIE } from '../../http/language';
import { isLanguage } from '../../i18n';
import { localPath } from './validation';

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
        res.cookie(LANGUAGE_COOKIE, language, { maxAge: 365 * 24 * 3600_000, sameSite: 'lax', httpOnly: true, secure: deps.isProduction, path: '/' });
      }
      res.redirect(303, localPath(req.query.terug));
    },

    /**
     * A signed-in patient's choice is kept on their account too, for the e-mail they get: on the
     * page the link leads back to, or the first page after signing in. The link itself needs no
     * session (it works while the session store is down).
     */
    remember(req: Request, _res: Response, next: NextFunction) {
      const chosen: unknown = req.cookies?.[LANGUAGE_COOKIE];
      const user = req.user;
      if (!isLanguage(chosen) || !user || !deps.auth.isSignedIn(req) || user.language === chosen) return next();
      deps.users.setLanguage(user.id, chosen).then(() => {
        user.language = chosen;
        next();
      }, next);
    },
  };
}

export type LanguageController = ReturnType<typeof createLanguageController>;
