import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import { paths } from '../../paths';

/** How far ahead security.txt's Expires lies, from the start of today: renewed with the days, within the year RFC 9116 advises. */
const SECURITY_TXT_DAYS = 180;
const DAY_MS = 86_400_000;

/**
 * Addresses that other software looks up on any site (RFC 8615's `/.well-known/`): password
 * managers, to lead a patient straight to the page for changing their password or for adding and
 * managing passkeys; security researchers, to find where to report a vulnerability. They need no
 * session and say nothing about anyone.
 */
export function createWellKnownController(deps: { siteOrigin: string; securityContacts: string[]; clock: Clock }) {
  const absolute = (path: string) => `${deps.siteOrigin}${path}`;
  const passkeyEndpoints = { enroll: absolute(paths.twoStep.passkeys.add), manage: absolute(paths.twoStep.status) };

  return {
    /** W3C "A Well-Known URL for Changing Passwords": the page (which asks to sign in first, where needed). */
    changePassword: (_req: Request, res: Response) => res.redirect(paths.account.password),

    /** W3C "A Well-Known URL for Relying Party Passkey Endpoints": where a passkey is added, and where they are listed. */
    passkeyEndpoints: (_req: Request, res: Response) => res.json(passkeyEndpoints),

    /** RFC 9116, when the clinic named where reports go (SECURITY_CONTACT); otherwise there is none. */
    securityTxt(_req: Request, res: Response, next: NextFunction) {
      if (deps.securityContacts.length === 0) return next();
      const today = Math.floor(deps.clock.now() / DAY_MS) * DAY_MS;
      const lines = [
        ...deps.securityContacts.map((contact) => `Contact: ${contact}`),
        `Expires: ${new Date(today + SECURITY_TXT_DAYS * DAY_MS).toISOString()}`,
        'Preferred-Languages: nl, en',
        `Canonical: ${absolute(paths.wellKnown.securityTxt)}`,
      ];
      res.type('text/plain').send(`${lines.join('\n')}\n`);
    },
  };
}

export type WellKnownController = ReturnType<typeof createWellKnownController>;
