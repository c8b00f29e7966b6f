import type { SecurityEvent, SecurityEventType } from '../../domain/audit';
import { describeUserAgent } from '../../domain/user-agent';
import type { Translate } from '../../i18n';

/*
 * An event of the security log in plain words, with the device it came from: the patient's
 * "Beveiligingsactiviteit" and the desk's view of a patient show the same lines.
 */

/** Where the plain Dutch description of each event type lives; the compiler checks none is missing. */
export const EVENT_DESCRIPTION_KEYS: Record<SecurityEventType, string> = {
  sign_in: 'securityEvents.events.sign_in',
  sign_in_failed: 'securityEvents.events.sign_in_failed',
  confirmation_failed: 'securityEvents.events.confirmation_failed',
  sign_out: 'securityEvents.events.sign_out',
  signed_out_elsewhere: 'securityEvents.events.signed_out_elsewhere',
  account_created: 'securityEvents.events.account_created',
  account_disabled: 'securityEvents.events.account_disabled',
  account_enabled: 'securityEvents.events.account_enabled',
  two_factor_enabled: 'securityEvents.events.two_factor_enabled',
  two_factor_code_wrong: 'securityEvents.events.two_factor_code_wrong',
  two_factor_disabled: 'securityEvents.events.two_factor_disabled',
  two_factor_reset_by_clinic: 'securityEvents.events.two_factor_reset_by_clinic',
  second_step_failed: 'securityEvents.events.second_step_failed',
  second_step_locked: 'securityEvents.events.second_step_locked',
  recovery_code_used: 'securityEvents.events.recovery_code_used',
  recovery_codes_renewed: 'securityEvents.events.recovery_codes_renewed',
  phone_changed: 'securityEvents.events.phone_changed',
  method_switched: 'securityEvents.events.method_switched',
  totp_replay_refused: 'securityEvents.events.totp_replay_refused',
  password_changed: 'securityEvents.events.password_changed',
  password_reset_by_clinic: 'securityEvents.events.password_reset_by_clinic',
  sessions_ended_by_clinic: 'securityEvents.events.sessions_ended_by_clinic',
  passkey_added: 'securityEvents.events.passkey_added',
  passkey_renamed: 'securityEvents.events.passkey_renamed',
  passkey_removed: 'securityEvents.events.passkey_removed',
  passkey_used: 'securityEvents.events.passkey_used',
};

/**
 * Descriptions more precise than the event type's own, by the value of one of the event's details
 * (reason, purpose, by, what was removed with it, what a sign-in went without or that its password
 * was the clinic's temporary one; e.g. { reason: 'disabled' } on sign_in_failed).
 */
const EVENT_VARIANT_KEYS: Partial<Record<SecurityEventType, Record<string, string>>> = {
  sign_in_failed: {
    disabled: 'securityEvents.eventVariants.sign_in_failed.disabled',
    one_time_password_expired: 'securityEvents.eventVariants.sign_in_failed.one_time_password_expired',
  },
  confirmation_failed: { disabled: 'securityEvents.eventVariants.confirmation_failed.disabled' },
  two_factor_code_wrong: { setup: 'securityEvents.eventVariants.two_factor_code_wrong.setup' },
  account_created: { 'admin-cli': 'securityEvents.eventVariants.account_created.admin-cli' },
  account_disabled: { 'admin-cli': 'securityEvents.eventVariants.account_disabled.admin-cli', desk: 'securityEvents.eventVariants.account_disabled.desk' },
  account_enabled: { 'admin-cli': 'securityEvents.eventVariants.account_enabled.admin-cli', desk: 'securityEvents.eventVariants.account_enabled.desk' },
  two_factor_reset_by_clinic: { desk: 'securityEvents.eventVariants.two_factor_reset_by_clinic.desk' },
  password_reset_by_clinic: { desk: 'securityEvents.eventVariants.password_reset_by_clinic.desk' },
  two_factor_disabled: { passkeys: 'securityEvents.eventVariants.two_factor_disabled.passkeys' },
  sign_in: { password: 'securityEvents.eventVariants.sign_in.without_password', temporary: 'securityEvents.eventVariants.sign_in.temporary_password' },
  passkey_used: {
    sign_in: 'securityEvents.eventVariants.passkey_used.sign_in',
    confirm: 'securityEvents.eventVariants.passkey_used.confirm',
  },
  recovery_code_used: {
    sign_in: 'securityEvents.eventVariants.recovery_code_used.sign_in',
    confirm: 'securityEvents.eventVariants.recovery_code_used.confirm',
  },
  second_step_failed: {
    wrong_recovery_code: 'securityEvents.eventVariants.second_step_failed.wrong_recovery_code',
    wrong_passkey: 'securityEvents.eventVariants.second_step_failed.wrong_passkey',
    expired: 'securityEvents.eventVariants.second_step_failed.expired',
    setup: 'securityEvents.eventVariants.second_step_failed.setup',
    confirm: 'securityEvents.eventVariants.second_step_failed.confirm',
    phone_change: 'securityEvents.eventVariants.second_step_failed.phone_change',
    switch_sms: 'securityEvents.eventVariants.second_step_failed.switch_sms',
    switch_app: 'securityEvents.eventVariants.second_step_failed.switch_app',
  },
};
// The purpose first: a wrong code while changing the number is that, whatever kind of wrong.
const VARIANT_FIELDS = ['purpose', 'reason', 'by', 'removed', 'without', 'password'] as const;
// The clinic's actions (`by`) keep the reason someone typed: text, never a choice of description.
const CLINIC_VARIANT_FIELDS = VARIANT_FIELDS.filter((field) => field !== 'reason');

/** Descriptions that name the method ("Ingelogd met {{method}}"), for the event types that have one. */
const EVENT_WITH_METHOD_KEYS: Partial<Record<SecurityEventType, string>> = {
  sign_in: 'securityEvents.eventsWithMethod.sign_in',
  two_factor_enabled: 'securityEvents.eventsWithMethod.two_factor_enabled',
  second_step_failed: 'securityEvents.eventsWithMethod.second_step_failed',
  method_switched: 'securityEvents.eventsWithMethod.method_switched',
};

/** Descriptions that name the passkey ("Toegangssleutel 'iPhone van Cas' toegevoegd"), for its events. */
const EVENT_WITH_PASSKEY_KEYS: Partial<Record<SecurityEventType, string>> = {
  passkey_added: 'securityEvents.eventsWithPasskey.passkey_added',
  passkey_renamed: 'securityEvents.eventsWithPasskey.passkey_renamed',
  passkey_removed: 'securityEvents.eventsWithPasskey.passkey_removed',
  passkey_used: 'securityEvents.eventsWithPasskey.passkey_used',
};

/** The method an event names in its details, as the activity page calls it. */
const METHOD_KEYS: Record<string, string> = {
  password: 'securityEvents.methods.password',
  temporary_password: 'securityEvents.methods.temporary_password',
  sms: 'securityEvents.methods.sms',
  totp: 'securityEvents.methods.totp',
  app: 'securityEvents.methods.app',
  recovery_code: 'securityEvents.methods.recovery_code',
  passkey: 'securityEvents.methods.passkey',
};

/** The entry of `map` for a detail's value, if it is a string the map knows (not an inherited name). */
function entryFor(map: Record<string, string> | undefined, value: unknown): string | undefined {
  return map && typeof value === 'string' && Object.hasOwn(map, value) ? map[value] : undefined;
}

/**
 * The texts that speak to the patient ("je zorgaanbieder", "dat jij het bent"), as the desk reads
 * them about the patient.
 */
const FOR_THE_DESK: Record<string, string> = {
  'securityEvents.events.two_factor_reset_by_clinic': 'securityEvents.forTheDesk.two_factor_reset_by_clinic',
  'securityEvents.events.password_reset_by_clinic': 'securityEvents.forTheDesk.password_reset_by_clinic',
  'securityEvents.eventVariants.password_reset_by_clinic.desk': 'securityEvents.forTheDesk.password_reset_by_desk',
  'securityEvents.events.sessions_ended_by_clinic': 'securityEvents.forTheDesk.sessions_ended_by_clinic',
  'securityEvents.eventVariants.account_created.admin-cli': 'securityEvents.forTheDesk.account_created_by_command',
  'securityEvents.eventVariants.account_disabled.admin-cli': 'securityEvents.forTheDesk.account_disabled_by_command',
  'securityEvents.eventVariants.account_disabled.desk': 'securityEvents.forTheDesk.account_disabled_by_desk',
  'securityEvents.eventVariants.account_enabled.admin-cli': 'securityEvents.forTheDesk.account_enabled_by_command',
  'securityEvents.eventVariants.account_enabled.desk': 'securityEvents.forTheDesk.account_enabled_by_desk',
  'securityEvents.eventVariants.two_factor_reset_by_clinic.desk': 'securityEvents.forTheDesk.two_factor_reset_by_desk',
  'securityEvents.eventVariants.second_step_failed.confirm': 'securityEvents.forTheDesk.second_step_failed_confirm',
  'securityEvents.eventVariants.second_step_failed.phone_change': 'securityEvents.forTheDesk.second_step_failed_phone_change',
  'securityEvents.unknownEvent': 'securityEvents.forTheDesk.unknownEvent',
};

/**
 * The plain Dutch description of one event: the most precise text the locale has for it —
 * a variant for its reason/purpose/actor, then one naming its passkey or its method ("Ingelogd
 * met SMS-code"), then the event type's own description. `reader`: the patient (their own
 * activity page) or the desk (the patient's page at the desk, about the patient).
 */
export function describeEvent(t: Translate, event: Pick<SecurityEvent, 'type' | 'details'>, reader: 'patient' | 'desk' = 'patient'): string {
  const details = event.details ?? {};
  const keys: string[] = [];
  for (const field of details.by === undefined ? VARIANT_FIELDS : CLINIC_VARIANT_FIELDS) {
    const variant = entryFor(EVENT_VARIANT_KEYS[event.type], details[field]);
    if (variant) keys.push(variant);
  }
  const passkey = typeof details.passkey === 'string' ? details.passkey : '';
  const withPasskey = EVENT_WITH_PASSKEY_KEYS[event.type];
  if (passkey && withPasskey) keys.push(withPasskey);
  const methodKey = entryFor(METHOD_KEYS, details.method);
  const withMethod = EVENT_WITH_METHOD_KEYS[event.type];
  if (methodKey && withMethod) keys.push(withMethod);
  keys.push(EVENT_DESCRIPTION_KEYS[event.type] ?? 'securityEvents.unknownEvent');
  const spoken = reader === 'desk' ? keys.map((key) => FOR_THE_DESK[key] ?? key) : keys;
  return t(spoken, { method: methodKey ? t(methodKey) : '', passkey });
}

/** "Chrome op Windows", "Safari op iPhone", "onbekende browser". */
export function describeDevice(t: Translate, userAgent: string | null): string {
  const { browser, os } = describeUserAgent(userAgent);
  if (browser && os) return t('securityEvents.device.browserOnOs', { browser, os });
  if (browser) return t('securityEvents.device.browserOnly', { browser });
  if (os) return t('securityEvents.device.osOnly', { os });
  return t('securityEvents.device.unknown');
}
