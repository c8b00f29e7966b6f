import type { Request, Response } from 'express';
import type { AuditLog } from '../../domain/audit';
import type { Clock } from '../../domain/clock';
import { listCountries, maskPhoneNumber } from '../../domain/phone-numbers';
import type { RandomSource } from '../../domain/random';
import { formatRecoveryCode, type RecoveryCodes } from '../../domain/recovery-codes';
import type { SecretBox } from '../../domain/secret-box';
import type { SmsCodeService } from '../../domain/sms-codes';
import { generateTotpSecret, verifyTotp } from '../../domain/totp';
import type { TwoFactorStore } from '../../domain/two-factor';
import type { VerificationCodes, VerifyResult } from '../../domain/verification-codes';
import { requestOrigin } from '../../http/authentication';
import { INTL_LOCALES } from '../../i18n';
import { FieldError, readFields, renderFormErrors } from '../../http/forms';
import { smsProblem } from '../../http/sms-outcome';
import { validateSmsCode } from '../../http/code-fields';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { validateMethod, validatePhone } from './validation';
import { renderPrintableCodes, sendCodesFile } from './recovery-codes-output';
import { totpPairing } from './totp-pairing';
import { applyTransition, progressFor, SetupMethod, SetupState, SetupStep, STEP_PATHS } from './wizard';

export interface SetupControllerDeps {
  twoFactor: TwoFactorStore;
  smsCodes: SmsCodeService;
  verificationCodes: VerificationCodes;
  recoveryCodes: RecoveryCodes;
  audit: AuditLog;
  clock: Clock;
  random: RandomSource;
  secretBox: SecretBox;
  allowedCountries: string[];
  codeTtlMinutes: number;
}

const VIEWS: Record<SetupStep, string> = {
  method: 'two-factor-setup/method',
  phone: 'two-factor-setup/phone',
  pair: 'two-factor-setup/pair',
  verify: 'two-factor-setup/verify',
  recovery: 'two-factor-setup/recovery',
  done: 'two-factor-setup/done',
};

const CAPTIONS: Record<SetupMethod, string> = { sms: 'twoFactor.smsCaption', app: 'twoFactor.appCaption' };

type CodeError = Exclude<VerifyResult, 'ok'>;
const CODE_ERROR_KEYS: Record<CodeError, string> = {
  wrong: 'twoFactor.verify.errors.wrong',
  expired: 'twoFactor.verify.errors.expired',
  exhausted: 'twoFactor.verify.errors.exhausted',
  missing: 'twoFactor.verify.errors.missing',
};

/** The wizard's method name ('app') as the rest of the product knows it ('totp'). */
const storedMethod = (method: SetupMethod) => (method === 'app' ? 'totp' : 'sms');

export function createSetupController(deps: SetupControllerDeps) {
  const common = (req: Request, res: Response, step: SetupStep) => {
    const method = (req.session.twoFactorSetup as SetupState | undefined)?.method;
    const caption = step === 'method' || !method ? 'twoFactor.setupCaption' : CAPTIONS[method];
    return { progress: progressFor(step, method), stepPaths: STEP_PATHS, method, caption: res.locals.t(caption) };
  };

  const stepLocals: Partial<Record<SetupStep, (req: Request, res: Response) => Promise<Record<string, unknown>>>> = {
    phone: async (_req, res) => ({ countries: listCountries(INTL_LOCALES[res.locals.lang]) }),
    pair: async (req, res) => ({
      pairing: await totpPairing(req.session.twoFactorSetup!.totpSecret!, req.user!.email, res.locals.t('twoFactor.pair.qrLabel')),
    }),
    verify: async (req) => {
      const setup = req.session.twoFactorSetup!;
      if (setup.method === 'app') return {};
      return {
        maskedPhone: maskPhoneNumber(setup.phone!),
        nextAllowedAt: await deps.smsCodes.nextAllowedAt(req.user!.id, 'setup'),
        codeTtlMinutes: deps.codeTtlMinutes,
        resent: false,
      };
    },
    recovery: async (req) => ({ recoveryCodes: req.session.twoFactorSetup!.recoveryCodes!.map(formatRecoveryCode) }),
  };

  async function locals(req: Request, res: Response, step: SetupStep) {
    return { ...common(req, res, step), ...(await stepLocals[step]?.(req, res)) };
  }

  async function render(req: Request, res: Response, step: SetupStep, extra: Record<string, unknown> = {}) {
    res.render(VIEWS[step], { ...(await locals(req, res, step)), ...extra });
  }

  async function renderErrors(req: Request, res: Response, step: SetupStep, errors: FieldError[], values: Record<string, string>, status = 400) {
    renderFormErrors(res, VIEWS[step], errors, values, await locals(req, res, step), status);
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

  /** The code of the verify step, by SMS or from the app: the changes to carry on, or an error. */
  async function checkCode(req: Request, setup: SetupState, code: string): Promise<{ totpStep?: number } | { error: CodeError }> {
    if (setup.method === 'app') {
      const step = verifyTotp(setup.totpSecret!, code, deps.clock.now());
      return step === null ? { error: 'wrong' } : { totpStep: step };
    }
    const result = await deps.verificationCodes.verify(req.user!.id, 'setup', code);
    return result === 'ok' ? {} : { error: result };
  }

  return {
    showMethod: (req: Request, res: Response) => render(req, res, 'method', { values: { method: res.locals.setup.method ?? '' } }),

    async chooseMethod(req: Request, res: Response) {
      const fields = readFields(req.body, ['method'] as const);
      const { errors, method } = validateMethod(fields.method, res.locals.t);
      if (errors.length > 0 || !method) return renderErrors(req, res, 'method', errors, { method: fields.method });
      // A secret made earlier stays: the patient may have scanned it already before going back.
      const totpSecret = method === 'app' ? (res.locals.setup.totpSecret ?? generateTotpSecret(deps.random)) : res.locals.setup.totpSecret;
      res.redirect(303, applyTransition(req, 'chooseMethod', { method, totpSecret }));
    },

    showPhone: (req: Request, res: Response) =>
      render(req, res, 'phone', { values: { country: res.locals.setup.country ?? 'NL', phone: res.locals.setup.phoneInput ?? '' } }),

    async submitPhone(req: Request, res: Response) {
      const fields = readFields(req.body, ['country', 'phone'] as const);
      const values = { country: fields.country, phone: fields.phone.trim() };
      const { errors, e164 } = validatePhone(values, deps.allowedCountries, INTL_LOCALES[res.locals.lang], res.locals.t);
      if (errors.length > 0 || !e164) return renderErrors(req, res, 'phone', errors, values);
      if (!(await sendCode(req, res, e164, 'phone', values, 'phone'))) return;
      res.redirect(303, applyTransition(req, 'sendCode', { country: values.country, phoneInput: values.phone, phone: e164 }));
    },

    showPair: (req: Request, res: Response) => render(req, res, 'pair'),

    confirmPairing: (req: Request, res: Response) => res.redirect(303, applyTransition(req, 'confirmPairing')),

    showVerify: (req: Request, res: Response) => render(req, res, 'verify', { resent: req.query.nieuw === '1' }),

    async resendCode(req: Request, res: Response) {
      const phone = res.locals.setup.phone!;
      if (!(await sendCode(req, res, phone, 'verify', { code: '' }, 'code'))) return;
      applyTransition(req, 'resendCode');
      res.redirect(303, `${STEP_PATHS.verify}?nieuw=1`);
    },

    async submitVerify(req: Request, res: Response) {
      const t = res.locals.t;
      const setup: SetupState = res.locals.setup;
      const { code } = readFields(req.body, ['code'] as const);
      const values = { code: code.trim() };
      const errors = validateSmsCode(code, t);
      if (errors.length > 0) return renderErrors(req, res, 'verify', errors, values);

      const checked = await checkCode(req, setup, normalizeCodeInput(code));
      if ('error' in checked) {
        const method = storedMethod(setup.method!);
        await deps.audit.record(req.user!.id, 'two_factor_code_wrong', requestOrigin(req), { purpose: 'setup', result: checked.error, method });
        const message = t(setup.method === 'app' ? 'twoFactor.verifyApp.errors.wrong' : CODE_ERROR_KEYS[checked.error]);
        return renderErrors(req, res, 'verify', [{ field: 'code', message }], values);
      }
      const recoveryCodes = deps.recoveryCodes.generate();
      res.redirect(303, applyTransition(req, 'verifyCode', { ...checked, recoveryCodes }));
    },

    showRecovery: (req: Request, res: Response) => render(req, res, 'recovery'),

    printRecovery: (req: Request, res: Response) =>
      renderPrintableCodes(res, req.session.twoFactorSetup!.recoveryCodes!, STEP_PATHS.recovery),

    downloadRecovery: (req: Request, res: Response) =>
      sendCodesFile(res, req.session.twoFactorSetup!.recoveryCodes!, req.user!.email),

    async confirmRecovery(req: Request, res: Response) {
      const setup: SetupState = res.locals.setup;
      const userId = req.user!.id;
      if (setup.method === 'app') {
        await deps.twoFactor.enableTotp(userId, deps.secretBox.seal(setup.totpSecret!), setup.recoveryCodes!, setup.totpStep ?? null);
      } else {
        await deps.twoFactor.enableSms(userId, setup.phone!, setup.recoveryCodes!);
      }
      const method = storedMethod(setup.method!);
      await deps.audit.record(userId, 'two_factor_enabled', requestOrigin(req), { method });
      req.log.info({ userId, method }, 'two-step enabled');
      res.redirect(303, applyTransition(req, 'confirmRecoveryCodes', { recoveryCodes: undefined, totpSecret: undefined, totpStep: undefined }));
    },

    showDone: (req: Request, res: Response) => render(req, res, 'done'),
  };
}
