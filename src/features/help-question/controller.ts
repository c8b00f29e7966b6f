import type { Request, Response } from 'express';
import type { HelpQuestionStore } from '../../domain/help-questions';
import { readFields, renderFormErrors } from '../../http/forms';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import { QUESTION_FIELDS, validateQuestion } from './validation';

const VIEW = 'help-question/index';

/** The form again with what was typed, and why the question was not sent. */
function showAgain(res: Response, values: Record<string, string>, notice: string, status: number): void {
  res.status(status).render(VIEW, { sent: false, values, notice: res.locals.t(notice) });
}

/** The Vragenformulier: anyone may ask the clinic's helpdesk a question (limited per address and day). */
export function createHelpQuestionController(deps: { helpQuestions: HelpQuestionStore }) {
  return {
    show(req: Request, res: Response) {
      const user = req.user;
      res.render(VIEW, { sent: takePageNotice(req, res) === 'sent', values: { name: user?.name ?? '', email: user?.email ?? '', question: '' } });
    },

    async submit(req: Request, res: Response) {
      const fields = readFields(req.body, QUESTION_FIELDS);
      const errors = validateQuestion(fields, res.locals.t);
      if (errors.length > 0) return renderFormErrors(res, VIEW, errors, fields, { sent: false });
      const result = await deps.helpQuestions.add(
        { userId: req.user?.id ?? null, name: fields.name.trim(), email: fields.email.trim(), question: fields.question.trim() },
        req.ip ?? 'unknown',
      );
      // Nothing is wrong with what was typed: a notice, the form kept, not an error at a field.
      if (result.status === 'limited') return showAgain(res, fields, result.scope === 'ip' ? 'helpQuestion.tooManyFromYou' : 'helpQuestion.tooManyToday', 429);
      redirectWithNotice(req, res, paths.help.question, 'sent');
    },

    /** The form sent after its session ended: the page again, with the question typed, not yet sent. */
    formExpired(req: Request, res: Response) {
      showAgain(res, readFields(req.body, QUESTION_FIELDS), 'helpQuestion.formExpired', 403);
    },
  };
}

export type HelpQuestionController = ReturnType<typeof createHelpQuestionController>;
