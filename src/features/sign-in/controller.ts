import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { AuditLog } from '../../domain/audit';
import type { User } from '../../domain/users';
import { AppPassport, authenticatePassword, establishSession, requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { sessionCookieName } from '../../http/session';
import { SIGN_IN_FIELDS, validateSignIn } from './validation';

const VIEW = 'sign-in/index';

export interface SignInControllerDeps {
  passport: AppPassport;
  clock: Clock;
  audit: AuditLog;
  isProduction: boolean;
  /** Starts the second step for a patient with two-step on; returns where to go next. */
  beginSecondStep(req: Request, user: User): Promise<string>;
}

export function createSignInController(deps: SignInControllerDeps) {
  const { passport, clock, audit } = deps;

  const notices: Record<string, string> = { verlopen: 'signIn.sessionExpired', uitgelogd: 'signIn.signedOut' };

  return {
    show(req: Request, res: Response) {
      if (req.user) return res.redirect(303, '/werkblad');
      const noticeKey = notices[String(req.query.sessie ?? '')];
      res.render(VIEW, { values: {}, notice: noticeKey ? res.locals.t(noticeKey) : null });
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
        const retryAt = Math.ceil((clock.now() + result.retryAfterMs) / 60_000) * 60_000;
        const time = res.locals.formatTime(retryAt);
        const message = t('signIn.errors.throttled', { time });
        return renderFormErrors(res, VIEW, [{ field: 'email', message }], values, locals, 429);
      }
      if (result.status === 'invalid') {
        return renderFormErrors(res, VIEW, [{ field: 'email', message: t('signIn.errors.invalidCredentials') }], values, locals);
      }
      if (result.user.twoFactorMethod) return res.redirect(303, await deps.beginSecondStep(req, result.user));
      await establishSession(req, result.user, clock);
      await audit.record(result.user.id, 'sign_in', requestOrigin(req), { method: 'password' });
      req.log.info({ userId: result.user.id }, 'signed in');
      res.redirect(303, '/werkblad');
    },

    async signOut(req: Request, res: Response) {
      const user = req.user;
      if (user) await audit.record(user.id, 'sign_out', requestOrigin(req));
      await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
      res.clearCookie(sessionCookieName(deps.isProduction), { path: '/' });
      res.redirect(303, '/inloggen?sessie=uitgelogd');
    },
  };
}
