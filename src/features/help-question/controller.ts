import type { Request, Response } from 'express';
import type { AddResult, HelpQuestionStore } from '../../domain/help-questions';
import { cookiesRefused } from '../../http/csrf';
import { readFields, renderFormErrors, typedText } from '../../http/forms';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import { QUESTION_FIELDS, validateQuestion } from './validation';

const VIEW = 'help-question/index';

/** The form again with what was typed, and why the question was not sent. */
function showAgain(res: Response, values: Record<string, string>, notice: string, status: number): void {
  res.status(status).render(VIEW, { sent: false, values, notice });
}

/** Whose questions filled the limit (never this visitor's by name: a network is shared), and when one gets through. */
function limitNotice(res: Response, limit: Extract<AddResult, { status: 'limited' }>): string {
  const { t, formatDate, formatRetryTime, isToday } = res.locals;
  const why = t(limit.scope === 'ip' ? 'helpQuestion.limited.network' : 'helpQuestion.limited.everyone');
  const time = formatRetryTime(limit.retryAt);
  const when = isToday(limit.retryAt) ? t('helpQuestion.limited.whenToday', { time }) : t('helpQuestion.limited.when', { date: formatDate(limit.retryAt), time });
  return `${why} ${when} ${t('helpQuestion.limited.help')}`;
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
        { userId: req.user?.id ?? null, name: fields.name.trim(), email: fields.email.trim(), question: typedText(fields.question), language: res.locals.lang },
        req.ip ?? 'unknown',
      );
      // Nothing is wrong with what was typed: a notice, the form kept, not an error at a field.
      if (result.status === 'limited') return showAgain(res, fields, limitNotice(res, result), 429);
      redirectWithNotice(req, res, paths.help.question, 'sent');
    },

    /** The form sent after its session ended, or from a tab opened before signing in: the page again, with the question typed, not yet sent. */
    formExpired(req: Request, res: Response) {
      const why = cookiesRefused(req, res.locals.now()) ? 'helpQuestion.cookiesRefused' : 'helpQuestion.formExpired';
      showAgain(res, readFields(req.body, QUESTION_FIELDS), res.locals.t(why), 403);
    },
  };
}

export type HelpQuestionController = ReturnType<typeof createHelpQuestionController>;
