import type { Request, Response } from 'express';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { paths } from '../../paths';

export type Announce = (req: Request, type: Parameters<SecurityNotifier['notify']>[1], details?: Record<string, string | number>) => Promise<void>;

/** The change is made: record it, tell the patient (Berichten), and end their other sessions. */
export function createAnnounce(deps: { notifier: SecurityNotifier; users: UserStore; auth: AuthLevels }): Announce {
  return async (req, type, details = {}) => {
    await deps.notifier.notify(req.user!.id, type, requestOrigin(req), details);
    await deps.auth.endOtherSessions(req, deps.users);
  };
}

/** Back to the status page, which says what changed (`what` is one of its notices). */
export function doneRedirect(res: Response, what: string): void {
  res.redirect(303, `${paths.twoStep.status}?gewijzigd=${what}`);
}
