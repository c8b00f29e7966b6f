import type { AuditLog, RequestOrigin, SecurityEventType } from './audit';
import type { MailAlertKind } from './mail/alert-texts';
import type { SecurityAlerts } from './mail/security-alerts';
import type { MessageKind, MessageStore } from './messages';

// Changes the patient must hear about in their inbox, so a change they did not make stands out.
const ANNOUNCED: Partial<Record<SecurityEventType, MessageKind>> = {
  two_factor_enabled: 'two_factor_enabled',
  two_factor_disabled: 'two_factor_disabled',
  two_factor_reset_by_clinic: 'two_factor_reset_by_clinic',
  phone_changed: 'phone_changed',
  recovery_codes_renewed: 'recovery_codes_renewed',
  recovery_code_used: 'recovery_code_used',
  password_changed: 'password_changed',
  second_step_locked: 'second_step_locked',
  method_switched: 'method_switched',
  totp_replay_refused: 'totp_replay_refused',
  account_disabled: 'account_disabled',
  account_enabled: 'account_enabled',
  password_reset_by_clinic: 'password_reset_by_clinic',
  sessions_ended_by_clinic: 'sessions_ended_by_clinic',
  passkey_added: 'passkey_added',
  passkey_renamed: 'passkey_renamed',
  passkey_removed: 'passkey_removed',
};

// Changes the patient is e-mailed about too: out of band, where an intruder who took the account
// over cannot read the notice first. A replay refused is no change (and a double click makes one).
// A new kind of change is one line here: its own alert (mail/alert-texts.ts), or 'security_changed'.
const EMAILED: Partial<Record<SecurityEventType, MailAlertKind>> = {
  two_factor_enabled: 'two_factor_enabled',
  two_factor_disabled: 'two_factor_disabled',
  two_factor_reset_by_clinic: 'two_factor_reset_by_clinic',
  phone_changed: 'phone_changed',
  method_switched: 'method_switched',
  recovery_codes_renewed: 'recovery_codes_renewed',
  recovery_code_used: 'recovery_code_used',
  password_changed: 'password_changed',
  second_step_locked: 'second_step_locked',
  account_disabled: 'account_disabled',
  account_enabled: 'account_enabled',
  password_reset_by_clinic: 'password_reset_by_clinic',
  sessions_ended_by_clinic: 'sessions_ended_by_clinic',
  passkey_added: 'passkey_added',
  passkey_removed: 'passkey_removed',
};

// What a message may show or pick its text by; everything else (e.g. a desk employee's reason) stays in the audit log.
const MESSAGE_PARAMS = ['remaining', 'phone', 'until', 'method', 'passkey', 'purpose', 'by', 'removed'];

function messageParams(details: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => MESSAGE_PARAMS.includes(key)));
}

export type SecurityNotifier = ReturnType<typeof createSecurityNotifier>;

/**
 * Records a security event in the activity log and, for changes, announces it in Berichten and
 * queues an e-mail. Built on the stores of a transaction (AccountStores), all of it lands with
 * the change it announces.
 */
export function createSecurityNotifier(deps: { audit: AuditLog; messages: MessageStore; alerts: SecurityAlerts }) {
  return {
    async notify(
      userId: number,
      type: SecurityEventType,
      origin: RequestOrigin,
      details: Record<string, string | number> = {},
    ): Promise<void> {
      await deps.audit.record(userId, type, origin, details);
      const kind = ANNOUNCED[type];
      if (kind) await deps.messages.post(userId, kind, messageParams(details));
      const alert = EMAILED[type];
      if (alert) await deps.alerts.queue(userId, alert, origin, messageParams(details));
    },
  };
}
