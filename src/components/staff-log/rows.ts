import type { StaffRole } from '../../domain/staff';
import type { StaffAuditEvent, StaffEventType } from '../../domain/staff-audit';
import type { Translate } from '../../i18n';
import { paths } from '../../paths';

/** The plain description of each kind of staff audit event; the compiler checks none is missing. */
const DESCRIPTION_KEYS: Record<StaffEventType, string> = {
  sign_in: 'staffLog.events.sign_in',
  sign_in_failed: 'staffLog.events.sign_in_failed',
  confirmation_failed: 'staffLog.events.confirmation_failed',
  sign_out: 'staffLog.events.sign_out',
  second_step_failed: 'staffLog.events.second_step_failed',
  second_step_locked: 'staffLog.events.second_step_locked',
  recovery_code_used: 'staffLog.events.recovery_code_used',
  totp_replay_refused: 'staffLog.events.totp_replay_refused',
  two_factor_enabled: 'staffLog.events.two_factor_enabled',
  password_chosen: 'staffLog.events.password_chosen',
  password_changed: 'staffLog.events.password_changed',
  recovery_codes_renewed: 'staffLog.events.recovery_codes_renewed',
  passkey_added: 'staffLog.events.passkey_added',
  passkey_removed: 'staffLog.events.passkey_removed',
  passkey_used: 'staffLog.events.passkey_used',
  patient_viewed: 'staffLog.events.patient_viewed',
  patient_two_factor_reset: 'staffLog.events.patient_two_factor_reset',
  patient_disabled: 'staffLog.events.patient_disabled',
  patient_enabled: 'staffLog.events.patient_enabled',
  patient_sessions_ended: 'staffLog.events.patient_sessions_ended',
  patient_password_reset: 'staffLog.events.patient_password_reset',
  question_viewed: 'staffLog.events.question_viewed',
  question_handled: 'staffLog.events.question_handled',
  staff_created: 'staffLog.events.staff_created',
  staff_disabled: 'staffLog.events.staff_disabled',
  staff_enabled: 'staffLog.events.staff_enabled',
  staff_role_changed: 'staffLog.events.staff_role_changed',
  staff_two_factor_reset: 'staffLog.events.staff_two_factor_reset',
  staff_password_reset: 'staffLog.events.staff_password_reset',
};

/**
 * Events whose text depends on what the code was for (`details.purpose`); the text above is the
 * sign-in's. A recovery code used to confirm a change did not sign anyone in.
 */
const PURPOSE_KEYS: Partial<Record<StaffEventType, Record<string, string>>> = {
  second_step_failed: { setup: 'staffLog.events.second_step_failed_setup', confirm: 'staffLog.events.second_step_failed_confirm' },
  recovery_code_used: { confirm: 'staffLog.events.recovery_code_used_confirm' },
};

/** A sign-in with a one-time password from an admin (`details.password`: see desk-sign-in), said so. */
const PASSWORD_KEYS: Partial<Record<StaffEventType, Record<string, string>>> = {
  sign_in: { one_time: 'staffLog.events.sign_in_one_time_password' },
};

/** A new staff member's role (`details.role`: see staff-admin.ts), in words. */
const CREATED_KEYS: Record<StaffRole, string> = {
  desk: 'staffLog.events.staff_created_desk',
  admin: 'staffLog.events.staff_created_admin',
};

/** A role change (`details.from` and `details.to`), so that giving or taking an admin's rights reads as such. */
const ROLE_CHANGE_KEYS: Record<string, string> = {
  'desk>admin': 'staffLog.events.staff_role_changed_to_admin',
  'admin>desk': 'staffLog.events.staff_role_changed_to_desk',
};

const roleKey = (event: StaffAuditEvent): string | undefined => {
  if (event.type === 'staff_created') return entryFor(CREATED_KEYS, event.details?.role);
  if (event.type === 'staff_role_changed') return entryFor(ROLE_CHANGE_KEYS, `${String(event.details?.from)}>${String(event.details?.to)}`);
  return undefined;
};

/**
 * Failures whose text says why, by the code they were recorded with (`details.reason`: see
 * sign-in.ts and second-factor.ts); the purpose's text comes first. A code never reaches the page.
 */
const FAILURE_KEYS: Partial<Record<StaffEventType, Record<string, string>>> = {
  sign_in_failed: {
    password: 'staffLog.failures.sign_in_failed.password',
    disabled: 'staffLog.failures.sign_in_failed.disabled',
    one_time_password_expired: 'staffLog.failures.sign_in_failed.one_time_password_expired',
  },
  confirmation_failed: { password: 'staffLog.failures.confirmation_failed.password', disabled: 'staffLog.failures.confirmation_failed.disabled' },
  second_step_failed: {
    wrong_recovery_code: 'staffLog.failures.second_step_failed.wrong_recovery_code',
    wrong_passkey: 'staffLog.failures.second_step_failed.wrong_passkey',
  },
};

/**
 * The events whose `details` hold what staff typed: the reason of a desk action or admin command,
 * the note on a handled question. Elsewhere `details.reason` is a failure's code.
 */
const TYPED_TEXT: Partial<Record<StaffEventType, 'reason' | 'note'>> = {
  patient_two_factor_reset: 'reason',
  patient_disabled: 'reason',
  patient_enabled: 'reason',
  patient_sessions_ended: 'reason',
  patient_password_reset: 'reason',
  staff_disabled: 'reason',
  staff_enabled: 'reason',
  staff_role_changed: 'reason',
  staff_two_factor_reset: 'reason',
  staff_password_reset: 'reason',
  question_handled: 'note',
};

const entryFor = (map: Record<string, string> | undefined, value: unknown) =>
  map && typeof value === 'string' && Object.hasOwn(map, value) ? map[value] : undefined;

const descriptionKey = (event: StaffAuditEvent): string =>
  roleKey(event) ??
  entryFor(PURPOSE_KEYS[event.type], event.details?.purpose) ??
  entryFor(PASSWORD_KEYS[event.type], event.details?.password) ??
  entryFor(FAILURE_KEYS[event.type], event.details?.reason) ??
  DESCRIPTION_KEYS[event.type] ??
  'staffLog.unknownEvent';

const typedText = (event: StaffAuditEvent): string | null => {
  const field = TYPED_TEXT[event.type];
  const value = field ? event.details?.[field] : undefined;
  return typeof value === 'string' ? value : null;
};

export interface StaffLogRow {
  id: number;
  datetime: string;
  when: string;
  who: string;
  what: string;
  /** The patient, staff member or question it concerns, with a link to their page. */
  about: { text: string; href: string } | null;
  reason: string | null;
}

/** The rows of a staff audit log table (views/components/staff-log/table), as the page's language says them. */
export function staffLogRows(events: StaffAuditEvent[], locals: { t: Translate; formatDate(ms: number): string; formatTime(ms: number): string }): StaffLogRow[] {
  const { t, formatDate, formatTime } = locals;
  const aboutOf = (event: StaffAuditEvent): StaffLogRow['about'] => {
    if (event.patient) return { text: `${event.patient.name} (${event.patient.email})`, href: paths.desk.patient(event.patient.id) };
    if (event.targetStaff) return { text: event.targetStaff.name, href: paths.desk.staffMember(event.targetStaff.id) };
    if (event.questionId !== null) return { text: t('staffLog.question', { id: event.questionId }), href: paths.desk.question(event.questionId) };
    return null;
  };
  return events.map((event) => ({
    id: event.id,
    datetime: new Date(event.createdAt).toISOString(),
    when: t('dates.at', { date: formatDate(event.createdAt), time: formatTime(event.createdAt) }),
    who: event.staff ? event.staff.name : t('staffLog.adminCommand'),
    what: t(descriptionKey(event)),
    about: aboutOf(event),
    reason: typedText(event),
  }));
}
