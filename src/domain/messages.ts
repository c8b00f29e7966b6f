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
  | 'password_reset_by_clinic'
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

    /** Newest first (by id, so also in the order they were posted within one moment); older than message `before` when given. */
    async listForUser(userId: number, limit = 50, before?: number): Promise<InboxMessage[]> {
      const query = db('messages').where({ user_id: userId }).orderBy('id', 'desc').limit(limit);
      if (before !== undefined) query.where('id', '<', before);
      const rows = await query;
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        params: r.params ? JSON.parse(r.params) : {},
        createdAt: Number(r.created_at),
        readAt: r.read_at === null ? null : Number(r.read_at),
      }));
    },

    /** The ids of the patient's messages from message `from` on, oldest first (for the link to a newer page). */
    async newerIds(userId: number, from: number, limit: number): Promise<number[]> {
      const rows = await db('messages').where({ user_id: userId }).where('id', '>=', from).orderBy('id', 'asc').limit(limit).select('id');
      return rows.map((row) => Number(row.id));
    },

    /** Marks these messages read (those the patient was shown): one on another page, or new since, stays new. */
    async markRead(userId: number, ids: number[]): Promise<void> {
      if (ids.length === 0) return;
      await db('messages').where({ user_id: userId }).whereIn('id', ids).whereNull('read_at').update({ read_at: clock.now() });
    },

    /** All unread messages, or only those older than message `before`. */
    async countUnread(userId: number, before?: number): Promise<number> {
      const query = db('messages').where({ user_id: userId }).whereNull('read_at');
      if (before !== undefined) query.where('id', '<', before);
      const row = await query.count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },
  };
}
