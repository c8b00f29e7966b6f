import type { Request, RequestHandler, Response } from 'express';
import type { Store } from 'express-session';
import type { Config } from '../../config';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { StaffMember, StaffRole } from '../../domain/staff';
import { createAuthLevels, type AuthLevels, type AuthRealm } from '../../http/auth-level';
import { createPassport, type AppPassport } from '../../http/authentication';
import { csrfProtection } from '../../http/csrf';
import { formBodies } from '../../http/forms';
import { forgetReportsOfOtherPages } from '../../http/page-notice';
import { deskSessionCookieName, deskSessionSecret, sessionMiddleware } from '../../http/session';
import { paths } from '../../paths';
import type { Services } from '../../services';

const { desk } = paths;

/** A path of the desk: only these reach the desk's session, passport and pages. */
export const isDeskPath = (path: string) => path === desk.home || path.startsWith(`${desk.home}/`);

/**
 * Where a staff member goes before anything else: their own password when an admin made the
 * account with a one-time one, then the app (staff always sign in with two steps). Passkeys
 * (desk-passkeys) are an extra way past the second step, added once the app works.
 */
function pendingSetup(staff: StaffMember) {
  // "Herstelcode gebruikt" first, when a recovery code just signed them in: it says how many are left.
  if (hasOneTimePassword(staff)) return { start: desk.firstTime.password, open: [desk.firstTime.password, desk.recoveryCodeUsed, desk.signOut] };
  if (!staff.twoFactorMethod) return { start: desk.firstTime.pair, open: [desk.firstTime.root, desk.signOut] };
  return null;
}

export interface DeskAccess {
  auth: AuthLevels<StaffMember>;
  passport: AppPassport;
  /** What every desk page runs first, in order. */
  stack: RequestHandler[];
}

/**
 * The desk's own sign-in machinery, apart from the patients': its own session (cookie
 * `karify.balie`, in production `__Host-karify.balie`, signed with its own key and read only under
 * /balie, so a patient's session is never loaded here nor a desk's on a patient page), its own
 * passport (the signed-in staff member is `req.staff`, never `req.user`), its own authentication
 * levels (15 minutes idle by default), and the same CSRF protection and form parsing as every page.
 */
export function createDeskAccess(deps: { config: Config; services: Services; sessionStore: Store }): DeskAccess {
  const { config, services } = deps;
  const passport = createPassport<StaffMember>({ signIn: services.staffSignIn, users: services.staff });
  const cookie = { name: deskSessionCookieName(config.isProduction), path: '/' };
  const realm: AuthRealm<StaffMember> = {
    sessionField: 'deskAuth',
    userProperty: 'staff',
    cookie,
    signIn: desk.home,
    secondStep: Object.values(desk.secondStep),
    secondStepStart: desk.secondStep.code,
    pendingSetup,
  };
  const auth = createAuthLevels<StaffMember>({
    clock: services.clock,
    isProduction: config.isProduction,
    idleMinutes: config.desk.idleTimeoutMinutes,
    absoluteHours: config.desk.absoluteTimeoutHours,
    halfMinutes: config.twoFactor.halfSessionMinutes,
    freshMinutes: config.twoFactor.freshConfirmationMinutes,
    openToHalf: [],
    realm,
  });
  const exposeStaff: RequestHandler = (req, res, next) => {
    res.locals.staff = req.staff ?? null;
    next();
  };
  return {
    auth,
    passport,
    stack: [
      sessionMiddleware(config, deps.sessionStore, { ...cookie, secret: deskSessionSecret(config.sessionSecret), absoluteHours: config.desk.absoluteTimeoutHours }),
      auth.expire,
      forgetReportsOfOtherPages,
      passport.initialize({ userProperty: 'staff' }),
      passport.session(),
      exposeStaff,
      auth.confine,
      formBodies(config.bodyLimitBytes),
      ...csrfProtection(),
    ],
  };
}

/** Route guard: only staff of this role; others get a Dutch 403 page saying so. */
export function requireRole(role: StaffRole): RequestHandler {
  return (req, res, next) => {
    if (req.staff?.role === role) return next();
    req.log.warn({ staffId: req.staff?.id, path: req.path }, 'desk page refused for this role');
    res.status(403).render('components/desk-access/forbidden');
  };
}

/** The desk's 404 page: its link leads back to the desk, not to the patients' sign-in. */
export const deskNotFound: RequestHandler = (_req, res) => {
  res.status(404).render('errors/message', { page: 'notFound', retryHref: desk.home });
};

/** The path's `:id` when it is one (digits, at most nine), else undefined. */
export const pathId = (req: Request): number | undefined => (/^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : undefined);

/** What the path's `:id` names (a patient, a question, a staff member), or the 404 page and undefined. */
export async function findByPathId<T>(req: Request, res: Response, find: (id: number) => Promise<T | undefined>): Promise<T | undefined> {
  const id = pathId(req);
  const found = id === undefined ? undefined : await find(id);
  if (found === undefined) deskNotFound(req, res, () => undefined);
  return found;
}
