import type { Request } from 'express';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../i18n';

export const LANGUAGE_COOKIE = 'karify.lang';

/** The patient's own choice (a plain link sets a cookie), else the browser's preference, else Dutch. */
export function chooseLanguage(req: Request, available: readonly Language[]): Language {
  const chosen = req.cookies?.[LANGUAGE_COOKIE] ?? parseCookie(req.headers.cookie, LANGUAGE_COOKIE);
  if (isLanguage(chosen) && available.includes(chosen)) return chosen;
  const accepted = req.acceptsLanguages(...available);
  return isLanguage(accepted) ? accepted : DEFAULT_LANGUAGE;
}

function parseCookie(header: string | undefined, name: string): string | undefined {
  const match = header?.split(/;\s*/).find((part) => part.startsWith(`${name}=`));
  return match?.slice(name.length + 1);
}
