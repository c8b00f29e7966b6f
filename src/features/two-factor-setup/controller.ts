import type { Request, Response } from 'express';
import type { AuditLog } from '../../domain/audit';
import { listCountries, maskPhoneNumber } from '../../domain/phone-numbers';
import { formatRecoveryCode, type RecoveryCodes } from '../../domain/recovery-codes';
import type { SmsCodeService } from '../../domain/sms-codes';
import type { TwoFactorStore } from '../../domain/two-factor';
import type { VerificationCodes } from '../../domain/verification-codes';
import { requestOrigin } from '../../http/authentication';
import { FieldError, readFields, renderFormErrors } from '../../http/forms';
import { smsProblem } from '../../http/sms-outcome';
import { validateSmsCode } from '../../http/code-fields';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { validateMethod, validatePhone } from './validation';
import { renderPrintableCodes, sendCodesFile } from './recovery-codes-output';
import { applyTransition, progressFor, SetupStep, STEP_PATHS } from './wizard';

export interface SetupControllerDeps {
  twoFactor: TwoFactorStore;
  smsCodes: SmsCodeService;
  verificationCodes: VerificationCodes;
  recoveryCodes: RecoveryCodes;
  audit: AuditLog;
  allowedCountries: string[];
  codeTtlMinutes: number;
}

const VIEWS: Record<SetupStep, string> = {
  method: 'two-factor-setup/method',
  phone: 'two-factor-setup/phone',
  verify: 'two-factor-setup/verify',
  recovery: 'two-factor-setup/recovery',
  done: 'two-factor-setup/done',
};

const countryNames = new Map(listCountries().map((c) => [c.code, c.name]));

export function createSetupController(deps: SetupControllerDeps) {
  const common = (step: SetupStep) => ({ progress: progressFor(step), stepPaths: STEP_PATHS });

  const stepLocals: Partial<Record<SetupStep, (req: Request) => Promise<Record<string, unknown>>>> = {
    phone: async () => ({ countries: listCountries() }),
    verify: async (req) => {
      const setup = req.session.twoFactorSetup!;
      return {
        maskedPhone: maskPhoneNumber(setup.phone!),
        nextAllowedAt: await deps.smsCodes.nextAllowedAt(req.user!.id, 'setup'),
        codeTtlMinutes: deps.codeTtlMinutes,
        resent: false,
      };
    },
    recovery: async (req) => ({ recoveryCodes: req.session.twoFactorSetup!.recoveryCodes!.map(formatRecoveryCode) }),
  };

  async function render(req: Request, res: Response, step: SetupStep, extra: Record<string, unknown> = {}) {
    const locals = { ...common(step), ...(await stepLocals[step]?.(req)), ...extra };
    res.render(VIEWS[step], locals);
  }

  async function renderErrors(req: Request, res: Response, step: SetupStep, errors: FieldError[], values: Record<string, string>, status = 400) {
    const locals = { ...common(step), ...(await stepLocals[step]?.(req)) };
    renderFormErrors(res, VIEWS[step], errors, values, locals, status);
  }

  /** Sends a setup code to `phone`; on failure re-renders `step` with the reason and returns false. */
  async function sendCode(req: Request, res: Response, phone: string, step: SetupStep, values: Record<string, string>, field: string) {
    const outcome = await deps.smsCodes.send({ userId: req.user!.id, purpose: 'setup', phone, ip: req.ip ?? 'unknown' });
    const problem = smsProblem(outcome, res.locals.t, res.locals.formatTime);
    if (!problem) return true;
    req.log.warn({ outcome: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined }, 'setup SMS not sent');
    await renderErrors(req, res, step, [{ field, message: problem.message }], values, problem.status);
    return false;
  }

  return {
    showMethod: (req: Request, res: Response) => render(req, res, 'method', { values: { method: res.locals.setup.method ?? '' } }),

    async chooseMethod(req: Request, res: Response) {
      const { method } = readFields(req.body, ['method'] as const);
      const errors = validateMethod(method, res.locals.t);
      if (errors.length > 0) return renderErrors(req, res, 'method', errors, { method });
      res.redirect(303, applyTransition(req, 'chooseMethod', { method: 'sms' }));
    },

    showPhone: (req: Request, res: Response) =>
      render(req, res, 'phone', { values: { country: res.locals.setup.country ?? 'NL', phone: res.locals.setup.phoneInput ?? '' } }),

    async submitPhone(req: Request, res: Response) {
      const fields = readFields(req.body, ['country', 'phone'] as const);
      const values = { country: fields.country, phone: fields.phone.trim() };
      const { errors, e164 } = validatePhone(values, deps.allowedCountries, (c) => countryNames.get(c) ?? c, res.locals.t);
      if (errors.length > 0 || !e164) return renderErrors(req, res, 'phone', errors, values);
      if (!(await sendCode(req, res, e164, 'phone', values, 'phone'))) return;
      res.redirect(303, applyTransition(req, 'sendCode', { country: values.country, phoneInput: values.phone, phone: e164 }));
    },

    showVerify: (req: Request, res: Response) => render(req, res, 'verify', { resent: req.query.nieuw === '1' }),

    async resendCode(req: Request, res: Response) {
      const phone = res.locals.setup.phone!;
      if (!(await sendCode(req, res, phone, 'verify', { code: '' }, 'code'))) return;
      applyTransition(req, 'resendCode');
      res.redirect(303, `${STEP_PATHS.verify}?nieuw=1`);
    },

    async submitVerify(req: Request, res: Response) {
      const t = res.locals.t;
      const { code } = readFields(req.body, ['code'] as const);
      const values = { code: code.trim() };
      const errors = validateSmsCode(code, t);
      if (errors.length > 0) return renderErrors(req, res, 'verify', errors, values);

      const result = await deps.verificationCodes.verify(req.user!.id, 'setup', normalizeCodeInput(code));
      if (result !== 'ok') {
        await deps.audit.record(req.user!.id, 'two_factor_code_wrong', requestOrigin(req), { purpose: 'setup', result });
        return renderErrors(req, res, 'verify', [{ field: 'code', message: t(`twoFactor.verify.errors.${result}`) }], values);
      }
      const recoveryCodes = deps.recoveryCodes.generate();
      res.redirect(303, applyTransition(req, 'verifyCode', { recoveryCodes }));
    },

    showRecovery: (req: Request, res: Response) => render(req, res, 'recovery'),

    printRecovery: (req: Request, res: Response) =>
      renderPrintableCodes(res, req.session.twoFactorSetup!.recoveryCodes!, STEP_PATHS.recovery),

    downloadRecovery: (req: Request, res: Response) =>
      sendCodesFile(res, req.session.twoFactorSetup!.recoveryCodes!, req.user!.email),

    async confirmRecovery(req: Request, res: Response) {
      const setup = res.locals.setup;
      await deps.twoFactor.enableSms(req.user!.id, setup.phone!, setup.recoveryCodes!);
      await deps.audit.record(req.user!.id, 'two_factor_enabled', requestOrigin(req), { method: 'sms' });
      req.log.info({ userId: req.user!.id }, 'two-step enabled');
      res.redirect(303, applyTransition(req, 'confirmRecoveryCodes', { recoveryCodes: undefined }));
    },

    showDone: (req: Request, res: Response) => render(req, res, 'done'),
  };
}
