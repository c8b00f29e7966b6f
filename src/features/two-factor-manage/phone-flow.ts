import type { Request, Response } from 'express';
import { listCountries, maskPhoneNumber } from '../../domain/phone-numbers';
import type { SecondStep } from '../../domain/second-step';
import type { SmsCodeService } from '../../domain/sms-codes';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { validateSmsCode } from '../../http/code-fields';
import { readFields, renderFormErrors } from '../../http/forms';
import { SECOND_STEP_ERROR_KEYS } from '../../http/second-step-failure';
import { smsProblem } from '../../http/sms-outcome';
import { INTL_LOCALES } from '../../i18n';
import { validatePhone } from '../two-factor-setup/validation';
import { doneRedirect } from './announce';

export type PhoneFlowPurpose = 'change' | 'switch';

declare module 'express-session' {
  interface SessionData {
    /** A new number waiting for its code; the current method stays in use until then. */
    pendingPhone: { purpose: PhoneFlowPurpose; phone: string; country: string; phoneInput: string };
  }
}

/** One use of "new number, then its SMS code": changing the number, or switching from the app to SMS. */
export interface PhoneFlow {
  purpose: PhoneFlowPurpose;
  paths: { form: string; verify: string };
  /** Locale keys of the two pages. */
  texts: { title: string; intro: string; submit: string; verifyTitle: string; verifySubmit: string };
  /** Makes the verified number the patient's and announces it; returns the status page notice. */
  finish(req: Request, phone: string): Promise<string>;
}

export interface PhoneFlowDeps {
  smsCodes: SmsCodeService;
  secondStep: SecondStep;
  allowedCountries: string[];
}

/** Country names follow the page's language. */
const countryLocale = (res: Response) => INTL_LOCALES[res.locals.lang];

export type PhoneFlowHandlers = ReturnType<typeof createPhoneFlow>;

export function createPhoneFlow(deps: PhoneFlowDeps, flow: PhoneFlow) {
  const { smsCodes } = deps;
  const pending = (req: Request) => (req.session.pendingPhone?.purpose === flow.purpose ? req.session.pendingPhone : undefined);

  async function verifyLocals(req: Request) {
    return {
      flow,
      maskedPhone: maskPhoneNumber(pending(req)!.phone),
      nextAllowedAt: await smsCodes.nextAllowedAt(req.user!.id, 'setup'),
    };
  }

  async function sendToNewNumber(req: Request, res: Response, phone: string) {
    const outcome = await smsCodes.send({ userId: req.user!.id, purpose: 'setup', phone, ip: req.ip ?? 'unknown' });
    return smsProblem(outcome, res.locals.t, res.locals.formatTime);
  }

  return {
    paths: flow.paths,

    showForm(req: Request, res: Response) {
      const p = pending(req);
      res.render('two-factor-manage/phone', { flow, countries: listCountries(countryLocale(res)), values: { country: p?.country ?? 'NL', phone: p?.phoneInput ?? '' } });
    },

    async submitForm(req: Request, res: Response) {
      const fields = readFields(req.body, ['country', 'phone'] as const);
      const values = { country: fields.country, phone: fields.phone.trim() };
      const { errors, e164 } = validatePhone(values, deps.allowedCountries, countryLocale(res), res.locals.t);
      const problem = errors.length === 0 && e164 ? await sendToNewNumber(req, res, e164) : null;
      if (errors.length > 0 || !e164 || problem) {
        const all = problem ? [{ field: 'phone', message: problem.message }] : errors;
        return renderFormErrors(res, 'two-factor-manage/phone', all, values, { flow, countries: listCountries(countryLocale(res)) }, problem?.status ?? 400);
      }
      req.session.pendingPhone = { purpose: flow.purpose, phone: e164, country: values.country, phoneInput: values.phone };
      res.redirect(303, flow.paths.verify);
    },

    async showVerify(req: Request, res: Response) {
      if (!pending(req)) return res.redirect(303, flow.paths.form);
      res.render('two-factor-manage/verify', await verifyLocals(req));
    },

    async resend(req: Request, res: Response) {
      const p = pending(req);
      if (!p) return res.redirect(303, flow.paths.form);
      const problem = await sendToNewNumber(req, res, p.phone);
      if (problem) return renderFormErrors(res, 'two-factor-manage/verify', [{ field: 'code', message: problem.message }], {}, await verifyLocals(req), problem.status);
      res.redirect(303, flow.paths.verify);
    },

    async submitVerify(req: Request, res: Response) {
      const p = pending(req);
      if (!p) return res.redirect(303, flow.paths.form);
      const { t, formatTime } = res.locals;
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSmsCode(code, t);
      if (errors.length === 0) {
        const result = await deps.secondStep.verifySmsCode(req.user!.id, 'setup', normalizeCodeInput(code));
        if (result.status === 'ok') {
          delete req.session.pendingPhone;
          return doneRedirect(res, await flow.finish(req, p.phone));
        }
        const lockedUntil = result.status === 'locked' ? result.until : result.lockedUntil;
        const reason = result.status === 'failed' ? result.reason : 'locked';
        errors.push({ field: 'code', message: lockedUntil ? t('secondStep.errors.locked', { time: formatTime(lockedUntil) }) : t(SECOND_STEP_ERROR_KEYS[reason]) });
      }
      renderFormErrors(res, 'two-factor-manage/verify', errors, { code: code.trim() }, await verifyLocals(req));
    },
  };
}
