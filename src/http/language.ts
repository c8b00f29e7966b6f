import type { Request } from 'express';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../i18n';

export const LANGUAGE_COOKIE = 'karify.lang';

/**
 * The patient's own choice (a plain link sets a cookie), else the browser's preference, else Dutch.
 * The cookie is read by cookie-parser (mounted in app.ts before the view locals).
 */
export function chooseLanguage(req: Request, available: readonly Language[]): Language {
  const chosen: unknown = req.cookies?.[LANGUAGE_COOKIE];
  if (isLanguage(chosen) && available.includes(chosen)) return chosen;
  const accepted = req.acceptsLanguages(...available);
  return isLanguage(accepted) ? accepted : DEFAULT_LANGUAGE;
}
