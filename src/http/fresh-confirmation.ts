import type { Request, RequestHandler } from 'express';
import type { Clock } from '../domain/clock';

declare module 'express-session' {
  interface SessionData {
    /** When the patient last proved again who they are (password and second step). */
    freshConfirmedAt: number;
  }
}

export const CONFIRM_PATH = '/account/bevestigen';

/** Only local account pages may be returned to after confirming. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/account\/[\w\-/]*$/.test(value) ? value : '/account/twee-stappen';
}

export function isFreshlyConfirmed(req: Request, clock: Clock, minutes: number): boolean {
  const at = req.session.freshConfirmedAt;
  return at !== undefined && clock.now() - at <= minutes * 60_000;
}

/**
 * Changes to sign-in security need a fresh confirmation (SPEC J6). Without one, the patient is
 * sent to confirm and comes back to the page they asked for (a form is shown again, not resubmitted).
 */
export function requireFreshConfirmation(clock: Clock, minutes: number, returnTo?: string): RequestHandler {
  return (req, res, next) => {
    if (isFreshlyConfirmed(req, clock, minutes)) return next();
    const back = returnTo ?? (req.method === 'GET' ? req.path : '/account/twee-stappen');
    res.redirect(303, `${CONFIRM_PATH}?terug=${encodeURIComponent(back)}`);
  };
}
