import { RateLimiterRes } from 'rate-limiter-flexible';
import { isLanguage, type Language } from '../i18n';
import type { Database } from '../infra/database';
import type { LimiterFactory } from '../infra/rate-limits';
import { clientNetwork } from './client-network';
import { upToWholeMinute, type Clock } from './clock';
import { lastFullLimit } from './full-limits';

export interface HelpQuestion {
  userId: number | null;
  name: string;
  email: string;
  question: string;
  /** The language of the page it was typed on; null for questions from before it was kept. */
  language: Language | null;
}

export interface HelpQuestionLimits {
  maxPerIpPerHour: number;
  maxPerDay: number;
}

/** Open until someone at the desk marks it handled, with a note of what they did. */
export type QuestionStatus = 'open' | 'handled';

export interface StoredQuestion extends HelpQuestion {
  id: number;
  createdAt: number;
  status: QuestionStatus;
  handledAt: number | null;
  handledBy: { id: number; name: string } | null;
  note: string | null;
}

interface QuestionRow {
  id: number;
  user_id: number | null;
  name: string;
  email: string;
  question: string;
  language: string | null;
  created_at: number | string;
  status: string;
  handled_at: number | string | null;
  handled_by: number | null;
  handled_by_name: string | null;
  note: string | null;
}

export type QuestionRecords = ReturnType<typeof createQuestionRecords>;

/** The questions as the desk reads and handles them; on a transaction, handling lands with its audit row. */
export function createQuestionRecords(db: Database, clock: Clock) {
  const select = () =>
    db('help_questions as q').leftJoin('staff as s', 's.id', 'q.handled_by').select('q.*', 's.name as handled_by_name');
  const toQuestion = (r: QuestionRow): StoredQuestion => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    email: r.email,
    question: r.question,
    language: isLanguage(r.language) ? r.language : null,
    createdAt: Number(r.created_at),
    status: r.status === 'handled' ? 'handled' : 'open',
    handledAt: r.handled_at === null ? null : Number(r.handled_at),
    handledBy: r.handled_by === null ? null : { id: r.handled_by, name: r.handled_by_name ?? '' },
    note: r.note ?? null,
  });

  return {
    /** Newest first; only open or only handled ones when `status` is given. */
    async list(options: { limit: number; status?: QuestionStatus }): Promise<StoredQuestion[]> {
      const query = select().orderBy('q.id', 'desc').limit(options.limit);
      if (options.status) query.where('q.status', options.status);
      const rows: QuestionRow[] = await query;
      return rows.map(toQuestion);
    },

    async find(id: number): Promise<StoredQuestion | undefined> {
      const row: QuestionRow | undefined = await select().where('q.id', id).first();
      return row && toQuestion(row);
    },

    /** False when it was handled already (by someone else at the same moment): nothing changed. */
    async markHandled(id: number, staffId: number, note: string): Promise<boolean> {
      const updated = await db('help_questions')
        .where({ id, status: 'open' })
        .update({ status: 'handled', handled_at: clock.now(), handled_by: staffId, note });
      return updated === 1;
    },
  };
}

/**
 * `limited`: too many from this network this hour (`ip`), or from everyone in the last 24 hours
 * (`day`); `retryAt`: when a question gets through again, rounded up to the minute the visitor is told.
 */
export type AddResult = { status: 'stored' } | { status: 'limited'; scope: 'ip' | 'day'; retryAt: number };

export type HelpQuestionStore = Awaited<ReturnType<typeof createHelpQuestionStore>>;

/**
 * Questions from the "Vragenformulier", kept for the clinic's helpdesk. Anyone may send one, so
 * each takes a place per IP address and in a daily total before it is stored.
 */
export async function createHelpQuestionStore(deps: { db: Database; clock: Clock; limiters: LimiterFactory; limits: HelpQuestionLimits }) {
  const { db, clock, limits } = deps;
  const records = createQuestionRecords(db, clock);
  const perIp = await deps.limiters({ keyPrefix: 'help_question_ip', points: limits.maxPerIpPerHour, duration: 3600 });
  const perDay = await deps.limiters({ keyPrefix: 'help_question_day', points: limits.maxPerDay, duration: 24 * 3600 });

  const limitsFor = (ip: string) => [[perIp, clientNetwork(ip), 'ip'], [perDay, 'all', 'day']] as const;

  /**
   * A refusal, told as the full limit that ends last: when the network's hour ends while the total
   * of the 24 hours is still full, only the end of those lets a question through.
   */
  async function refusal(ip: string, refused: 'ip' | 'day', msBeforeNext: number): Promise<AddResult> {
    const told = { scope: refused, retryAt: upToWholeMinute(clock.now() + msBeforeNext) };
    const last = await lastFullLimit(limitsFor(ip).map(([limiter, key, scope]) => ({ limiter, key, scope })), clock.now());
    return { status: 'limited', ...(last && last.retryAt > told.retryAt ? last : told) };
  }

  return {
    async add(input: HelpQuestion, ip: string): Promise<AddResult> {
      const taken: Array<[typeof perIp, string]> = [];
      const giveBack = () => Promise.all(taken.map(([limiter, key]) => limiter.giveBack(key, 1)));
      for (const [limiter, key, scope] of limitsFor(ip)) {
        try {
          await limiter.consume(key, 1);
          taken.push([limiter, key]);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) {
            await giveBack().catch(() => undefined);
            throw err;
          }
          await Promise.all([giveBack(), limiter.giveBack(key, 1)]); // a refused consume counts too
          return refusal(ip, scope, err.msBeforeNext);
        }
      }
      try {
        await db('help_questions').insert({
          user_id: input.userId,
          name: input.name,
          email: input.email,
          question: input.question,
          language: input.language,
          created_at: clock.now(),
        });
      } catch (err) {
        await giveBack().catch(() => undefined);
        throw err;
      }
      return { status: 'stored' };
    },

    list: (limit = 100): Promise<StoredQuestion[]> => records.list({ limit }),
  };
}
