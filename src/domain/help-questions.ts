import type { Database } from '../infra/database';
import type { Clock } from './clock';

export interface HelpQuestion {
  userId: number | null;
  name: string;
  email: string;
  question: string;
}

export type HelpQuestionStore = ReturnType<typeof createHelpQuestionStore>;

/** Questions from the "Vragenformulier", kept for the clinic's helpdesk. */
export function createHelpQuestionStore(db: Database, clock: Clock) {
  return {
    async add(input: HelpQuestion): Promise<void> {
      await db('help_questions').insert({
        user_id: input.userId,
        name: input.name,
        email: input.email,
        question: input.question,
        created_at: clock.now(),
      });
    },

    async list(limit = 100): Promise<(HelpQuestion & { id: number; createdAt: number })[]> {
      const rows = await db('help_questions').orderBy('id', 'desc').limit(limit);
      return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name, email: r.email, question: r.question, createdAt: Number(r.created_at) }));
    },
  };
}
