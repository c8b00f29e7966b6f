import type { Request, Response } from 'express';
import type { AuditLog, RequestOrigin } from '../../domain/audit';
import type { Clock } from '../../domain/clock';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { PasskeyStore } from '../../domain/passkeys';
import type { Proof, SecondFactor, SecondFactorResult } from '../../domain/second-factor';
import type { SignInService } from '../../domain/sign-in';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { User, UserStore } from '../../domain/users';
import type { AuthLevels, SessionEnd } from '../../http/auth-level';
import { AppPassport, requestOrigin } from '../../http/authentication';
import { paths } from '../../paths';
import { takePageNoticeText } from '../../http/page-notice';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { type PasskeyOptionsDeps, signInPasskeyOptions } from '../../components/passkey-ceremony/options';
import { passkeyProof } from '../../components/passkey-ceremony/proof';
import { checkSignInForm, expiredSignInForm, renderRefusedSignIn } from '../../components/sign-in-form/check';

const VIEW = 'sign-in/index';

type PasskeyProof = Proof & { kind: 'passkey' };

/** What the sign-in page may say about the session that ended, as full locale keys. */
const NOTICES: Record<SessionEnd, string> = { expired: 'signIn.sessionExpired', signedOut: 'signIn.signedOut', ended: 'signIn.sessionEnded' };

export interface SignInDeps extends PasskeyOptionsDeps {
  passport: AppPassport;
  auth: AuthLevels;
  audit: AuditLog;
  users: UserStore;
  passkeys: PasskeyStore;
  secondFactor: SecondFactor;
  /** The throttle of a passkey used alone (by the client's network). */
  signIn: SignInService;
  notifier: SecurityNotifier;
  clock: Clock;
  /** Starts the second step for a patient with two-step on; returns where to go next. */
  beginSecondStep(req: Request, res: Response, user: User): Promise<string>;
}

export type SignInController = ReturnType<typeof createSignInController>;

export function createSignInController(deps: SignInDeps) {
  const { passport, auth, audit } = deps;

  /** Whose passkey it is, and whether its signature holds; a passkey nobody (enabled) has is refused at once. */
  async function checkPasskeyAlone(proof: PasskeyProof, origin: RequestOrigin) {
    const owner = await deps.passkeys.findByCredentialId(proof.response.id);
    const found = owner && (await deps.users.findById(owner.userId));
    const user = found && !found.disabled ? found : null;
    const result: SecondFactorResult = user ? await deps.secondFactor.checkPasskeyAlone(user.id, proof, origin) : { status: 'failed', reason: 'wrong_passkey' };
    // A locked second step checked no signature: no failure of this network's.
    const outcome = result.status === 'ok' ? 'success' : result.status === 'locked' ? 'undecided' : 'failure';
    return { outcome, result: { user, result } } as const;
  }

  return {
    /** The options public/js/passkeys.js asks for before a passkey signs in. */
    passkeyOptions: signInPasskeyOptions(deps),

    show(req: Request, res: Response) {
      if (auth.isSignedIn(req)) return res.redirect(paths.workspace);
      res.render(VIEW, { values: {}, notice: takePageNoticeText(req, res, NOTICES) });
    },

    async submit(req: Request, res: Response) {
      const checked = await checkSignInForm(passport, req, res);
      if ('errors' in checked) return renderRefusedSignIn(res, VIEW, checked);
      const user = checked.account;
      if (user.twoFactorMethod) return res.redirect(await deps.beginSecondStep(req, res, user));
      await auth.toFull(req, user);
      await audit.record(user.id, 'sign_in', requestOrigin(req), { method: hasOneTimePassword(user) ? 'temporary_password' : 'password' });
      req.log.info({ userId: user.id }, 'signed in');
      res.redirect(auth.pageAfterSignIn(req, paths.workspace));
    },

    /** The form sent after its session ended: the page again, with the address typed. */
    formExpired(req: Request, res: Response) {
      renderRefusedSignIn(res, VIEW, expiredSignInForm(req, res));
    },

    /**
     * A passkey alone: with user verification it is both steps (something the patient has, and
     * their fingerprint, face or PIN), so it signs in fully; limited by the client's network, as no
     * account is proven before the signature is (see SecondFactor.checkPasskeyAlone).
     */
    async submitPasskey(req: Request, res: Response) {
      const { t, formatRetryTime } = res.locals;
      const given = passkeyProof(req, 'sign_in', deps.clock.now());
      const refuse = (problem: string, status = 400) => {
        res.locals.shownPath = paths.signIn; // the passkey's address takes POST only
        res.status(status).render(VIEW, { values: {}, notice: null, passkeyError: problem });
      };
      if ('problem' in given) return refuse(t(given.problem));
      const origin = requestOrigin(req);
      const attempt = await deps.signIn.withoutPassword(origin, () => checkPasskeyAlone(given.proof, origin));
      if (attempt.status === 'throttled') return refuse(t('signInForm.errors.throttled', { time: formatRetryTime(attempt.retryAt) }), 429);
      const { user, result } = attempt.result;
      if (!user) return refuse(t('passkeyCeremony.notAccepted'));
      if (result.status !== 'ok') {
        req.log.warn({ userId: user.id, result: result.status }, 'passkey sign-in refused');
        return refuse(secondFactorMessage(result, res.locals), result.status === 'locked' ? 429 : 400);
      }
      await auth.toFull(req, user);
      await deps.notifier.notify(user.id, 'sign_in', origin, { method: 'passkey', without: 'password' });
      req.log.info({ userId: user.id, method: 'passkey' }, 'signed in with a passkey');
      res.redirect(auth.pageAfterSignIn(req, paths.workspace));
    },

    async signOut(req: Request, res: Response) {
      if (req.user) await audit.record(req.user.id, 'sign_out', requestOrigin(req));
      await auth.signOut(req, res);
    },
  };
}
