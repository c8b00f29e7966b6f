import type { Request, Response } from 'express';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { validateRecoveryCode, validateSixDigitCode } from '../../components/one-time-code/validation';
import type { SecondFactor } from '../../domain/second-factor';
import type { StaffMember, StaffStore } from '../../domain/staff';
import type { StaffNotifier } from '../../domain/staff-audit';
import type { AuthLevels } from '../../http/auth-level';
import { type AppPassport, authenticatePassword, requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import type { Translate } from '../../i18n';
import { paths } from '../../paths';

const { desk } = paths;
const VIEWS = { signIn: 'desk-sign-in/index', code: 'desk-sign-in/code', recovery: 'desk-sign-in/recovery' } as const;

/** The notices the desk's sign-in page may open with (`?sessie=…`), as full locale keys. */
const NOTICES: Record<string, string> = { verlopen: 'deskSignIn.sessionExpired', uitgelogd: 'deskSignIn.signedOut' };

export interface DeskSignInDeps {
  passport: AppPassport;
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  staffSecondFactor: SecondFactor;
  staffNotifier: StaffNotifier;
  /** The e-mail address and password checks of the patients' sign-in: the same fields, the same messages. */
  validateSignIn(fields: { email: string; password: string }, t: Translate): FieldError[];
}

export type DeskSignInController = ReturnType<typeof createDeskSignInController>;

/**
 * "Balie": a staff member signs in with e-mail address and password (the patients' throttle,
 * counted apart), then with the code from their app or a recovery code (the patients' limits on
 * the second step). Someone without two-step yet is signed in only to set it up (desk-enrolment).
 */
export function createDeskSignInController(deps: DeskSignInDeps) {
  const { auth, staff, staffSecondFactor, staffNotifier } = deps;

  async function pendingStaff(req: Request): Promise<StaffMember | undefined> {
    const id = auth.pendingUserId(req);
    const member = id === undefined ? undefined : await staff.findById(id);
    return member && !member.disabled && member.twoFactorMethod ? member : undefined;
  }

  async function signedIn(req: Request, member: StaffMember, method: 'password' | 'totp' | 'recovery_code') {
    await auth.toFull(req, member);
    await staffNotifier.notify(member.id, 'sign_in', requestOrigin(req), { method });
    req.log.info({ staffId: member.id, method }, 'staff member signed in at the desk');
  }

  const withPendingStaff = (handler: (req: Request, res: Response, member: StaffMember) => Promise<void>) => async (req: Request, res: Response) => {
    const member = await pendingStaff(req);
    if (!member) return res.redirect(303, desk.home);
    await handler(req, res, member);
  };

  /** The code or recovery code page again: the message at the field, 429 while the second step is locked. */
  async function renderSecondStepErrors(res: Response, view: string, member: StaffMember, errors: FieldError[], values: Record<string, string>) {
    const lockedUntil = await staffSecondFactor.lockedUntil(member.id);
    renderFormErrors(res, view, errors, values, { lockedUntil }, lockedUntil ? 429 : 400);
  }

  return {
    show(req: Request, res: Response) {
      if (auth.isSignedIn(req)) return res.redirect(303, desk.patients);
      const key = String(req.query.sessie);
      res.render(VIEWS.signIn, { notice: Object.hasOwn(NOTICES, key) ? res.locals.t(NOTICES[key]!) : null });
    },

    async submit(req: Request, res: Response) {
      const t = res.locals.t;
      const fields = readFields(req.body, ['email', 'password'] as const);
      const values = { email: fields.email.trim() };
      const errors = deps.validateSignIn(fields, t);
      if (errors.length > 0) return renderFormErrors(res, VIEWS.signIn, errors, values, { notice: null });

      req.body.email = values.email;
      const result = await authenticatePassword<StaffMember>(deps.passport, req, res);
      if (result.status === 'throttled') {
        const message = t('deskSignIn.errors.throttled', { time: res.locals.formatTime(result.retryAt) });
        return renderFormErrors(res, VIEWS.signIn, [{ field: 'email', message }], values, { notice: null }, 429);
      }
      if (result.status === 'invalid') {
        return renderFormErrors(res, VIEWS.signIn, [{ field: 'email', message: t('deskSignIn.errors.invalidCredentials') }], values, { notice: null });
      }
      const member = result.user;
      if (member.twoFactorMethod) {
        await auth.toHalf(req, member);
        return res.redirect(303, desk.secondStep.code);
      }
      await signedIn(req, member, 'password'); // only to set up two-step: see components/desk-access
      res.redirect(303, desk.patients);
    },

    showCode: withPendingStaff(async (_req, res, member) => {
      res.render(VIEWS.code, { lockedUntil: await staffSecondFactor.lockedUntil(member.id) });
    }),

    submitCode: withPendingStaff(async (req, res, member) => {
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSixDigitCode(code, res.locals.t);
      if (errors.length === 0) {
        const result = await staffSecondFactor.check(member.id, 'sign_in', { kind: 'app', code }, requestOrigin(req));
        if (result.status === 'ok') {
          await signedIn(req, member, 'totp');
          return res.redirect(303, desk.patients);
        }
        errors.push({ field: 'code', message: secondFactorMessage(result, res.locals.t, res.locals.formatTime) });
      }
      await renderSecondStepErrors(res, VIEWS.code, member, errors, { code: code.trim() });
    }),

    showRecovery: withPendingStaff(async (_req, res, member) => {
      res.render(VIEWS.recovery, { lockedUntil: await staffSecondFactor.lockedUntil(member.id) });
    }),

    submitRecovery: withPendingStaff(async (req, res, member) => {
      const { recoveryCode } = readFields(req.body, ['recoveryCode'] as const);
      const errors = validateRecoveryCode(recoveryCode, res.locals.t);
      if (errors.length === 0) {
        const result = await staffSecondFactor.check(member.id, 'sign_in', { kind: 'recovery', code: recoveryCode }, requestOrigin(req));
        if (result.status === 'ok') {
          await signedIn(req, member, 'recovery_code');
          return res.redirect(303, desk.patients);
        }
        errors.push({ field: 'recoveryCode', message: secondFactorMessage(result, res.locals.t, res.locals.formatTime) });
      }
      await renderSecondStepErrors(res, VIEWS.recovery, member, errors, { recoveryCode: recoveryCode.trim() });
    }),

    async cancel(req: Request, res: Response) {
      await auth.toAnonymous(req, res);
      res.redirect(303, desk.home);
    },

    async signOut(req: Request, res: Response) {
      if (req.staff) await staffNotifier.notify(req.staff.id, 'sign_out', requestOrigin(req));
      await auth.toAnonymous(req, res);
      res.redirect(303, `${desk.home}?sessie=uitgelogd`);
    },
  };
}
