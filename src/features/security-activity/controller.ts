import type { Request, Response } from 'express';
import type { AuditLog, SecurityEvent, SecurityEventType } from '../../domain/audit';
import { describeUserAgent } from '../../domain/user-agent';
import type { Translate } from '../../i18n';

/** Where the plain Dutch description of each event type lives; the compiler checks none is missing. */
export const EVENT_DESCRIPTION_KEYS: Record<SecurityEventType, string> = {
  sign_in: 'securityActivity.events.sign_in',
  sign_in_failed: 'securityActivity.events.sign_in_failed',
  sign_out: 'securityActivity.events.sign_out',
  account_created: 'securityActivity.events.account_created',
  account_disabled: 'securityActivity.events.account_disabled',
  account_enabled: 'securityActivity.events.account_enabled',
  two_factor_enabled: 'securityActivity.events.two_factor_enabled',
  two_factor_code_wrong: 'securityActivity.events.two_factor_code_wrong',
  two_factor_disabled: 'securityActivity.events.two_factor_disabled',
  two_factor_reset_by_clinic: 'securityActivity.events.two_factor_reset_by_clinic',
  second_step_failed: 'securityActivity.events.second_step_failed',
  second_step_locked: 'securityActivity.events.second_step_locked',
  recovery_code_used: 'securityActivity.events.recovery_code_used',
  recovery_codes_renewed: 'securityActivity.events.recovery_codes_renewed',
  phone_changed: 'securityActivity.events.phone_changed',
  method_switched: 'securityActivity.events.method_switched',
  totp_replay_refused: 'securityActivity.events.totp_replay_refused',
  password_changed: 'securityActivity.events.password_changed',
  sessions_ended_by_clinic: 'securityActivity.events.sessions_ended_by_clinic',
  passkey_added: 'securityActivity.events.passkey_added',
  passkey_renamed: 'securityActivity.events.passkey_renamed',
  passkey_removed: 'securityActivity.events.passkey_removed',
  passkey_used: 'securityActivity.events.passkey_used',
};

/**
 * Descriptions more precise than the event type's own, by the value of one of the event's details
 * (reason, purpose or by; e.g. { reason: 'disabled' } on sign_in_failed).
 */
const EVENT_VARIANT_KEYS: Partial<Record<SecurityEventType, Record<string, string>>> = {
  sign_in_failed: { disabled: 'securityActivity.eventVariants.sign_in_failed.disabled' },
  two_factor_code_wrong: { setup: 'securityActivity.eventVariants.two_factor_code_wrong.setup' },
  account_created: { 'admin-cli': 'securityActivity.eventVariants.account_created.admin-cli' },
  account_disabled: { 'admin-cli': 'securityActivity.eventVariants.account_disabled.admin-cli', desk: 'securityActivity.eventVariants.account_disabled.desk' },
  account_enabled: { 'admin-cli': 'securityActivity.eventVariants.account_enabled.admin-cli', desk: 'securityActivity.eventVariants.account_enabled.desk' },
  two_factor_reset_by_clinic: { desk: 'securityActivity.eventVariants.two_factor_reset_by_clinic.desk' },
  recovery_code_used: {
    sign_in: 'securityActivity.eventVariants.recovery_code_used.sign_in',
    confirm: 'securityActivity.eventVariants.recovery_code_used.confirm',
  },
  second_step_failed: {
    wrong_recovery_code: 'securityActivity.eventVariants.second_step_failed.wrong_recovery_code',
    wrong_passkey: 'securityActivity.eventVariants.second_step_failed.wrong_passkey',
    expired: 'securityActivity.eventVariants.second_step_failed.expired',
    setup: 'securityActivity.eventVariants.second_step_failed.setup',
    confirm: 'securityActivity.eventVariants.second_step_failed.confirm',
    phone_change: 'securityActivity.eventVariants.second_step_failed.phone_change',
    switch_sms: 'securityActivity.eventVariants.second_step_failed.switch_sms',
    switch_app: 'securityActivity.eventVariants.second_step_failed.switch_app',
  },
};
// The purpose first: a wrong code while changing the number is that, whatever kind of wrong.
const VARIANT_FIELDS = ['purpose', 'reason', 'by'] as const;

/** Descriptions that name the method ("Ingelogd met {{method}}"), for the event types that have one. */
const EVENT_WITH_METHOD_KEYS: Partial<Record<SecurityEventType, string>> = {
  sign_in: 'securityActivity.eventsWithMethod.sign_in',
  two_factor_enabled: 'securityActivity.eventsWithMethod.two_factor_enabled',
  second_step_failed: 'securityActivity.eventsWithMethod.second_step_failed',
  method_switched: 'securityActivity.eventsWithMethod.method_switched',
};

/** Descriptions that name the passkey ("Toegangssleutel 'iPhone van Cas' toegevoegd"), for its events. */
const EVENT_WITH_PASSKEY_KEYS: Partial<Record<SecurityEventType, string>> = {
  passkey_added: 'securityActivity.eventsWithPasskey.passkey_added',
  passkey_renamed: 'securityActivity.eventsWithPasskey.passkey_renamed',
  passkey_removed: 'securityActivity.eventsWithPasskey.passkey_removed',
  passkey_used: 'securityActivity.eventsWithPasskey.passkey_used',
};

/** The method an event names in its details, as the activity page calls it. */
const METHOD_KEYS: Record<string, string> = {
  password: 'securityActivity.methods.password',
  sms: 'securityActivity.methods.sms',
  totp: 'securityActivity.methods.totp',
  app: 'securityActivity.methods.app',
  recovery_code: 'securityActivity.methods.recovery_code',
  passkey: 'securityActivity.methods.passkey',
};

/** The entry of `map` for a detail's value, if it is a string the map knows (not an inherited name). */
function entryFor(map: Record<string, string> | undefined, value: unknown): string | undefined {
  return map && typeof value === 'string' && Object.hasOwn(map, value) ? map[value] : undefined;
}

/**
 * The plain Dutch description of one event: the most precise text the locale has for it —
 * a variant for its reason/purpose/actor, then one naming its passkey or its method ("Ingelogd
 * met SMS-code"), then the event type's own description.
 */
export function describeEvent(t: Translate, event: Pick<SecurityEvent, 'type' | 'details'>): string {
  const details = event.details ?? {};
  const keys: string[] = [];
  for (const field of VARIANT_FIELDS) {
    const variant = entryFor(EVENT_VARIANT_KEYS[event.type], details[field]);
    if (variant) keys.push(variant);
  }
  const passkey = typeof details.passkey === 'string' ? details.passkey : '';
  const withPasskey = EVENT_WITH_PASSKEY_KEYS[event.type];
  if (passkey && withPasskey) keys.push(withPasskey);
  const methodKey = entryFor(METHOD_KEYS, details.method);
  const withMethod = EVENT_WITH_METHOD_KEYS[event.type];
  if (methodKey && withMethod) keys.push(withMethod);
  keys.push(EVENT_DESCRIPTION_KEYS[event.type] ?? 'securityActivity.unknownEvent');
  return t(keys, { method: methodKey ? t(methodKey) : '', passkey });
}

/** "Chrome op Windows", "Safari op iPhone", "onbekende browser". */
export function describeDevice(t: Translate, userAgent: string | null): string {
  const { browser, os } = describeUserAgent(userAgent);
  if (browser && os) return t('securityActivity.device.browserOnOs', { browser, os });
  if (browser) return t('securityActivity.device.browserOnly', { browser });
  if (os) return t('securityActivity.device.osOnly', { os });
  return t('securityActivity.device.unknown');
}

export type SecurityActivityController = ReturnType<typeof createSecurityActivityController>;

export function createSecurityActivityController(deps: { audit: AuditLog }) {
  return {
    async show(req: Request, res: Response) {
      const { t, formatDate, formatTime } = res.locals;
      const events = await deps.audit.listForUser(req.user!.id);
      const rows = events.map((event) => ({
        id: event.id,
        datetime: new Date(event.createdAt).toISOString(),
        when: t('dates.at', { date: formatDate(event.createdAt), time: formatTime(event.createdAt) }),
        description: describeEvent(t, event),
        device: describeDevice(t, event.userAgent),
        ip: event.ip, // shortened when it was stored
      }));
      res.render('security-activity/index', { rows });
    },
  };
}
