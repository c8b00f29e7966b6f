import type { Request, Response } from 'express';
import { paths } from '../../paths';

/**
 * Addresses that password managers look up on any site (RFC 8615's `/.well-known/`), to lead a
 * patient straight to the page for changing their password, or for adding and managing passkeys.
 * They need no session and say nothing about anyone.
 */
export function createWellKnownController(deps: { siteOrigin: string }) {
  const absolute = (path: string) => new URL(path, deps.siteOrigin).href;
  const passkeyEndpoints = { enroll: absolute(paths.twoStep.passkeys.add), manage: absolute(paths.twoStep.status) };

  return {
    /** W3C "A Well-Known URL for Changing Passwords": the page (which asks to sign in first, where needed). */
    changePassword: (_req: Request, res: Response) => res.redirect(302, paths.account.password),

    /** W3C "A Well-Known URL for Relying Party Passkey Endpoints": where a passkey is added, and where they are listed. */
    passkeyEndpoints: (_req: Request, res: Response) => res.json(passkeyEndpoints),
  };
}

export type WellKnownController = ReturnType<typeof createWellKnownController>;
