import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../infra/database';
import type { LimiterFactory } from '../infra/rate-limits';
import type { Clock } from './clock';

export interface HelpQuestion {
  userId: number | null;
  name: string;
  email: string;
  question: string;
}

export interface HelpQuestionLimits {
  maxPerIpPerHour: number;
  maxPerDay: number;
}

/** `limited`: too many from this address this hour (`ip`), or from everyone today (`day`). */
export type AddResult = { status: 'stored' } | { status: 'limited'; scope: 'ip' | 'day' };

export type HelpQuestionStore = Awaited<ReturnType<typeof createHelpQuestionStore>>;

/**
 * Questions from the "Vragenformulier", kept for the clinic's helpdesk. Anyone may send one, so
 * each takes a place per IP address and in a daily total before it is stored.
 */
export async function createHelpQuestionStore(deps: { db: Database; clock: Clock; limiters: LimiterFactory; limits: HelpQuestionLimits }) {
  const { db, clock, limits } = deps;
  const perIp = await deps.limiters({ keyPrefix: 'help_question_ip', points: limits.maxPerIpPerHour, duration: 3600 });
  const perDay = await deps.limiters({ keyPrefix: 'help_question_day', points: limits.maxPerDay, duration: 24 * 3600 });

  return {
    async add(input: HelpQuestion, ip: string): Promise<AddResult> {
      const taken: Array<[typeof perIp, string]> = [];
      const giveBack = () => Promise.all(taken.map(([limiter, key]) => limiter.reward(key, 1)));
      for (const [limiter, key, scope] of [[perIp, ip, 'ip'], [perDay, 'all', 'day']] as const) {
        try {
          await limiter.consume(key, 1);
          taken.push([limiter, key]);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) {
            await giveBack().catch(() => undefined);
            throw err;
          }
          await Promise.all([giveBack(), limiter.reward(key, 1)]); // a refused consume counts too
          return { status: 'limited', scope };
        }
      }
      try {
        await db('help_questions').insert({
          user_id: input.userId,
          name: input.name,
          email: input.email,
          question: input.question,
          created_at: clock.now(),
        });
      } catch (err) {
        await giveBack().catch(() => undefined);
        throw err;
      }
      return { status: 'stored' };
    },

    async list(limit = 100): Promise<(HelpQuestion & { id: number; createdAt: number })[]> {
      const rows = await db('help_questions').orderBy('id', 'desc').limit(limit);
      return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name, email: r.email, question: r.question, createdAt: Number(r.created_at) }));
    },
  };
}
