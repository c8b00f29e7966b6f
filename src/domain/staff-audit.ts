import type { Database } from '../infra/database';
import { insertForAccount, shortenIp, type RequestOrigin } from './audit';
import type { Clock } from './clock';

/** What the staff audit log records: a staff member's own sign-in security, and every desk action. */
export type StaffEventType =
  | 'sign_in'
  | 'sign_in_failed'
  | 'confirmation_failed'
  | 'sign_out'
  | 'second_step_failed'
  | 'second_step_locked'
  | 'recovery_code_used'
  | 'totp_replay_refused'
  | 'two_factor_enabled'
  | 'password_chosen'
  | 'password_changed'
  | 'recovery_codes_renewed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'passkey_used'
  | 'patient_viewed'
  | 'patient_two_factor_reset'
  | 'patient_disabled'
  | 'patient_enabled'
  | 'patient_sessions_ended'
  | 'patient_password_reset'
  | 'question_viewed'
  | 'question_handled'
  | 'staff_created'
  | 'staff_disabled'
  | 'staff_enabled'
  | 'staff_role_changed'
  | 'staff_two_factor_reset'
  | 'staff_password_reset';

/** Whom or what an event concerns, besides the staff member who did it. */
export interface StaffAuditRefs {
  patientId?: number;
  targetStaffId?: number;
  questionId?: number;
}

export interface StaffAuditEvent {
  id: number;
  type: StaffEventType;
  /** Null: done with the admin command on the server. */
  staff: { id: number; name: string } | null;
  patient: { id: number; name: string; email: string } | null;
  targetStaff: { id: number; name: string } | null;
  questionId: number | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

export type StaffAuditLog = ReturnType<typeof createStaffAuditLog>;

/** The staff audit log (`staff_audit_events`): who on the staff did what, to whom, and why. */
export function createStaffAuditLog(db: Database, clock: Clock) {
  const eventRow = (type: StaffEventType, origin: RequestOrigin, details?: Record<string, unknown>) => ({
    type,
    details: details && Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    ip: shortenIp(origin.ip),
    user_agent: origin.userAgent?.slice(0, 120) ?? null,
    created_at: clock.now(),
  });

  return {
    async record(
      staffId: number | null,
      type: StaffEventType,
      origin: RequestOrigin = {},
      details?: Record<string, unknown>,
      refs: StaffAuditRefs = {},
    ): Promise<void> {
      await db('staff_audit_events').insert({
        staff_id: staffId,
        patient_id: refs.patientId ?? null,
        target_staff_id: refs.targetStaffId ?? null,
        question_id: refs.questionId ?? null,
        ...eventRow(type, origin, details),
      });
    },

    /** A refused password of the staff member `staffId`, or of an address without an account (null): the same work, nothing stored. */
    recordRefusedPassword(staffId: number | null, type: StaffEventType, origin: RequestOrigin, details: Record<string, unknown>): Promise<void> {
      return insertForAccount(db, 'staff_audit_events', { table: 'staff', column: 'staff_id' }, staffId, eventRow(type, origin, details));
    },

    /**
     * Newest first, `limit` of them: older than event `before` when given (the next page), only the
     * events about one patient when `patientId` is given, none of the types in `leaveOut`.
     */
    async list(options: { limit: number; before?: number; patientId?: number; leaveOut?: StaffEventType[] }): Promise<StaffAuditEvent[]> {
      const query = db('staff_audit_events as e')
        .leftJoin('staff as s', 's.id', 'e.staff_id')
        .leftJoin('users as u', 'u.id', 'e.patient_id')
        .leftJoin('staff as t', 't.id', 'e.target_staff_id')
        .select('e.*', 's.name as staff_name', 'u.name as patient_name', 'u.email as patient_email', 't.name as target_name')
        .orderBy('e.id', 'desc')
        .limit(options.limit);
      if (options.before !== undefined) query.where('e.id', '<', options.before);
      if (options.patientId !== undefined) query.where('e.patient_id', options.patientId);
      if (options.leaveOut?.length) query.whereNotIn('e.type', options.leaveOut);
      const rows = await query;
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        staff: row.staff_id === null ? null : { id: row.staff_id, name: row.staff_name },
        patient: row.patient_id === null ? null : { id: row.patient_id, name: row.patient_name, email: row.patient_email },
        targetStaff: row.target_staff_id === null ? null : { id: row.target_staff_id, name: row.target_name },
        questionId: row.question_id ?? null,
        details: row.details ? JSON.parse(row.details) : null,
        ip: row.ip,
        userAgent: row.user_agent,
        createdAt: Number(row.created_at),
      }));
    },
  };
}

export type StaffNotifier = ReturnType<typeof createStaffNotifier>;

/**
 * The staff member's counterpart of the patient's security notifier (security-notifier.ts), for
 * what the shared sign-in modules record: into the staff audit log. Staff have no inbox.
 */
export function createStaffNotifier(audit: StaffAuditLog) {
  return {
    notify(staffId: number, type: StaffEventType, origin: RequestOrigin, details: Record<string, string | number> = {}): Promise<void> {
      return audit.record(staffId, type, origin, details);
    },
  };
}
