import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { PasskeyStore } from '../../domain/passkeys';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { Proof, SecondFactor } from '../../domain/second-factor';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { User, UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { pageNoticeOf, redirectWithNotice } from '../../http/page-notice';
import { localPath } from '../../http/return-page';
import { paths } from '../../paths';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { codeFailureMessage, keepSmsReport, smsCodeStatus, smsSendRequest, takeSmsReport } from '../../components/one-time-code/sms-status';
import { validateRecoveryCode, validateSixDigitCode } from '../../components/one-time-code/validation';
import { passkeyProblem } from '../../components/passkey-ceremony/proof';
import { fewCodesLeft } from '../../components/recovery-codes/left';
import { ownPasskeyOptions, type PasskeyOptionsDeps } from '../../components/passkey-ceremony/options';

export interface SecondStepDeps extends PasskeyOptionsDeps {
  users: UserStore;
  secondFactor: SecondFactor;
  recoveryCodes: RecoveryCodes;
  notifier: SecurityNotifier;
  auth: AuthLevels;
  passkeys: PasskeyStore;
  clock: Clock;
}

/** The page notice that lets "Je hebt een herstelcode gebruikt" be shown, until the patient goes on. */
const RECOVERY_CODE_USED = 'recoveryCodeUsed';

export type SecondStepController = ReturnType<typeof createSecondStepController>;

export function createSecondStepController(deps: SecondStepDeps) {
  const { users, secondFactor, notifier, auth } = deps;

  /** The patient of the half session, while they may still sign in with two steps. */
  async function pendingUser(id: number): Promise<User | undefined> {
    const user = await users.findById(id);
    return user && !user.disabled && user.twoFactorMethod ? user : undefined;
  }

  const signInCode = (req: Request, res: Response, user: User) => smsSendRequest(req, res, { userId: user.id, purpose: 'sign_in', phone: user.twoFactorPhone! });

  /** Sends the sign-in SMS, in the page's language, and keeps the outcome in the half session for the code page to report. */
  async function sendSignInCode(req: Request, res: Response, user: User, askedByPatient: boolean): Promise<void> {
    const outcome = await secondFactor.sendSmsCode(signInCode(req, res, user));
    if (outcome.status !== 'sent') req.log.warn({ userId: user.id, outcome: outcome.status }, 'sign-in SMS not sent');
    // While locked the code page is the lock's page, which says it all; a report kept for later would be stale.
    if (outcome.status !== 'locked') keepSmsReport(req.session, { purpose: 'sign_in', outcome, askedByPatient });
  }

  async function codePageLocals(req: Request, res: Response, user: User) {
    const method = user.twoFactorMethod!;
    // Passkeys are offered (with JavaScript) to everyone who has one; for some they are the only way.
    const hasPasskeys = method === 'passkey' || (await deps.passkeys.countForUser(user.id)) > 0;
    // The app and passkey variants: no number, nothing sent, no "Stuur nieuwe code".
    if (method !== 'sms') return { method, hasPasskeys };
    const last = takeSmsReport(req, res, 'sign_in', deps.clock.now());
    const status = await smsCodeStatus(secondFactor, signInCode(req, res, user), res.locals, last);
    return { method, hasPasskeys, status };
  }

  async function finishSignIn(req: Request, user: User, method: 'sms' | 'totp' | 'recovery_code' | 'passkey') {
    // A patient without their phone has only recovery codes: making new ones, or changing the
    // number, right after does not cost another (the sign-in was that confirmation).
    await auth.toFull(req, user, { confirmed: method === 'recovery_code' });
    await notifier.notify(user.id, 'sign_in', requestOrigin(req), { method, ...(hasOneTimePassword(user) ? { password: 'temporary' } : {}) });
    req.log.info({ userId: user.id, method }, 'signed in with two steps');
  }

  /** Runs `handler` for the half-signed-in patient (auth-level.ts: forPending). */
  const withPendingUser = (handler: (req: Request, res: Response, user: User) => Promise<void>) => auth.forPending(pendingUser, handler);

  /**
   * Like withPendingUser, but while the second step is locked the patient sees when it ends
   * instead of forms that would only be refused (and no new code is sent).
   */
  const unlessLocked = (handler: (req: Request, res: Response, user: User) => Promise<void>) =>
    withPendingUser(async (req, res, user) => {
      if (!(await showIfLocked(res, user, req.method === 'GET' ? 200 : 429))) await handler(req, res, user);
    });

  /** The page that says until when the second step is locked, if it is (also after a refused code that locked it). */
  async function showIfLocked(res: Response, user: User, status = 429): Promise<boolean> {
    const lockedUntil = await secondFactor.lockedUntil(user.id);
    if (lockedUntil) {
      res.locals.shownPath = paths.secondStep.code; // also the answer to a form of the second step
      res.status(status).render('sign-in-second-step/locked', { lockedUntil, method: user.twoFactorMethod });
    }
    return lockedUntil !== null;
  }

  return {
    /** The options public/js/passkeys.js asks for: the half-signed-in patient's own passkeys. */
    passkeyOptions: ownPasskeyOptions(deps, 'second_step', (req) => auth.pendingUserId(req)),

    /** Called by the password step: the session becomes a half session and the SMS goes out once. */
    async begin(req: Request, res: Response, user: User): Promise<string> {
      await auth.toHalf(req, user);
      // While the second step is locked none is sent (sendSmsCode), and the code page shows the lock.
      if (user.twoFactorMethod === 'sms') await sendSignInCode(req, res, user, false);
      return paths.secondStep.code;
    },

    showCode: unlessLocked(async (req, res, user) => {
      res.render('sign-in-second-step/code', await codePageLocals(req, res, user));
    }),

    submitCode: withPendingUser(async (req, res, user) => {
      const { code } = readFields(req.body, ['code'] as const);
      if (user.twoFactorMethod === 'passkey') return res.redirect(paths.secondStep.code); // no code to check
      const errors = validateSixDigitCode(code, res.locals.t);
      if (errors.length === 0) {
        const method = user.twoFactorMethod!;
        const proof: Proof = method === 'totp' ? { kind: 'app', code } : { kind: 'sms', code, phone: user.twoFactorPhone! };
        const result = await secondFactor.check(user.id, 'sign_in', proof, requestOrigin(req));
        if (result.status === 'ok') {
          await finishSignIn(req, user, method);
          return res.redirect(auth.pageAfterSignIn(req, paths.workspace));
        }
        errors.push({ field: 'code', message: await codeFailureMessage(secondFactor, result, res.locals, method === 'sms' ? signInCode(req, res, user) : undefined) });
      }
      if (await showIfLocked(res, user)) return;
      renderFormErrors(res, 'sign-in-second-step/code', errors, { code: code.trim() }, await codePageLocals(req, res, user));
    }),

    /** The passkey (both steps' worth, but the password was asked anyway): the same limits as a code. */
    submitPasskey: withPendingUser(async (req, res, user) => {
      const problem = await passkeyProblem(req, res, 'second_step', deps.clock.now(), (proof) => secondFactor.check(user.id, 'sign_in', proof, requestOrigin(req)));
      if (problem === null) {
        await finishSignIn(req, user, 'passkey');
        return res.redirect(auth.pageAfterSignIn(req, paths.workspace));
      }
      if (await showIfLocked(res, user)) return;
      res.locals.shownPath = paths.secondStep.code;
      res.status(400).render('sign-in-second-step/code', { ...(await codePageLocals(req, res, user)), passkeyError: problem });
    }),

    resendCode: unlessLocked(async (req, res, user) => {
      if (user.twoFactorMethod !== 'sms') return res.redirect(paths.secondStep.code);
      await sendSignInCode(req, res, user, true);
      res.redirect(paths.secondStep.code);
    }),

    showRecovery: unlessLocked(async (_req, res, user) => {
      res.render('sign-in-second-step/recovery', { method: user.twoFactorMethod });
    }),

    submitRecovery: withPendingUser(async (req, res, user) => {
      const { recoveryCode } = readFields(req.body, ['recoveryCode'] as const);
      const errors = validateRecoveryCode(recoveryCode, res.locals.t);
      if (errors.length === 0) {
        const result = await secondFactor.check(user.id, 'sign_in', { kind: 'recovery', code: recoveryCode }, requestOrigin(req));
        if (result.status === 'ok') {
          await finishSignIn(req, user, 'recovery_code');
          const next = auth.pageAfterSignIn(req, paths.workspace);
          const used = next === paths.workspace ? paths.secondStep.recoveryUsed : paths.secondStep.recoveryUsedThen(next);
          return redirectWithNotice(req, res, used, RECOVERY_CODE_USED);
        }
        errors.push({ field: 'recoveryCode', message: secondFactorMessage(result, res.locals) });
      }
      if (await showIfLocked(res, user)) return;
      // A recovery code is a secret: a wrong one is not shown again.
      renderFormErrors(res, 'sign-in-second-step/recovery', errors, {}, { method: user.twoFactorMethod });
    }),

    /**
     * Only right after a recovery code signed the patient in (again on a refresh or in the other
     * language); once they went on to another page, or from a bookmark, the Werkblad.
     */
    async showRecoveryUsed(req: Request, res: Response) {
      if (pageNoticeOf(req) !== RECOVERY_CODE_USED) return res.redirect(paths.workspace);
      const remaining = await deps.recoveryCodes.countRemaining(req.user!.id);
      // Only shown right after the sign-in (the notice), so a link cannot set it; this site's pages only.
      const next = typeof req.query.verder === 'string' ? localPath(req.query.verder) : paths.workspace;
      res.render('sign-in-second-step/recovery-used', { remaining, few: fewCodesLeft(remaining), next: next === paths.home ? paths.workspace : next });
    },

    async cancel(req: Request, res: Response) {
      await auth.toAnonymous(req, res);
      res.redirect(paths.signIn);
    },
  };
}
