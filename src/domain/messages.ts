import type { Database } from '../infra/database';
import type { Clock } from './clock';

/** Inbox messages the system sends the patient, mostly to announce security changes. */
export type MessageKind =
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'two_factor_reset_by_clinic'
  | 'phone_changed'
  | 'recovery_codes_renewed'
  | 'recovery_code_used'
  | 'password_changed'
  | 'second_step_locked'
  | 'method_switched'
  | 'totp_replay_refused'
  | 'account_disabled'
  | 'account_enabled'
  | 'sessions_ended_by_clinic'
  | 'passkey_added'
  | 'passkey_renamed'
  | 'passkey_removed'
  /** A question the patient sent through the Vragenformulier, signed in, was handled at the desk. */
  | 'question_handled';

export interface InboxMessage {
  id: number;
  kind: MessageKind;
  params: Record<string, string | number>;
  createdAt: number;
  readAt: number | null;
}

export type MessageStore = ReturnType<typeof createMessageStore>;

export function createMessageStore(db: Database, clock: Clock) {
  return {
    async post(userId: number, kind: MessageKind, params: Record<string, string | number> = {}): Promise<void> {
      await db('messages').insert({ user_id: userId, kind, params: JSON.stringify(params), created_at: clock.now(), read_at: null });
    },

    async listForUser(userId: number, limit = 50): Promise<InboxMessage[]> {
      const rows = await db('messages').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        params: r.params ? JSON.parse(r.params) : {},
        createdAt: Number(r.created_at),
        readAt: r.read_at === null ? null : Number(r.read_at),
      }));
    },

    /** Marks the messages up to `lastSeenId` as read: one that arrived meanwhile stays new. */
    async markReadUpTo(userId: number, lastSeenId: number): Promise<void> {
      await db('messages').where({ user_id: userId }).where('id', '<=', lastSeenId).whereNull('read_at').update({ read_at: clock.now() });
    },

    async countUnread(userId: number): Promise<number> {
      const row = await db('messages').where({ user_id: userId }).whereNull('read_at').count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },
  };
}
