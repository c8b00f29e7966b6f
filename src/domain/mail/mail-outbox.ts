import type { Knex } from 'knex';
import { databaseClient, type Database } from '../../infra/database';
import type { Clock } from '../clock';
import type { RandomSource } from '../random';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NewMail {
  userId: number;
  kind: string;
  to: string;
  language: string;
  subject: string;
  text: string;
}

export interface OutboxMail extends NewMail {
  id: number;
  /** The unique left part of the Message-ID header, the same on every attempt. */
  messageId: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  failedAt: number | null;
}

/** A mail this worker holds until `claimedUntil`: only a result with the same token is recorded. */
export interface ClaimedMail extends OutboxMail {
  claimToken: string;
  claimedUntil: number;
}

const TABLE = 'mail_outbox';
const ERROR_MAX_LENGTH = 300;

type Row = Record<string, unknown>;
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toMail(row: Row): OutboxMail {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    kind: String(row.kind),
    to: String(row.to_address),
    language: String(row.language),
    subject: String(row.subject),
    text: String(row.text_body),
    messageId: String(row.message_id),
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: (row.last_error as string | null) ?? null,
    createdAt: Number(row.created_at),
    sentAt: numberOrNull(row.sent_at),
    failedAt: numberOrNull(row.failed_at),
  };
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;

/**
 * The queue of e-mail to send (the only writer of `mail_outbox`). `enqueue` runs on whatever `db`
 * is: inside the transaction of a change, the mail is committed with it or not at all. The worker
 * claims one due mail at a time for a lease, and records the result only while it still holds it.
 */
export function createMailOutbox(deps: { db: Database; clock: Clock; random: RandomSource }) {
  const { db, clock, random } = deps;
  const postgres = databaseClient(db) === 'postgres';

  /** Due: waiting and its time has come, or claimed by a worker whose lease ran out (it crashed or hung). */
  const due = (now: number) => (q: Knex.QueryBuilder) =>
    void q
      .where((w) => void w.where('status', 'pending').where('next_attempt_at', '<=', now))
      .orWhere((w) => void w.where('status', 'sending').where('claimed_until', '<=', now));

  /** A result for a mail this claim still holds; false when the lease ran out and another took it. */
  const settle = async (claim: ClaimedMail, change: Row): Promise<boolean> =>
    (await db(TABLE).where({ id: claim.id, status: 'sending', claim_token: claim.claimToken }).update({ ...change, claimed_until: null, claim_token: null })) === 1;

  const shortError = (error: string) => error.replace(/\s+/g, ' ').slice(0, ERROR_MAX_LENGTH);

  return {
    async enqueue(mail: NewMail): Promise<void> {
      const now = clock.now();
      await db(TABLE).insert({
        user_id: mail.userId,
        kind: mail.kind,
        to_address: mail.to,
        language: mail.language,
        subject: mail.subject,
        text_body: mail.text,
        message_id: `${now.toString(36)}.${random.bytes(12).toString('hex')}`,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      });
    },

    /**
     * Takes the oldest due mail for `leaseMs`, counting the attempt. On PostgreSQL in a transaction
     * that locks the row with SKIP LOCKED (two instances never take the same mail, nor wait for
     * each other); on SQLite in one UPDATE … RETURNING, which its single writer runs whole.
     */
    async claim(leaseMs: number): Promise<ClaimedMail | null> {
      const now = clock.now();
      const token = random.bytes(16).toString('hex');
      const claimedUntil = now + leaseMs;
      const mark = { status: 'sending', claimed_until: claimedUntil, claim_token: token, attempts: db.raw('attempts + 1') };
      const oldestDue = (on: Database) => on(TABLE).select('id').where(due(now)).orderBy('id').limit(1);
      const [row] = postgres
        ? await db.transaction(async (trx) => {
            const next = (await oldestDue(trx).forUpdate().skipLocked()) as Array<{ id: number }>;
            return next[0] ? ((await trx(TABLE).where('id', next[0].id).update(mark).returning('*')) as Row[]) : [];
          })
        : ((await db(TABLE).whereIn('id', oldestDue(db)).update(mark).returning('*')) as Row[]);
      return row ? { ...toMail(row), claimToken: token, claimedUntil } : null;
    },

    markSent: (claim: ClaimedMail) => settle(claim, { status: 'sent', sent_at: clock.now(), last_error: null }),

    markRetry: (claim: ClaimedMail, nextAttemptAt: number, error: string) =>
      settle(claim, { status: 'pending', next_attempt_at: nextAttemptAt, last_error: shortError(error) }),

    markFailed: (claim: ClaimedMail, error: string) => settle(claim, { status: 'failed', failed_at: clock.now(), last_error: shortError(error) }),

    /**
     * Puts failed mails back in the queue, with their attempts from zero (the clinic fixed the
     * cause): the one with `id`, or every one. Returns how many.
     */
    async retryFailed(id?: number): Promise<number> {
      const query = db(TABLE).where('status', 'failed');
      if (id !== undefined) query.where('id', id);
      return query.update({ status: 'pending', attempts: 0, next_attempt_at: clock.now(), failed_at: null, last_error: null });
    },

    /**
     * Forgets mails that were sent, or failed for good, before `cutoff` (they hold a patient's name
     * and address); pending and sending ones stay whatever their age. Returns how many went.
     */
    async deleteFinishedBefore(cutoff: number): Promise<number> {
      return db(TABLE).whereIn('status', ['sent', 'failed']).where('created_at', '<', cutoff).delete();
    },

    /** Newest first; only mails in `status` when given. */
    async list(options: { status?: MailStatus; limit: number }): Promise<OutboxMail[]> {
      const query = db(TABLE).orderBy('id', 'desc').limit(options.limit);
      if (options.status) query.where('status', options.status);
      return (await query).map(toMail);
    },

    async countByStatus(): Promise<Record<MailStatus, number>> {
      const rows = (await db(TABLE).select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: MailStatus; n: number | string }>;
      const counts: Record<MailStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },
  };
}
