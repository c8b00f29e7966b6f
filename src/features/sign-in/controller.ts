import type { Request, Response } from 'express';
import type { AuditLog } from '../../domain/audit';
import type { User } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { AppPassport, authenticatePassword, requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { paths } from '../../paths';
import { SIGN_IN_FIELDS, validateSignIn } from './validation';

const VIEW = 'sign-in/index';

/** The notices the sign-in page may open with (`?sessie=…`), as full locale keys. */
const NOTICES: Record<string, string> = { verlopen: 'signIn.sessionExpired', uitgelogd: 'signIn.signedOut' };

export interface SignInDeps {
  passport: AppPassport;
  auth: AuthLevels;
  audit: AuditLog;
  /** Starts the second step for a patient with two-step on; returns where to go next. */
  beginSecondStep(req: Request, user: User): Promise<string>;
}

export type SignInController = ReturnType<typeof createSignInController>;

export function createSignInController(deps: SignInDeps) {
  const { passport, auth, audit } = deps;

  return {
    show(req: Request, res: Response) {
      if (auth.isSignedIn(req)) return res.redirect(303, paths.workspace);
      const notice = Object.hasOwn(NOTICES, String(req.query.sessie)) ? res.locals.t(NOTICES[String(req.query.sessie)]!) : null;
      res.render(VIEW, { values: {}, notice });
    },

    async submit(req: Request, res: Response) {
      const t = res.locals.t;
      const fields = readFields(req.body, SIGN_IN_FIELDS);
      const values = { email: fields.email.trim() };
      const locals = { notice: null };
      const errors = validateSignIn(fields, t);
      if (errors.length > 0) return renderFormErrors(res, VIEW, errors, values, locals);

      req.body.email = values.email;
      const result = await authenticatePassword(passport, req, res);
      if (result.status === 'throttled') {
        const message = t('signIn.errors.throttled', { time: res.locals.formatTime(result.retryAt) });
        return renderFormErrors(res, VIEW, [{ field: 'email', message }], values, locals, 429);
      }
      if (result.status === 'invalid') {
        return renderFormErrors(res, VIEW, [{ field: 'email', message: t('signIn.errors.invalidCredentials') }], values, locals);
      }
      if (result.user.twoFactorMethod) return res.redirect(303, await deps.beginSecondStep(req, result.user));
      await auth.toFull(req, result.user);
      await audit.record(result.user.id, 'sign_in', requestOrigin(req), { method: 'password' });
      req.log.info({ userId: result.user.id }, 'signed in');
      res.redirect(303, paths.workspace);
    },

    async signOut(req: Request, res: Response) {
      if (req.user) await audit.record(req.user.id, 'sign_out', requestOrigin(req));
      await auth.toAnonymous(req, res);
      res.redirect(303, `${paths.signIn}?sessie=uitgelogd`);
    },
  };
}
