import { Router } from 'express';
import { isLanguage } from '../../i18n';
import { LANGUAGE_COOKIE } from '../../http/language';

/** Only a path on this site may be returned to. */
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-/]*$/.test(value) ? value : '/';
}

/** GET /taal/en?terug=/inloggen — a plain link, so the language can be chosen without JavaScript. */
export function languageRoutes(isProduction: boolean): Router {
  const router = Router();
  router.get('/taal/:language', (req, res) => {
    const language = req.params.language;
    if (isLanguage(language)) {
      res.cookie(LANGUAGE_COOKIE, language, { maxAge: 365 * 24 * 3600_000, sameSite: 'lax', httpOnly: true, secure: isProduction, path: '/' });
    }
    res.redirect(303, localPath(req.query.terug));
  });
  return router;
}
