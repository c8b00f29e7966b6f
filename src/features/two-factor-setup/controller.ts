import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { RandomSource } from '../../domain/random';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { Proof, SecondFactor } from '../../domain/second-factor';
import type { SecretBox } from '../../domain/secret-box';
import type { InTransaction } from '../../domain/account-stores';
import type { UserStore } from '../../domain/users';
import { generateTotpSecret } from '../../domain/totp';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { FieldError, readFields, renderFormErrors } from '../../http/forms';
import { smsRefusal } from '../../components/one-time-code/messages';
import { codeFailureMessage, keepSmsReport, smsCodeStatus, smsSendRequest, takeSmsReport } from '../../components/one-time-code/sms-status';
import { validateSixDigitCode } from '../../components/one-time-code/validation';
import { phoneFormLocals, readPhoneForm } from '../../components/phone-number/validation';
import { validateMethod } from './validation';
import { codesPageLocals, openCodes, patientCodes, renderPrintableCodes, sealCodes, sendCodesFile } from '../../components/recovery-codes/output';
import { totpPairing } from '../../components/totp-pairing/pairing';
import { applyTransition, progressFor, SetupMethod, SetupState, SetupStep, STEP_PATHS } from './wizard';

export interface SetupControllerDeps {
  auth: AuthLevels;
  users: UserStore;
  secondFactor: SecondFactor;
  clock: Clock;
  recoveryCodes: RecoveryCodes;
  inTransaction: InTransaction;
  random: RandomSource;
  secretBox: SecretBox;
  allowedCountries: string[];
}

const VIEWS: Record<SetupStep, string> = {
  method: 'two-factor-setup/method',
  phone: 'two-factor-setup/phone',
  pair: 'two-factor-setup/pair',
  verify: 'two-factor-setup/verify',
  recovery: 'two-factor-setup/recovery',
  done: 'two-factor-setup/done',
};

const CAPTIONS: Record<SetupMethod, string> = { sms: 'twoFactorSetup.smsCaption', app: 'twoFactorSetup.appCaption' };

/** The wizard's method name ('app') as the rest of the product knows it ('totp'). */
const storedMethod = (method: SetupMethod) => (method === 'app' ? 'totp' : 'sms');

export type SetupController = ReturnType<typeof createSetupController>;

export function createSetupController(deps: SetupControllerDeps) {
  const { secretBox } = deps;
  const totpSecretOf = (setup: SetupState) => secretBox.open(setup.sealedTotpSecret!);
  const codesOf = (req: Request) => openCodes(secretBox, req.session.twoFactorSetup!.sealedRecoveryCodes!);

  const common = (req: Request, res: Response, step: SetupStep) => {
    const method = req.session.twoFactorSetup?.method;
    const caption = step === 'method' || !method ? 'twoFactorSetup.setupCaption' : CAPTIONS[method];
    return { progress: progressFor(step, method), method, caption: res.locals.t(caption) };
  };

  const codeTo = (req: Request, res: Response, phone: string) => smsSendRequest(req, res, { userId: req.user!.id, purpose: 'setup', phone });

  const stepLocals: Partial<Record<SetupStep, (req: Request, res: Response) => Promise<Record<string, unknown>>>> = {
    phone: async (_req, res) => phoneFormLocals(res, deps.allowedCountries),
    pair: async (req, res) => ({
      pairing: await totpPairing(totpSecretOf(req.session.twoFactorSetup!), req.user!.email, res.locals.t),
    }),
    verify: async (req, res) => {
      const setup = req.session.twoFactorSetup!;
      if (setup.method === 'app') return {};
      return { status: await smsCodeStatus(deps.secondFactor, codeTo(req, res, setup.phone!), res.locals, takeSmsReport(req, res, 'setup', deps.clock.now())) };
    },
    recovery: async (req, res) => codesPageLocals(res, codesOf(req), patientCodes(req.user!.email)),
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

  const sendCode = async (req: Request, res: Response, phone: string) => {
    const outcome = await deps.secondFactor.sendSmsCode(codeTo(req, res, phone));
    if (outcome.status !== 'sent') req.log.warn({ outcome: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined }, 'setup SMS not sent');
    return outcome;
  };

  return {
    showMethod: (req: Request, res: Response) => render(req, res, 'method', { values: { method: res.locals.setup.method ?? '', ...deps.auth.typedBeforeConfirmation(req) } }),

    async chooseMethod(req: Request, res: Response) {
      const fields = readFields(req.body, ['method'] as const);
      const { errors, method } = validateMethod(fields.method, res.locals.t);
      if (errors.length > 0 || !method) return renderErrors(req, res, 'method', errors, { method: fields.method });
      // A secret made earlier stays: the patient may have scanned it already before going back.
      const earlier: string | undefined = res.locals.setup.sealedTotpSecret;
      const sealedTotpSecret = method === 'app' && !earlier ? secretBox.seal(generateTotpSecret(deps.random)) : earlier;
      res.redirect(applyTransition(req, 'chooseMethod', { method, sealedTotpSecret }));
    },

    showPhone: (req: Request, res: Response) =>
      render(req, res, 'phone', { values: { country: res.locals.setup.country ?? 'NL', phone: res.locals.setup.phoneInput ?? '', ...deps.auth.typedBeforeConfirmation(req) } }),

    async submitPhone(req: Request, res: Response) {
      const { values, errors, e164 } = readPhoneForm(req.body, res, deps.allowedCountries);
      if (errors.length > 0 || !e164) return renderErrors(req, res, 'phone', errors, values);
      // Not sent: the number stays in its field with the reason (the patient may give another one).
      const outcome = await sendCode(req, res, e164);
      const problem = smsRefusal(outcome, 'setup', res.locals);
      if (problem) return renderErrors(req, res, 'phone', [{ field: 'phone', message: problem.message }], values, problem.status);
      keepSmsReport(req.session, { purpose: 'setup', outcome, askedByPatient: false });
      res.redirect(applyTransition(req, 'sendCode', { country: values.country, phoneInput: values.phone, phone: e164 }));
    },

    showPair: (req: Request, res: Response) => render(req, res, 'pair'),

    confirmPairing: (req: Request, res: Response) => res.redirect(applyTransition(req, 'confirmPairing')),

    showVerify: (req: Request, res: Response) => render(req, res, 'verify'),

    /** The code page reports what became of the SMS (see keepSmsReport). */
    async resendCode(req: Request, res: Response) {
      const outcome = await sendCode(req, res, res.locals.setup.phone);
      keepSmsReport(req.session, { purpose: 'setup', outcome, askedByPatient: true });
      res.redirect(applyTransition(req, 'resendCode'));
    },

    async submitVerify(req: Request, res: Response) {
      const setup: SetupState = res.locals.setup;
      const { code } = readFields(req.body, ['code'] as const);
      const values = { code: code.trim() };
      const errors = validateSixDigitCode(code, res.locals.t);
      if (errors.length > 0) return renderErrors(req, res, 'verify', errors, values);

      const proof: Proof = setup.method === 'app' ? { kind: 'app', code, secret: totpSecretOf(setup) } : { kind: 'sms', code, phone: setup.phone! };
      const result = await deps.secondFactor.check(req.user!.id, 'setup', proof, requestOrigin(req));
      if (result.status !== 'ok') {
        const message = await codeFailureMessage(deps.secondFactor, result, res.locals, proof.kind === 'sms' ? codeTo(req, res, proof.phone) : undefined);
        return renderErrors(req, res, 'verify', [{ field: 'code', message }], values, result.status === 'locked' ? 429 : 400);
      }
      const sealedRecoveryCodes = sealCodes(secretBox, { codes: deps.recoveryCodes.generate(), madeAt: deps.clock.now() });
      res.redirect(applyTransition(req, 'verifyCode', { totpStep: result.totpStep, sealedRecoveryCodes }));
    },

    showRecovery: (req: Request, res: Response) => render(req, res, 'recovery'),

    printRecovery: (req: Request, res: Response) => renderPrintableCodes(res, codesOf(req), STEP_PATHS.recovery, patientCodes(req.user!.email)),

    downloadRecovery: (req: Request, res: Response) => sendCodesFile(res, codesOf(req), patientCodes(req.user!.email)),

    async confirmRecovery(req: Request, res: Response) {
      const setup: SetupState = res.locals.setup;
      const userId = req.user!.id;
      const codes = await deps.recoveryCodes.hashForStorage(codesOf(req).codes); // slow: before the transaction
      const method = storedMethod(setup.method!);
      await deps.inTransaction(async ({ twoFactor, notifier }) => {
        if (setup.method === 'app') await twoFactor.enableTotp(userId, setup.sealedTotpSecret!, codes, setup.totpStep ?? null);
        else await twoFactor.enableSms(userId, setup.phone!, codes);
        await notifier.notify(userId, 'two_factor_enabled', requestOrigin(req), { method });
      });
      req.log.info({ userId, method }, 'two-step enabled');
      // Sessions that got in with the password alone end: the reason to turn it on may be a leaked password.
      await deps.auth.endOtherSessions(req, deps.users);
      const forget = { sealedRecoveryCodes: undefined, sealedTotpSecret: undefined, totpStep: undefined };
      res.redirect(applyTransition(req, 'confirmRecoveryCodes', forget));
    },

    showDone: (req: Request, res: Response) => render(req, res, 'done'),
  };
}
