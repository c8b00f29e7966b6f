import type { RequestOrigin } from '../audit';
import type { Clock } from '../clock';
import type { UserStore } from '../users';
import type { AlertComposer, MailAlertKind } from './alert-texts';
import type { MailOutbox } from './mail-outbox';

export type SecurityAlerts = ReturnType<typeof createSecurityAlerts>;

/**
 * Puts an alert for the patient in the mail outbox, written now in their language to the address
 * they have now. On the stores of a transaction it lands with the change, or not at all.
 */
export function createSecurityAlerts(deps: { users: UserStore; outbox: MailOutbox; compose: AlertComposer; clock: Clock }) {
  return {
    async queue(userId: number, kind: MailAlertKind, origin: RequestOrigin, details: Record<string, string | number>): Promise<void> {
      const user = await deps.users.findById(userId);
      if (!user) throw new Error(`no user ${userId} to send a security alert to`);
      const { subject, text } = deps.compose({ kind, language: user.language, name: user.name, at: deps.clock.now(), origin, details });
      await deps.outbox.enqueue({ userId, kind, to: user.email, language: user.language, subject, text });
    },
  };
}
