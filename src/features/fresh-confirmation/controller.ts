import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { PasskeyStore } from '../../domain/passkeys';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { Proof, SecondFactor, SmsCodeOutcome } from '../../domain/second-factor';
import type { SignInService } from '../../domain/sign-in';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { FieldError, readFields, renderFormErrors } from '../../http/forms';
import { takePageNoticeText } from '../../http/page-notice';
import { paths } from '../../paths';
import { capEnd, smsProblem, type Wording } from '../../components/one-time-code/messages';
import { codeFailureMessage, keepSmsReport, smsSendRequest, takeSmsReport } from '../../components/one-time-code/sms-status';
import { hasCredential } from '../../components/passkey-ceremony/credential';
import { passkeyProblem } from '../../components/passkey-ceremony/proof';
import { CONFIRMATION_FIELDS, codeProof, safeReturnPath, validatePassword } from './validation';
import { ownPasskeyOptions, type PasskeyOptionsDeps } from '../../components/passkey-ceremony/options';

const VIEW = 'fresh-confirmation/index';
/** What the route guard (auth.fresh) says here: an earlier confirmation ran out. */
const NOTICES = { confirmationExpired: 'freshConfirmation.expired' } as const;

export interface ConfirmationDeps extends PasskeyOptionsDeps {
  signIn: SignInService;
  secondFactor: SecondFactor;
  auth: AuthLevels;
  passkeys: PasskeyStore;
  clock: Clock;
}

export type ConfirmationController = ReturnType<typeof createConfirmationController>;

/** A field's error; `limited`: a limit refused the try (the sign-in throttle, the second step's lock), so the answer is a 429. */
type CheckError = FieldError & { limited?: boolean };

/** "Bevestig dat jij het bent": the password again and, with two-step on, a second-step code or a passkey. */
export function createConfirmationController(deps: ConfirmationDeps) {
  const { signIn, secondFactor, auth } = deps;

  /** The masked number of the "Stuur code naar …" button, for a patient whose second step is SMS. */
  const maskedSmsPhone = (req: Request) => {
    const user = req.user!;
    return user.twoFactorMethod === 'sms' && user.twoFactorPhone ? maskPhoneNumber(user.twoFactorPhone) : null;
  };

  const returnToOf = (req: Request) => safeReturnPath(req.query.terug ?? req.body?.terug);

  /** What the page shows besides a notice: read only when it is shown, not for a confirmation that succeeds. */
  const locals = async (req: Request, res: Response, said?: SmsCodeOutcome) => {
    const user = req.user!;
    const hasPasskeys = user.twoFactorMethod === 'passkey' || (user.twoFactorMethod !== null && (await deps.passkeys.countForUser(user.id)) > 0);
    return { returnTo: returnToOf(req), maskedPhone: maskedSmsPhone(req), codeSent: false, smsNotice: null, hasPasskeys, smsState: await smsState(req, res, said) };
  };

  /**
   * For a patient whose second step is SMS: until when the code asked for works, when another may
   * be asked, and a cap that refuses any new one: then no "Stuur code" button, and when one can
   * come (unless `said`, the report of the refusal shown on the page, says it already).
   */
  async function smsState(req: Request, res: Response, said?: SmsCodeOutcome) {
    if (!maskedSmsPhone(req)) return null;
    const state = await secondFactor.smsCodeState(confirmationCode(req, res));
    const { nextAllowedAt, cap } = state;
    // An SMS that may not come: its notice says until when its code works.
    const validUntil = said?.status === 'unsure' ? null : state.validUntil;
    const capText = cap && said?.status !== 'limited' ? capEnd({ cap, purpose: 'confirm' }, wording(req, res), validUntil !== null) : null;
    return { validUntil, deliveryUnsure: state.deliveryUnsure, nextAllowedAt, noSms: cap !== null, capEnd: capText };
  }

  /** The messages name this page's button, "Stuur code naar …", where others say "Stuur nieuwe code". */
  const wording = (req: Request, res: Response): Wording => {
    const phone = maskedSmsPhone(req);
    return { ...res.locals, resendButton: phone ? res.locals.t('freshConfirmation.sendCode', { phone }) : undefined };
  };

  /** The patient's SMS code for this confirmation, to their own number. */
  const confirmationCode = (req: Request, res: Response) => smsSendRequest(req, res, { userId: req.user!.id, purpose: 'confirm', phone: req.user!.twoFactorPhone! });

  async function checkPassword(req: Request, res: Response, password: string): Promise<CheckError | null> {
    const t = res.locals.t;
    // Under the sign-in's throttle as before, but the patient is signed in: a wrong one is no failed sign-in.
    const result = await signIn.checkPassword(req.user!.email, password, requestOrigin(req), 'confirmation_failed');
    if (result.status === 'throttled') return { field: 'password', message: t('freshConfirmation.errors.throttled', { time: res.locals.formatRetryTime(result.retryAt) }), limited: true };
    // 'disabled' cannot come here: a disabled account's sessions are signed out before any page.
    return result.status === 'ok' ? null : { field: 'password', message: t('freshConfirmation.errors.passwordWrong') };
  }

  async function checkCode(req: Request, res: Response, proof: Proof): Promise<CheckError | null> {
    const result = await secondFactor.check(req.user!.id, 'confirm', proof, requestOrigin(req));
    if (result.status === 'ok') return null;
    const message = await codeFailureMessage(secondFactor, result, wording(req, res), proof.kind === 'sms' ? confirmationCode(req, res) : undefined);
    return { field: 'code', message, limited: result.status === 'locked' };
  }

  /** The passkey instead of a code (public/js/passkeys.js sends the form with it); its message goes to the code field. */
  async function checkPasskey(req: Request, res: Response): Promise<CheckError | null> {
    let locked = false;
    const problem = await passkeyProblem(req, res, 'confirm', deps.clock.now(), async (proof) => {
      const result = await secondFactor.check(req.user!.id, 'confirm', proof, requestOrigin(req));
      locked = result.status === 'locked';
      return result;
    });
    return problem === null ? null : { field: 'code', message: problem, limited: locked };
  }

  return {
    /** The options public/js/passkeys.js asks for: the patient's own passkeys. */
    passkeyOptions: ownPasskeyOptions(deps, 'confirm', (req) => req.user!.id),

    /** Says once what became of the code the patient asked for (see keepSmsReport): sent, or why not. */
    async show(req: Request, res: Response) {
      const outcome = takeSmsReport(req, res, 'confirm', deps.clock.now())?.outcome;
      const l = await locals(req, res, outcome);
      const earlier = l.smsState ? { works: l.smsState.validUntil !== null, deliveryUnsure: l.smsState.deliveryUnsure } : undefined;
      const smsNotice = outcome ? (smsProblem(outcome, 'confirm', wording(req, res), l.smsState?.noSms, earlier)?.message ?? null) : null;
      const notice = takePageNoticeText(req, res, NOTICES);
      res.render(VIEW, { ...l, codeSent: outcome?.status === 'sent', smsNotice, notice });
    },

    async sendCode(req: Request, res: Response) {
      const user = req.user!;
      const returnTo = safeReturnPath(req.body?.terug);
      if (user.twoFactorMethod !== 'sms') return res.redirect(paths.account.confirmThenReturn(returnTo));
      const outcome = await secondFactor.sendSmsCode(confirmationCode(req, res));
      if (outcome.status !== 'sent') req.log.warn({ outcome: outcome.status }, 'confirmation SMS not sent');
      keepSmsReport(req.session, { purpose: 'confirm', outcome, askedByPatient: true });
      res.redirect(paths.account.confirmThenReturn(returnTo));
    },

    async submit(req: Request, res: Response) {
      const returnTo = returnToOf(req);
      // Confirmed a moment ago (the form sent twice): nothing to check again.
      if (auth.level(req) === 'fresh') return res.redirect(returnTo);
      const { password, code } = readFields(req.body, CONFIRMATION_FIELDS);
      const t = res.locals.t;
      // An empty code field, or one that cannot hold a code, is said together with the password's
      // error (unless a passkey answers instead): the patient learns about both fields at once.
      const typed = req.user!.twoFactorMethod && !hasCredential(req.body) ? codeProof(code, req.user!, t) : null;
      const errors: CheckError[] = validatePassword(password, t);
      if (errors.length === 0) {
        const passwordError = await checkPassword(req, res, password);
        if (passwordError) errors.push(passwordError);
      }
      if (typed && 'error' in typed) errors.push(typed.error);
      // The second step is checked only after a right password, so a guessed code costs a password too.
      if (errors.length === 0 && req.user!.twoFactorMethod) {
        const codeError = typed && 'proof' in typed ? await checkCode(req, res, typed.proof) : await checkPasskey(req, res);
        if (codeError) errors.push(codeError);
      }
      if (errors.length > 0) {
        const l = await locals(req, res);
        const codeRefused = errors.some((e) => e.field === 'code');
        // A refused code's message says a cap's end itself.
        if (codeRefused && l.smsState) l.smsState.capEnd = null;
        // A code that was not checked (the password was not right) may still work: a secret, so it
        // is not written into the page again; the patient is told it was not used up.
        const unchecked = typed && 'proof' in typed && !codeRefused;
        const status = errors.some((e) => e.limited) ? 429 : 400;
        return renderFormErrors(res, VIEW, errors, {}, { ...l, notice: unchecked ? t('freshConfirmation.codeNotUsed') : null }, status);
      }
      await auth.toFresh(req);
      res.redirect(returnTo);
    },
  };
}
