import type { AuditLog, RequestOrigin, SecurityEventType } from './audit';
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
  passkey_added: 'passkey_added',
  passkey_renamed: 'passkey_renamed',
  passkey_removed: 'passkey_removed',
};

// What a message may show; everything else (e.g. a desk employee's reason) stays in the audit log.
const MESSAGE_PARAMS = ['remaining', 'phone', 'until', 'method', 'passkey'];

function messageParams(details: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => MESSAGE_PARAMS.includes(key)));
}

export type SecurityNotifier = ReturnType<typeof createSecurityNotifier>;

/** Records a security event in the activity log and, for changes, announces it in Berichten. */
export function createSecurityNotifier(deps: { audit: AuditLog; messages: MessageStore }) {
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
    },
  };
}
