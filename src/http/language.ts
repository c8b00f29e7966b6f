import type { Request } from 'express';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../i18n';

export const LANGUAGE_COOKIE = 'karify.lang';
/**
 * Set with the language cookie when the patient chose it on a page of this site, until a signed-in
 * page keeps the choice on their account: a language cookie alone (another person's choice on a
 * shared computer, a link from another site) changes the pages shown, not the account's e-mail.
 */
export const LANGUAGE_CHOSEN_COOKIE = 'karify.lang-chosen';

/**
 * Dutch, the clinic's language, unless the patient chose another with the language link (a
 * cookie). The browser's Accept-Language is not asked: text browsers and many Dutch patients'
 * browsers ask for English without the patient knowing. The cookie is read by cookie-parser
 * (mounted in app.ts before the view locals).
 */
export function chooseLanguage(req: Request, available: readonly Language[]): Language {
  const chosen: unknown = req.cookies?.[LANGUAGE_COOKIE];
  return isLanguage(chosen) && available.includes(chosen) ? chosen : DEFAULT_LANGUAGE;
}
