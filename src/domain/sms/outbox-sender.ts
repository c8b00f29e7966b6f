import type { Database } from '../../infra/database';
import type { Clock } from '../clock';
import type { SmsSender } from './sms-sender';

export interface OutboxMessage {
  id: number;
  to: string;
  text: string;
  /** Unknown for messages stored before it was kept. */
  language: string | null;
  createdAt: number;
}

export type OutboxSender = SmsSender & { list(limit?: number): Promise<OutboxMessage[]> };

/** Development "provider": stores messages in `sms_outbox` instead of sending them. */
export function createOutboxSender(db: Database, clock: Clock): OutboxSender {
  return {
    async send({ to, text, language }) {
      const [row] = await db('sms_outbox').insert({ to, text, language: language ?? null, created_at: clock.now() }).returning('id');
      const id = typeof row === 'object' ? (row as { id: number }).id : row;
      return { ok: true, messageId: `outbox-${id}` };
    },

    async list(limit = 50) {
      const rows = await db('sms_outbox').orderBy('id', 'desc').limit(limit);
      return rows.map((row) => ({ id: row.id, to: row.to, text: row.text, language: row.language ?? null, createdAt: Number(row.created_at) }));
    },
  };
}
