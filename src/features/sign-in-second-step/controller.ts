import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { Proof, SecondFactor } from '../../domain/second-factor';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { SmsSendOutcome } from '../../domain/sms-codes';
import type { User, UserStore } from '../../domain/users';
import { establishSession, requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { SECOND_STEP_PATH, startPendingSignIn } from '../../http/pending-sign-in';
import { secondFactorMessage, smsProblem } from '../one-time-code/messages';
import { validateRecoveryCode, validateSixDigitCode } from '../one-time-code/validation';

export const RECOVERY_PATH = '/inloggen/herstelcode';
export const RECOVERY_USED_PATH = '/inloggen/herstelcode-gebruikt';
export const FEW_RECOVERY_CODES = 3;

export interface SecondStepDeps {
  users: UserStore;
  secondFactor: SecondFactor;
  recoveryCodes: RecoveryCodes;
  notifier: SecurityNotifier;
  clock: Clock;
  codeTtlMinutes: number;
}

export function createSecondStepController(deps: SecondStepDeps) {
  const { users, secondFactor, notifier, clock } = deps;

  async function pendingUser(req: Request): Promise<User | undefined> {
    const pending = req.session.pendingSignIn;
    const user = pending && (await users.findById(pending.userId));
    return user && !user.disabled && user.twoFactorMethod ? user : undefined;
  }

  /** Sends the sign-in SMS and keeps the outcome in the half session for the next page to show. */
  async function sendSignInCode(req: Request, user: User): Promise<SmsSendOutcome> {
    const outcome = await secondFactor.sendSmsCode({ userId: user.id, purpose: 'sign_in', phone: user.twoFactorPhone!, ip: req.ip ?? 'unknown' });
    if (outcome.status !== 'sent') req.log.warn({ userId: user.id, outcome: outcome.status }, 'sign-in SMS not sent');
    req.session.pendingSignIn!.smsOutcome = outcome;
    return outcome;
  }

  async function codePageLocals(req: Request, res: Response, user: User) {
    // The app variant: no number, nothing sent, no "Stuur nieuwe code".
    if (user.twoFactorMethod === 'totp') return { method: 'totp', lockedUntil: await secondFactor.lockedUntil(user.id), smsProblem: null };
    const outcome = req.session.pendingSignIn?.smsOutcome;
    if (outcome) delete req.session.pendingSignIn!.smsOutcome; // shown once
    return {
      method: 'sms',
      maskedPhone: maskPhoneNumber(user.twoFactorPhone!),
      nextAllowedAt: await secondFactor.nextSmsAllowedAt(user.id, 'sign_in'),
      lockedUntil: await secondFactor.lockedUntil(user.id),
      codeTtlMinutes: deps.codeTtlMinutes,
      resent: outcome?.status === 'sent' && req.query.nieuw === '1',
      smsProblem: outcome ? smsProblem(outcome, res.locals.t, res.locals.formatTime) : null,
    };
  }

  async function finishSignIn(req: Request, user: User, method: 'sms' | 'totp' | 'recovery_code') {
    await establishSession(req, user, clock);
    await notifier.notify(user.id, 'sign_in', requestOrigin(req), { method });
    req.log.info({ userId: user.id, method }, 'signed in with two steps');
  }

  return {
    /** Called by the password step: the session becomes a half session and the SMS goes out once. */
    async begin(req: Request, user: User): Promise<string> {
      await startPendingSignIn(req, user, clock);
      if (user.twoFactorMethod === 'sms') await sendSignInCode(req, user);
      return SECOND_STEP_PATH;
    },

    async showCode(req: Request, res: Response) {
      const user = await pendingUser(req);
      if (!user) return res.redirect(303, '/inloggen');
      const locals = await codePageLocals(req, res, user);
      if (!locals.smsProblem) return res.render('sign-in-second-step/code', locals);
      // The SMS did not go out: say why, at the code field, with the provider's status.
      renderFormErrors(res, 'sign-in-second-step/code', [{ field: 'code', message: locals.smsProblem.message }], {}, locals, locals.smsProblem.status);
    },

    async submitCode(req: Request, res: Response) {
      const user = await pendingUser(req);
      if (!user) return res.redirect(303, '/inloggen');
      const { code } = readFields(req.body, ['code'] as const);
      const values = { code: code.trim() };
      const errors = validateSixDigitCode(code, res.locals.t);
      if (errors.length === 0) {
        const method = user.twoFactorMethod!;
        const proof: Proof = method === 'totp' ? { kind: 'app', code } : { kind: 'sms', code, phone: user.twoFactorPhone! };
        const result = await secondFactor.check(user.id, 'sign_in', proof, requestOrigin(req));
        if (result.status === 'ok') {
          await finishSignIn(req, user, method);
          return res.redirect(303, '/werkblad');
        }
        errors.push({ field: 'code', message: secondFactorMessage(result, res.locals.t, res.locals.formatTime) });
      }
      const locals = await codePageLocals(req, res, user);
      renderFormErrors(res, 'sign-in-second-step/code', errors, values, locals, locals.lockedUntil ? 429 : 400);
    },

    async resendCode(req: Request, res: Response) {
      const user = await pendingUser(req);
      if (!user) return res.redirect(303, '/inloggen');
      if (user.twoFactorMethod !== 'sms') return res.redirect(303, SECOND_STEP_PATH);
      await sendSignInCode(req, user);
      res.redirect(303, `${SECOND_STEP_PATH}?nieuw=1`);
    },

    async showRecovery(req: Request, res: Response) {
      const user = await pendingUser(req);
      if (!user) return res.redirect(303, '/inloggen');
      res.render('sign-in-second-step/recovery', { lockedUntil: await secondFactor.lockedUntil(user.id) });
    },

    async submitRecovery(req: Request, res: Response) {
      const user = await pendingUser(req);
      if (!user) return res.redirect(303, '/inloggen');
      const { recoveryCode } = readFields(req.body, ['recoveryCode'] as const);
      const values = { recoveryCode: recoveryCode.trim() };
      const errors = validateRecoveryCode(recoveryCode, res.locals.t);
      if (errors.length === 0) {
        const result = await secondFactor.check(user.id, 'sign_in', { kind: 'recovery', code: recoveryCode }, requestOrigin(req));
        if (result.status === 'ok') {
          await finishSignIn(req, user, 'recovery_code');
          return res.redirect(303, RECOVERY_USED_PATH);
        }
        errors.push({ field: 'recoveryCode', message: secondFactorMessage(result, res.locals.t, res.locals.formatTime) });
      }
      const lockedUntil = await secondFactor.lockedUntil(user.id);
      renderFormErrors(res, 'sign-in-second-step/recovery', errors, values, { lockedUntil }, lockedUntil ? 429 : 400);
    },

    async showRecoveryUsed(req: Request, res: Response) {
      const remaining = await deps.recoveryCodes.countRemaining(req.user!.id);
      res.render('sign-in-second-step/recovery-used', { remaining, few: remaining <= FEW_RECOVERY_CODES });
    },

    cancel(req: Request, res: Response) {
      req.session.destroy(() => res.redirect(303, '/inloggen'));
    },
  };
}
