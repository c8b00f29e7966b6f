import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import { normalizeRecoveryCode } from '../../domain/recovery-codes';
import type { Proof, SecondFactor } from '../../domain/second-factor';
import type { SignInService } from '../../domain/sign-in';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { requestOrigin } from '../../http/authentication';
import { FieldError, readFields, renderFormErrors } from '../../http/forms';
import { CONFIRM_PATH, safeReturnPath } from '../../http/fresh-confirmation';
import { secondFactorMessage, smsProblem } from '../one-time-code/messages';

const VIEW = 'fresh-confirmation/index';

export interface ConfirmationDeps {
  signIn: SignInService;
  secondFactor: SecondFactor;
  clock: Clock;
}

export function createConfirmationController(deps: ConfirmationDeps) {
  const { signIn, secondFactor, clock } = deps;

  const locals = (req: Request) => {
    const phone = req.user!.twoFactorMethod === 'sms' ? req.user!.twoFactorPhone : null;
    return { returnTo: safeReturnPath(req.query.terug ?? req.body?.terug), maskedPhone: phone ? maskPhoneNumber(phone) : null, codeSent: false };
  };

  /** The second-step part: a code (6 digits, by SMS or from the app) or a recovery code (10 digits). */
  async function checkCode(req: Request, res: Response, input: string): Promise<FieldError | null> {
    const t = res.locals.t;
    const { id: userId, twoFactorMethod, twoFactorPhone } = req.user!;
    const code = normalizeCodeInput(input);
    if (code === '') return { field: 'code', message: t('confirm.errors.codeRequired') };
    let proof: Proof;
    if (/^\d{6}$/.test(code)) proof = twoFactorMethod === 'totp' ? { kind: 'app', code } : { kind: 'sms', code, phone: twoFactorPhone! };
    else if (normalizeRecoveryCode(input)) proof = { kind: 'recovery', code: input };
    else return { field: 'code', message: t(twoFactorMethod === 'totp' ? 'confirm.errors.codeFormatApp' : 'confirm.errors.codeFormat') };

    const result = await secondFactor.check(userId, 'confirm', proof, requestOrigin(req));
    return result.status === 'ok' ? null : { field: 'code', message: secondFactorMessage(result, t, res.locals.formatTime) };
  }

  return {
    show(req: Request, res: Response) {
      res.render(VIEW, { ...locals(req), codeSent: req.query.verstuurd === '1' });
    },

    async sendCode(req: Request, res: Response) {
      const user = req.user!;
      const l = locals(req);
      if (user.twoFactorMethod !== 'sms') return res.redirect(303, `${CONFIRM_PATH}?terug=${encodeURIComponent(l.returnTo)}`);
      const outcome = await secondFactor.sendSmsCode({ userId: user.id, purpose: 'confirm', phone: user.twoFactorPhone!, ip: req.ip ?? 'unknown' });
      const problem = smsProblem(outcome, res.locals.t, res.locals.formatTime);
      if (problem) return renderFormErrors(res, VIEW, [{ field: 'code', message: problem.message }], {}, l, problem.status);
      res.redirect(303, `${CONFIRM_PATH}?terug=${encodeURIComponent(l.returnTo)}&verstuurd=1`);
    },

    async submit(req: Request, res: Response) {
      const t = res.locals.t;
      const user = req.user!;
      const l = locals(req);
      const { password, code } = readFields(req.body, ['password', 'code'] as const);
      const errors: FieldError[] = [];
      if (password === '') errors.push({ field: 'password', message: t('confirm.errors.passwordRequired') });
      else {
        const result = await signIn.checkPassword(user.email, password, requestOrigin(req));
        if (result.status === 'throttled') {
          const time = res.locals.formatTime(Math.ceil((clock.now() + result.retryAfterMs) / 60_000) * 60_000);
          errors.push({ field: 'password', message: t('confirm.errors.throttled', { time }) });
        } else if (result.status === 'invalid') errors.push({ field: 'password', message: t('confirm.errors.passwordWrong') });
      }
      // The second step is checked only after a right password, so a guessed code costs a password too.
      if (errors.length === 0 && user.twoFactorMethod) {
        const codeError = await checkCode(req, res, code);
        if (codeError) errors.push(codeError);
      }
      if (errors.length > 0) return renderFormErrors(res, VIEW, errors, { code: code.trim() }, l);
      req.session.freshConfirmedAt = clock.now();
      res.redirect(303, l.returnTo);
    },
  };
}
