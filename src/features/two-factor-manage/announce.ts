import type { Request } from 'express';
import type { AccountStores, InTransaction } from '../../domain/account-stores';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';

/**
 * Makes a change with the stores of one transaction; false when there was nothing to change, or
 * more details for its record (what went with it, counted in the same transaction).
 */
export type Change = (stores: AccountStores) => Promise<boolean | void | { details: Record<string, string | number> }>;

export type Announce = (
  req: Request,
  type: Parameters<SecurityNotifier['notify']>[1],
  change: Change,
  details?: Record<string, string | number>,
) => Promise<boolean>;

/**
 * Makes the change and records and announces it (activity, Berichten, e-mail) in one transaction,
 * then ends the patient's other sessions. Returns false, announcing nothing, when `change` says
 * nothing changed (two-step turned off already, by a double click).
 */
export function createAnnounce(deps: { inTransaction: InTransaction; users: UserStore; auth: AuthLevels }): Announce {
  return async (req, type, change, details = {}) => {
    const changed = await deps.inTransaction(async (stores) => {
      const done = await change(stores);
      if (done === false) return false;
      await stores.notifier.notify(req.user!.id, type, requestOrigin(req), typeof done === 'object' ? { ...details, ...done.details } : details);
      return true;
    });
    if (changed) await deps.auth.endOtherSessions(req, deps.users);
    return changed;
  };
}
