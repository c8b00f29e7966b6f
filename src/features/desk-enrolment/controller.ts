import type { Request, Response } from 'express';
import { acceptNewPassword } from '../../components/new-password/validation';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { validateSixDigitCode } from '../../components/one-time-code/validation';
import { codesPageLocals, type NewCodes, openCodes, renderPrintableCodes, sealCodes, sendCodesFile, staffCodes } from '../../components/recovery-codes/output';
import { totpPairing } from '../../components/totp-pairing/pairing';
import type { InTransaction } from '../../domain/account-stores';
import type { Clock } from '../../domain/clock';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import type { PasswordHasher } from '../../domain/passwords';
import type { RandomSource } from '../../domain/random';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecondFactor } from '../../domain/second-factor';
import type { SecretBox } from '../../domain/secret-box';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { setOwnStaffPassword } from '../../domain/staff-admin';
import { generateTotpSecret, STAFF_TOTP_ISSUER } from '../../domain/totp';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import { paths } from '../../paths';
import { OWN_PASSWORD_FIELDS, SAME_AS_ONE_TIME } from './validation';
import { redirectWithNotice } from '../../http/page-notice';

const { firstTime } = paths.desk;
const VIEWS = { password: 'desk-enrolment/password', pair: 'desk-enrolment/pair', recovery: 'desk-enrolment/recovery' } as const;

/** A staff member's app being paired: sealed with the secret box, in the desk's session only. */
export interface DeskEnrolment {
  sealedTotpSecret: string;
  /** The time step of the code that proved the pairing, and the codes to save: set once it is proved. */
  totpStep?: number;
  sealedRecoveryCodes?: string;
}

export interface DeskEnrolmentDeps {
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  hasher: PasswordHasher;
  random: RandomSource;
  secretBox: SecretBox;
  staffSecondFactor: SecondFactor;
  staffRecoveryCodes: RecoveryCodes;
  inTransaction: InTransaction;
  clock: Clock;
  /** The patients' limit on new passwords per account and hour, counted per staff member. */
  passwordChangeLimit: PasswordChangeLimit;
}

export type DeskEnrolmentController = ReturnType<typeof createDeskEnrolmentController>;

/** After their own password: the app, unless it is set up already (the one-time password was given for a forgotten one). */
export const afterOwnPassword = (member: StaffMember) => (member.twoFactorMethod ? paths.desk.patients : firstTime.pair);

/**
 * What a staff member sets up before anything else (components/desk-access sends them here): their
 * own password, when an admin made the account or gave a forgotten password with a one-time one;
 * then, while they have none, the authenticator app (Koppelen, the code that proves it) and their
 * recovery codes. SMS is never offered to staff.
 */
export function createDeskEnrolmentController(deps: DeskEnrolmentDeps) {
  const { secretBox, staffSecondFactor } = deps;
  const secretOf = (enrolment: DeskEnrolment) => secretBox.open(enrolment.sealedTotpSecret);
  const codesOf = (req: Request) => {
    const sealed = req.session.deskEnrolment?.sealedRecoveryCodes;
    return sealed ? openCodes(secretBox, sealed) : null;
  };

  /** The app being paired: a new secret the first time. */
  function enrolment(req: Request): DeskEnrolment {
    return (req.session.deskEnrolment ??= { sealedTotpSecret: secretBox.seal(generateTotpSecret(deps.random)) });
  }

  async function renderPair(req: Request, res: Response, errors: FieldError[] = [], values: Record<string, string> = {}, status = 200) {
    const pairing = await totpPairing(secretOf(enrolment(req)), req.staff!.email, res.locals.t, STAFF_TOTP_ISSUER);
    renderFormErrors(res, VIEWS.pair, errors, values, { pairing }, errors.length > 0 ? status : 200);
  }

  /** Runs `handler` with the codes to save; before the app is proved, back to Koppelen. */
  const withCodes = (handler: (req: Request, res: Response, codes: NewCodes) => unknown) => async (req: Request, res: Response) => {
    const codes = codesOf(req);
    if (!codes) return res.redirect(firstTime.pair);
    await handler(req, res, codes);
  };

  return {
    showPassword(req: Request, res: Response) {
      if (!hasOneTimePassword(req.staff!)) return res.redirect(afterOwnPassword(req.staff!));
      res.render(VIEWS.password);
    },

    async submitPassword(req: Request, res: Response) {
      const member = req.staff!;
      if (!hasOneTimePassword(member)) return res.redirect(afterOwnPassword(member));
      const fields = readFields(req.body, OWN_PASSWORD_FIELDS);
      const accepted = await acceptNewPassword(deps, { fields, account: member, limitKey: `staff:${member.id}`, sameKey: SAME_AS_ONE_TIME }, res.locals);
      if ('errors' in accepted) return renderFormErrors(res, VIEWS.password, accepted.errors, {}, {}, accepted.status);
      const passwordHash = accepted.hash;
      const saved = await deps.inTransaction((stores) => setOwnStaffPassword(stores, member, passwordHash, requestOrigin(req), 'password_chosen'));
      if (!saved) return res.redirect(paths.desk.home); // an admin's change ended this session meanwhile
      await deps.auth.endOtherSessions(req, deps.staff); // the one-time password's other sessions end
      // With the app already set up, the desk's first page says the password was saved.
      if (member.twoFactorMethod) redirectWithNotice(req, res, afterOwnPassword(member), 'ownPasswordChosen');
      else res.redirect(afterOwnPassword(member));
    },

    showPair: (req: Request, res: Response) => (codesOf(req) ? res.redirect(firstTime.recovery) : renderPair(req, res)),

    async submitPair(req: Request, res: Response) {
      const { code } = readFields(req.body, ['code'] as const);
      const values = { code: code.trim() };
      const errors = validateSixDigitCode(code, res.locals.t);
      if (errors.length > 0) return renderPair(req, res, errors, values, 400);
      const state = enrolment(req);
      const result = await staffSecondFactor.check(req.staff!.id, 'setup', { kind: 'app', code, secret: secretOf(state) }, requestOrigin(req));
      if (result.status !== 'ok') {
        const message = secondFactorMessage(result, res.locals);
        return renderPair(req, res, [{ field: 'code', message }], values, result.status === 'locked' ? 429 : 400);
      }
      req.session.deskEnrolment = { ...state, totpStep: result.totpStep, sealedRecoveryCodes: sealCodes(secretBox, { codes: deps.staffRecoveryCodes.generate(), madeAt: deps.clock.now() }) };
      res.redirect(firstTime.recovery);
    },

    showRecovery: withCodes((req, res, codes) => res.render(VIEWS.recovery, codesPageLocals(res, codes, staffCodes(req.staff!.email)))),

    printRecovery: withCodes((req, res, codes) => renderPrintableCodes(res, codes, firstTime.recovery, staffCodes(req.staff!.email))),

    downloadRecovery: withCodes((req, res, codes) => sendCodesFile(res, codes, staffCodes(req.staff!.email))),

    /** "Ik heb de codes bewaard": two-step is on from now, and other sessions (password only) end. */
    confirmRecovery: withCodes(async (req, res, codes) => {
      const member = req.staff!;
      const state = req.session.deskEnrolment!;
      const hashed = await deps.staffRecoveryCodes.hashForStorage(codes.codes); // slow: before the transaction
      await deps.inTransaction(async ({ staffTwoFactor, staffNotifier }) => {
        await staffTwoFactor.enableTotp(member.id, state.sealedTotpSecret, hashed, state.totpStep ?? null);
        await staffNotifier.notify(member.id, 'two_factor_enabled', requestOrigin(req), { method: 'totp' });
      });
      delete req.session.deskEnrolment;
      await deps.auth.endOtherSessions(req, deps.staff);
      req.log.info({ staffId: member.id }, 'staff member set up two-step');
      redirectWithNotice(req, res, paths.desk.patients, 'twoStepSetUp');
    }),
  };
}
