import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { RequestOrigin } from '../domain/audit';
import type { PasswordAccount, SignInResult } from '../domain/sign-in';
import type { StaffMember } from '../domain/staff';
import type { User as DomainUser } from '../domain/users';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends DomainUser {}
    interface Request {
      /** The signed-in staff member on the desk's pages (its own passport: see components/desk-access). */
      staff?: StaffMember;
    }
  }
}

interface SerializedUser {
  id: number;
  generation: number;
}

/** What passport needs of an account: patients (User) and staff (StaffMember) alike. */
export interface SessionAccount extends PasswordAccount {
  sessionGeneration: number;
}

export interface PassportDeps<A extends SessionAccount> {
  signIn: { checkPassword(email: string, password: string, origin: RequestOrigin): Promise<SignInResult<A>> };
  users: { findById(id: number): Promise<A | undefined> };
}

export function requestOrigin(req: Request) {
  return { ip: req.ip, userAgent: req.get('user-agent') };
}

/**
 * A Passport instance of its own per app, so several apps (tests, instances) never share state;
 * and one per kind of account (patients, the desk's staff), so neither is ever taken for the other.
 * Passport types the account as Express.User (the patient); a staff member passes through it
 * unchanged and is read back as `req.staff`.
 */
export function createPassport<A extends SessionAccount>(deps: PassportDeps<A>) {
  const passport = new Passport();

  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        deps.signIn
          .checkPassword(email, password, requestOrigin(req))
          .then((result) => (result.status === 'ok' ? done(null, result.user as unknown as Express.User) : done(null, false, { message: result.status, result } as { message: string })))
          .catch(done);
      },
    ),
  );

  passport.serializeUser<SerializedUser>((user, done) => done(null, { id: user.id, generation: (user as unknown as A).sessionGeneration }));

  // A disabled account, or one whose sessions were ended (generation bumped), is signed out here.
  passport.deserializeUser<SerializedUser>((serialized, done) => {
    deps.users
      .findById(serialized.id)
      .then((user) => done(null, user && !user.disabled && user.sessionGeneration === serialized.generation ? (user as unknown as Express.User) : false))
      .catch(done);
  });

  return passport;
}

export type AppPassport = ReturnType<typeof createPassport>;

/** Runs the local strategy without touching the session; the caller decides what happens next. */
export function authenticatePassword<A extends SessionAccount = DomainUser>(passport: AppPassport, req: Request, res: Response): Promise<SignInResult<A>> {
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate('local', { session: false }, (err: unknown, user: A | false, info?: { result?: SignInResult<A> }) => {
      if (err) return reject(err);
      resolve(user ? { status: 'ok', user } : (info?.result ?? { status: 'invalid' }));
    });
    handler(req, res, reject);
  });
}
