import type { Request, Response } from 'express';
import { LANGUAGE_COOKIE } from '../../http/language';
import { isLanguage } from '../../i18n';
import { localPath } from './validation';

/** The language link in the footer: a plain link, so the language can be chosen without JavaScript. */
export function createLanguageController(deps: { isProduction: boolean }) {
  return {
    choose(req: Request, res: Response) {
      const language = req.params.language;
      if (isLanguage(language)) {
        res.cookie(LANGUAGE_COOKIE, language, { maxAge: 365 * 24 * 3600_000, sameSite: 'lax', httpOnly: true, secure: deps.isProduction, path: '/' });
      }
      res.redirect(303, localPath(req.query.terug));
    },
  };
}

export type LanguageController = ReturnType<typeof createLanguageController>;
