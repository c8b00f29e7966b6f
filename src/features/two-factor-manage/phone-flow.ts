import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { AuthLevels } from '../../http/auth-level';
import type { SecondFactor } from '../../domain/second-factor';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { smsRefusal } from '../../components/one-time-code/messages';
import { codeFailureMessage, keepSmsReport, smsCodeStatus, smsSendRequest, takeSmsReport } from '../../components/one-time-code/sms-status';
import { validateSixDigitCode } from '../../components/one-time-code/validation';
import { phoneFormLocals, readPhoneForm } from '../../components/phone-number/validation';
import { type TwoStepChange, redirectToTwoStepStatus } from '../two-factor-status/controller';

/** Also the purpose its SMS codes are sent and checked for. */
export type PhoneFlowPurpose = 'phone_change' | 'switch_sms';

/** A new number waiting for its code, and what the patient typed (to show again). */
export interface PendingPhone {
  purpose: PhoneFlowPurpose;
  phone: string;
  country: string;
  phoneInput: string;
}

/** One use of "new number, then its SMS code": changing the number, or switching from the app to SMS. */
export interface PhoneFlow {
  purpose: PhoneFlowPurpose;
  paths: { form: string; verify: string; resend: string };
  /**
   * Locale keys of the two pages (`introPasskey`: the intro for a patient whose method is passkeys;
   * `risk`: a note on the risk of the new method, for a patient who did not use SMS yet).
   */
  texts: { title: string; intro: string; introPasskey?: string; risk?: string; submit: string; verifyTitle: string; verifySubmit: string };
  /** Makes the verified number the patient's and announces it; returns the status page notice. */
  finish(req: Request, phone: string): Promise<TwoStepChange>;
}

export interface PhoneFlowDeps {
  secondFactor: SecondFactor;
  clock: Clock;
  allowedCountries: string[];
  auth: Pick<AuthLevels, 'typedBeforeConfirmation'>;
}

export type PhoneFlowHandlers = ReturnType<typeof createPhoneFlow>;

export function createPhoneFlow(deps: PhoneFlowDeps, flow: PhoneFlow) {
  const { secondFactor } = deps;
  const pending = (req: Request) => (req.session.pendingPhone?.purpose === flow.purpose ? req.session.pendingPhone : undefined);

  const codeTo = (req: Request, res: Response, phone: string) => smsSendRequest(req, res, { userId: req.user!.id, purpose: flow.purpose, phone });

  async function verifyLocals(req: Request, res: Response) {
    const status = await smsCodeStatus(secondFactor, codeTo(req, res, pending(req)!.phone), res.locals, takeSmsReport(req, res, flow.purpose, deps.clock.now()));
    return { flow, status };
  }

  const sendToNewNumber = (req: Request, res: Response, phone: string) => secondFactor.sendSmsCode(codeTo(req, res, phone));

  return {
    paths: flow.paths,

    showForm(req: Request, res: Response) {
      const p = pending(req);
      res.render('two-factor-manage/phone', { flow, ...phoneFormLocals(res, deps.allowedCountries), values: { country: p?.country ?? 'NL', phone: p?.phoneInput ?? '', ...deps.auth.typedBeforeConfirmation(req) } });
    },

    async submitForm(req: Request, res: Response) {
      const { values, errors, e164 } = readPhoneForm(req.body, res, deps.allowedCountries);
      // The number in use already (in any notation): nothing would change, so no SMS goes to it.
      if (e164 && e164 === req.user!.twoFactorPhone) errors.push({ field: 'phone', message: res.locals.t('twoFactorManage.samePhone') });
      const outcome = errors.length === 0 && e164 ? await sendToNewNumber(req, res, e164) : undefined;
      const problem = outcome ? smsRefusal(outcome, flow.purpose, res.locals) : null;
      if (errors.length > 0 || !e164 || !outcome || problem) {
        const all = problem ? [{ field: 'phone', message: problem.message }] : errors;
        return renderFormErrors(res, 'two-factor-manage/phone', all, values, { flow, ...phoneFormLocals(res, deps.allowedCountries) }, problem?.status ?? 400);
      }
      keepSmsReport(req.session, { purpose: flow.purpose, outcome, askedByPatient: false });
      req.session.pendingPhone = { purpose: flow.purpose, phone: e164, country: values.country, phoneInput: values.phone };
      res.redirect(flow.paths.verify);
    },

    async showVerify(req: Request, res: Response) {
      if (!pending(req)) return res.redirect(flow.paths.form);
      res.render('two-factor-manage/verify', await verifyLocals(req, res));
    },

    async resend(req: Request, res: Response) {
      const p = pending(req);
      if (!p) return res.redirect(flow.paths.form);
      // The code page reports what became of it (see keepSmsReport).
      keepSmsReport(req.session, { purpose: flow.purpose, outcome: await sendToNewNumber(req, res, p.phone), askedByPatient: true });
      res.redirect(flow.paths.verify);
    },

    async submitVerify(req: Request, res: Response) {
      const p = pending(req);
      if (!p) return res.redirect(flow.paths.form);
      const { t } = res.locals;
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSixDigitCode(code, t);
      if (errors.length === 0) {
        const result = await secondFactor.check(req.user!.id, flow.purpose, { kind: 'sms', code, phone: p.phone }, requestOrigin(req));
        if (result.status === 'ok') {
          delete req.session.pendingPhone;
          return redirectToTwoStepStatus(req, res, await flow.finish(req, p.phone));
        }
        errors.push({ field: 'code', message: await codeFailureMessage(secondFactor, result, res.locals, codeTo(req, res, p.phone)) });
      }
      renderFormErrors(res, 'two-factor-manage/verify', errors, { code: code.trim() }, await verifyLocals(req, res));
    },
  };
}
