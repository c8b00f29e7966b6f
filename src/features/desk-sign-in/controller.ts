import type { Request, Response } from 'express';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { validateRecoveryCode, validateSixDigitCode } from '../../components/one-time-code/validation';
import { passkeyProblem } from '../../components/passkey-ceremony/proof';
import { fewCodesLeft } from '../../components/recovery-codes/left';
import type { Clock } from '../../domain/clock';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { PasskeyCeremonies } from '../../domain/passkey-ceremonies';
import type { PasskeyStore } from '../../domain/passkeys';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecondFactor } from '../../domain/second-factor';
import type { StaffMember, StaffStore } from '../../domain/staff';
import type { StaffNotifier } from '../../domain/staff-audit';
import type { AuthLevels, SessionEnd } from '../../http/auth-level';
import { pageNoticeOf, redirectWithNotice, takePageNoticeText } from '../../http/page-notice';
import { checkSignInForm, expiredSignInForm, renderRefusedSignIn } from '../../components/sign-in-form/check';
import { type AppPassport, requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import type { Translate } from '../../i18n';
import { paths } from '../../paths';
import { ownPasskeyOptions } from '../../components/passkey-ceremony/options';

const { desk } = paths;
const SIGN_IN_VIEW = 'desk-sign-in/index';
const LOCKED_VIEW = 'desk-sign-in/locked';
/** The page notice that lets "Je hebt een herstelcode gebruikt" be shown, until the staff member goes on. */
const RECOVERY_CODE_USED = 'recoveryCodeUsed';

/** The two ways through the second step: the code from the app, or a recovery code. */
interface SecondStepForm {
  view: string;
  field: 'code' | 'recoveryCode';
  validate(input: string, t: Translate): FieldError[];
  proof: 'app' | 'recovery';
  method: 'totp' | 'recovery_code';
}

const SECOND_STEP_FORMS = {
  code: { view: 'desk-sign-in/code', field: 'code', validate: validateSixDigitCode, proof: 'app', method: 'totp' },
  recovery: { view: 'desk-sign-in/recovery', field: 'recoveryCode', validate: validateRecoveryCode, proof: 'recovery', method: 'recovery_code' },
} as const satisfies Record<string, SecondStepForm>;

/** What the desk's sign-in page may say about the session that ended, as full locale keys. */
const NOTICES: Record<SessionEnd, string> = { expired: 'deskSignIn.sessionExpired', signedOut: 'deskSignIn.signedOut', ended: 'deskSignIn.sessionEnded' };

export interface DeskSignInDeps {
  passport: AppPassport;
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  staffSecondFactor: SecondFactor;
  staffNotifier: StaffNotifier;
  /** A staff member with passkeys may use one instead of the code (with JavaScript). */
  staffPasskeys: PasskeyStore;
  staffPasskeyCeremonies: PasskeyCeremonies;
  /** How many recovery codes are left, said after one was used. */
  staffRecoveryCodes: Pick<RecoveryCodes, 'countRemaining'>;
  clock: Clock;
}

export type DeskSignInController = ReturnType<typeof createDeskSignInController>;

/**
 * "Balie": a staff member signs in with e-mail address and password (the patients' throttle,
 * counted apart), then with the code from their app or a recovery code (the patients' limits on
 * the second step). Someone without two-step yet is signed in only to set it up (desk-enrolment).
 */
export function createDeskSignInController(deps: DeskSignInDeps) {
  const { auth, staff, staffSecondFactor, staffNotifier } = deps;

  /** The staff member of the half session, while they may still sign in with their app. */
  async function pendingStaff(id: number): Promise<StaffMember | undefined> {
    const member = await staff.findById(id);
    return member && !member.disabled && member.twoFactorMethod ? member : undefined;
  }

  async function signedIn(req: Request, member: StaffMember, method: 'password' | 'passkey' | SecondStepForm['method']) {
    await auth.toFull(req, member);
    // The Logboek says when it was a one-time password from an admin (the member chooses their own next).
    await staffNotifier.notify(member.id, 'sign_in', requestOrigin(req), { method, ...(hasOneTimePassword(member) ? { password: 'one_time' } : {}) });
    req.log.info({ staffId: member.id, method }, 'staff member signed in at the desk');
  }

  /** What every second-step form shows besides the form: whether a passkey is offered. */
  const secondStepLocals = async (member: StaffMember) => ({ hasPasskeys: (await deps.staffPasskeys.countForUser(member.id)) > 0 });

  /** The page that says until when the second step is locked, instead of a form, if it is (also after a refused code that locked it). */
  async function showIfLocked(res: Response, member: StaffMember, status = 429): Promise<boolean> {
    const lockedUntil = await staffSecondFactor.lockedUntil(member.id);
    if (lockedUntil) {
      res.locals.shownPath = desk.secondStep.code; // also the answer to a form of the second step
      res.status(status).render(LOCKED_VIEW, { lockedUntil });
    }
    return lockedUntil !== null;
  }

  const showSecondStep = (form: SecondStepForm) =>
    auth.forPending(pendingStaff, async (_req, res, member) => {
      if (!(await showIfLocked(res, member, 200))) res.render(form.view, await secondStepLocals(member));
    });

  /** The code or recovery code, checked under the second step's limits; the page again with the message when it is not right. */
  const submitSecondStep = (form: SecondStepForm) =>
    auth.forPending(pendingStaff, async (req, res, member) => {
      const typed = readFields(req.body, [form.field])[form.field];
      const errors = form.validate(typed, res.locals.t);
      if (errors.length === 0) {
        const result = await staffSecondFactor.check(member.id, 'sign_in', { kind: form.proof, code: typed }, requestOrigin(req));
        if (result.status === 'ok') {
          await signedIn(req, member, form.method);
          if (form.proof === 'recovery') return redirectWithNotice(req, res, desk.recoveryCodeUsed, RECOVERY_CODE_USED);
          return res.redirect(desk.patients);
        }
        errors.push({ field: form.field, message: secondFactorMessage(result, res.locals) });
      }
      if (await showIfLocked(res, member)) return;
      // A recovery code is a secret: it is not shown again (an unused one may be in the field).
      const kept = form.proof === 'recovery' ? {} : { [form.field]: typed.trim() };
      renderFormErrors(res, form.view, errors, kept, await secondStepLocals(member));
    });

  return {
    /** The options public/js/passkeys.js asks for: the half-signed-in staff member's own passkeys. */
    passkeyOptions: ownPasskeyOptions({ passkeys: deps.staffPasskeys, passkeyCeremonies: deps.staffPasskeyCeremonies, clock: deps.clock }, 'second_step', (req) => auth.pendingUserId(req)),

    show(req: Request, res: Response) {
      if (auth.isSignedIn(req)) return res.redirect(desk.patients);
      res.render(SIGN_IN_VIEW, { notice: takePageNoticeText(req, res, NOTICES) });
    },

    async submit(req: Request, res: Response) {
      const messageKeys = { disabled: 'deskSignIn.disabled', expired: 'deskSignIn.oneTimePasswordExpired' };
      const checked = await checkSignInForm<StaffMember>(deps.passport, req, res, messageKeys);
      if ('errors' in checked) return renderRefusedSignIn(res, SIGN_IN_VIEW, checked);
      const member = checked.account;
      if (member.twoFactorMethod) {
        await auth.toHalf(req, member);
        return res.redirect(desk.secondStep.code);
      }
      await signedIn(req, member, 'password'); // only to set up two-step: see components/desk-access
      res.redirect(desk.patients);
    },

    /** The form sent after its session ended: the page again, with the address typed. */
    formExpired(req: Request, res: Response) {
      renderRefusedSignIn(res, SIGN_IN_VIEW, expiredSignInForm(req, res));
    },

    showCode: showSecondStep(SECOND_STEP_FORMS.code),
    submitCode: submitSecondStep(SECOND_STEP_FORMS.code),
    /** A passkey instead of the code, under the same limits. */
    submitPasskey: auth.forPending(pendingStaff, async (req, res, member) => {
      const problem = await passkeyProblem(req, res, 'second_step', deps.clock.now(), (proof) => staffSecondFactor.check(member.id, 'sign_in', proof, requestOrigin(req)));
      if (problem === null) {
        await signedIn(req, member, 'passkey');
        return res.redirect(desk.patients);
      }
      if (await showIfLocked(res, member)) return;
      res.locals.shownPath = desk.secondStep.code;
      res.status(400).render(SECOND_STEP_FORMS.code.view, { ...(await secondStepLocals(member)), passkeyError: problem });
    }),
    showRecovery: showSecondStep(SECOND_STEP_FORMS.recovery),
    submitRecovery: submitSecondStep(SECOND_STEP_FORMS.recovery),

    /**
     * Only right after a recovery code signed the staff member in (again on a refresh or in the
     * other language); once they went on to another page, or from a bookmark, the patients' search.
     */
    async showRecoveryUsed(req: Request, res: Response) {
      if (pageNoticeOf(req) !== RECOVERY_CODE_USED) return res.redirect(desk.patients);
      const remaining = await deps.staffRecoveryCodes.countRemaining(req.staff!.id);
      res.render('desk-sign-in/recovery-used', { remaining, few: fewCodesLeft(remaining) });
    },

    async cancel(req: Request, res: Response) {
      await auth.toAnonymous(req, res);
      res.redirect(desk.home);
    },

    async signOut(req: Request, res: Response) {
      if (req.staff) await staffNotifier.notify(req.staff.id, 'sign_out', requestOrigin(req));
      await auth.signOut(req, res);
    },
  };
}
