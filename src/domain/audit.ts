import type { Database } from '../infra/database';
import type { Clock } from './clock';

export type SecurityEventType =
  | 'sign_in'
  | 'sign_in_failed'
  | 'confirmation_failed'
  | 'sign_out'
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

export type AuditLog = ReturnType<typeof createAuditLog>;

export function createAuditLog(db: Database, clock: Clock) {
  return {
    async record(
      userId: number,
      type: SecurityEventType,
      origin: RequestOrigin = {},
      details?: Record<string, unknown>,
    ): Promise<void> {
      await db('security_events').insert({
        user_id: userId,
        type,
        ip: shortenIp(origin.ip),
        user_agent: origin.userAgent?.slice(0, 120) ?? null,
        details: details ? JSON.stringify(details) : null,
        created_at: clock.now(),
      });
    },

    async listForUser(userId: number, limit = 50): Promise<SecurityEvent[]> {
      const rows = await db('security_events').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        ip: row.ip,
        userAgent: row.user_agent,
        details: row.details ? JSON.parse(row.details) : null,
        createdAt: Number(row.created_at),
      }));
    },
  };
}
