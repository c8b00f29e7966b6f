import type { Request, Response } from 'express';
import { findByPathId } from '../../components/desk-access/access';
import type { InTransaction } from '../../domain/account-stores';
import type { QuestionRecords, QuestionStatus } from '../../domain/help-questions';
import type { StaffAuditLog } from '../../domain/staff-audit';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors, typedText } from '../../http/forms';
import { paths } from '../../paths';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { validateNote } from './validation';

const { desk } = paths;
const LISTED_MAX = 100;

/** The list's filters (`?status=…`), in the order of their links: the status, and the locale keys of the link, the heading and the empty list. */
const FILTERS: Record<string, { status?: QuestionStatus; link: string; title: string; empty: string }> = {
  open: { status: 'open', link: 'deskQuestions.list.open', title: 'deskQuestions.list.titleOpen', empty: 'deskQuestions.list.emptyOpen' },
  afgehandeld: { status: 'handled', link: 'deskQuestions.list.handled', title: 'deskQuestions.list.titleHandled', empty: 'deskQuestions.list.emptyHandled' },
  alle: { link: 'deskQuestions.list.all', title: 'deskQuestions.list.titleAll', empty: 'deskQuestions.list.emptyAll' },
};

/** Someone else marked it handled first: nothing was written. */
class AlreadyHandled extends Error {}

/** What a staff audit row about a question refers to: the question, and its patient when they were signed in. */
const refsOf = (question: { id: number; userId: number | null }) => ({ questionId: question.id, ...(question.userId === null ? {} : { patientId: question.userId }) });

export interface DeskQuestionsDeps {
  questions: QuestionRecords;
  staffAudit: StaffAuditLog;
  inTransaction: InTransaction;
}

export type DeskQuestionsController = ReturnType<typeof createDeskQuestionsController>;

/**
 * "Vragen": the questions sent with the Vragenformulier, newest first, open or handled; a
 * question's page; and marking it handled with a note of what the desk did (with its row in the
 * staff audit log, in one transaction).
 */
export function createDeskQuestionsController(deps: DeskQuestionsDeps) {
  const { questions } = deps;

  const questionOf = (req: Request, res: Response) => findByPathId(req, res, questions.find);

  return {
    async list(req: Request, res: Response) {
      const asked = req.query.status;
      const key = typeof asked === 'string' && Object.hasOwn(FILTERS, asked) ? asked : 'open';
      const filter = FILTERS[key]!;
      const listed = await questions.list({ limit: LISTED_MAX + 1, status: filter.status });
      res.render('desk-questions/list', {
        filters: Object.entries(FILTERS).map(([name, { link }]) => ({ href: desk.questionsWithStatus(name), text: res.locals.t(link), current: name === key })),
        title: res.locals.t(filter.title),
        empty: res.locals.t(filter.empty),
        questions: listed.slice(0, LISTED_MAX),
        more: listed.length > LISTED_MAX,
      });
    },

    /** A question holds a name, an address and what someone wrote about their health: opening it is logged, as a patient's page. */
    async show(req: Request, res: Response) {
      const question = await questionOf(req, res);
      if (!question) return;
      await deps.staffAudit.record(req.staff!.id, 'question_viewed', requestOrigin(req), undefined, refsOf(question));
      res.render('desk-questions/question', { question, notice: takePageNotice(req, res) === 'handled' });
    },

    async markHandled(req: Request, res: Response) {
      const question = await questionOf(req, res);
      if (!question) return;
      const note = typedText(readFields(req.body, ['note'] as const).note);
      const errors = question.status === 'handled' ? [] : validateNote(note, res.locals.t);
      if (errors.length > 0) return renderFormErrors(res, 'desk-questions/question', errors, { note }, { question, notice: false });
      const staff = req.staff!;
      try {
        await deps.inTransaction(async (stores) => {
          if (!(await stores.questions.markHandled(question.id, staff.id, note))) throw new AlreadyHandled();
          await stores.staffAudit.record(staff.id, 'question_handled', requestOrigin(req), { note }, refsOf(question));
          // A patient who asked while signed in hears that it was handled (the desk's note is for the desk).
          if (question.userId !== null) await stores.messages.post(question.userId, 'question_handled');
        });
      } catch (err) {
        if (!(err instanceof AlreadyHandled)) throw err;
        return res.redirect(desk.question(question.id));
      }
      redirectWithNotice(req, res, desk.question(question.id), 'handled');
    },
  };
}
