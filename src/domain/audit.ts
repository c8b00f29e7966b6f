import type { Database } from '../infra/database';
import type { Clock } from './clock';

export type SecurityEventType =
  | 'sign_in'
  | 'sign_in_failed'
  | 'confirmation_failed'
  | 'sign_out'
  | 'signed_out_elsewhere'
  | 'account_created'
  | 'account_disabled'
  | 'account_enabled'
  | 'two_factor_enabled'
  | 'two_factor_code_wrong'
  | 'two_factor_disabled'
  | 'two_factor_reset_by_clinic'
  | 'second_step_failed'
  | 'second_step_locked'
  | 'recovery_code_used'
  | 'recovery_codes_renewed'
  | 'phone_changed'
  | 'method_switched'
  | 'totp_replay_refused'
  | 'password_changed'
  | 'password_reset_by_clinic'
  | 'sessions_ended_by_clinic'
  | 'passkey_added'
  | 'passkey_renamed'
  | 'passkey_removed'
  | 'passkey_used';

export interface SecurityEvent {
  id: number;
  type: SecurityEventType;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
  createdAt: number;
}

export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

/** Keeps the network, drops the host: 203.0.113.57 → 203.0.113.0, 2001:db8:1:2::5 → 2001:db8:1::. */
export function shortenIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return v4.replace(/\.\d+$/, '.0');
  const groups = ip.split(':').filter(Boolean).slice(0, 3);
  return groups.length > 0 ? `${groups.join(':')}::` : null;
}

/** The event types only the clinic causes (src/domain/clinic-actions.ts), whatever their details say. */
const BY_CLINIC_TYPES: ReadonlySet<SecurityEventType> = new Set(['two_factor_reset_by_clinic', 'password_reset_by_clinic', 'sessions_ended_by_clinic']);

/**
 * Whether the clinic did it, at the desk or with the admin command (`details.by`, see
 * clinic-actions.ts and src/cli): then its browser and network are the clinic's, not the patient's.
 */
export function isByClinic(event: Pick<SecurityEvent, 'type' | 'details'>): boolean {
  const by = event.details?.by;
  return BY_CLINIC_TYPES.has(event.type) || by === 'desk' || by === 'admin-cli';
}

type Row = Record<string, string | number | null>;

/**
 * Inserts `row` into `table` for the account `accountId` of `accounts` (its id into `column`), or
 * nothing when there is no such account (null): one and the same statement and round trip either
 * way, so a wrong password for an unknown address waits for what one for a known account does (SPEC
 * J1). Only committing a real row costs more (PostgreSQL's log flush: ~0.2–0.3 ms, within the
 * spread of the argon2id verification before it, and the throttle allows few tries per address).
 */
export async function insertForAccount(db: Database, table: string, accounts: { table: string; column: string }, accountId: number | null, row: Row): Promise<void> {
  const columns = Object.keys(row);
  // Typed, because PostgreSQL does not take a SELECT's parameter types from the INSERT's columns.
  const values = columns.map((column) => (typeof row[column] === 'number' ? 'cast(? as bigint)' : 'cast(? as text)'));
  await db.raw(
    `insert into ?? (??, ${columns.map(() => '??').join(', ')}) select id, ${values.join(', ')} from ?? where id = ?`,
    [table, accounts.column, ...columns, ...columns.map((column) => row[column]!), accounts.table, accountId],
  );
}

export type AuditLog = ReturnType<typeof createAuditLog>;

export function createAuditLog(db: Database, clock: Clock) {
  const eventRow = (type: SecurityEventType, origin: RequestOrigin, details?: Record<string, unknown>): Row => ({
    type,
    ip: shortenIp(origin.ip),
    user_agent: origin.userAgent?.slice(0, 120) ?? null,
    details: details ? JSON.stringify(details) : null,
    created_at: clock.now(),
  });

  return {
    async record(
      userId: number,
      type: SecurityEventType,
      origin: RequestOrigin = {},
      details?: Record<string, unknown>,
    ): Promise<void> {
      await db('security_events').insert({ user_id: userId, ...eventRow(type, origin, details) });
    },

    /** A refused password of the patient `userId`, or of an address without an account (null): the same work, nothing stored. */
    recordRefusedPassword(userId: number | null, type: SecurityEventType, origin: RequestOrigin, details: Record<string, unknown>): Promise<void> {
      return insertForAccount(db, 'security_events', { table: 'users', column: 'user_id' }, userId, eventRow(type, origin, details));
    },

    /** Newest first (by id, so also in the order they happened within one moment); older than event `before` when given. */
    async listForUser(userId: number, limit = 50, before?: number): Promise<SecurityEvent[]> {
      const query = db('security_events').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
      if (before !== undefined) query.where('id', '<', before);
      const rows = await query;
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        ip: row.ip,
        userAgent: row.user_agent,
        details: row.details ? JSON.parse(row.details) : null,
        createdAt: Number(row.created_at),
      }));
    },

    /** The ids of the patient's events from event `from` on, oldest first (for the link to a newer page). */
    async newerIds(userId: number, from: number, limit: number): Promise<number[]> {
      const rows = await db('security_events').where({ user_id: userId }).where('id', '>=', from).orderBy('id', 'asc').limit(limit).select('id');
      return rows.map((row) => Number(row.id));
    },
  };
}
