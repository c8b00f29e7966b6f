import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { SignInResult, SignInService } from '../domain/sign-in';
import type { User as DomainUser, UserStore } from '../domain/users';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends DomainUser {}
  }
}

type User = DomainUser;

interface SerializedUser {
  id: number;
  generation: number;
}

export function requestOrigin(req: Request) {
  return { ip: req.ip, userAgent: req.get('user-agent') };
}

/** A Passport instance of its own per app, so several apps (tests, instances) never share state. */
export function createPassport(deps: { signIn: SignInService; users: UserStore }) {
  const passport = new Passport();

  passport.use(
    new LocalStrategy(
      { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        deps.signIn
          .checkPassword(email, password, requestOrigin(req))
          .then((result) => (result.status === 'ok' ? done(null, result.user) : done(null, false, { message: result.status, result } as { message: string })))
          .catch(done);
      },
    ),
  );

  passport.serializeUser<SerializedUser>((user, done) => done(null, { id: user.id, generation: user.sessionGeneration }));

  // A disabled account, or one whose sessions were ended (generation bumped), is signed out here.
  passport.deserializeUser<SerializedUser>((serialized, done) => {
    deps.users
      .findById(serialized.id)
      .then((user) => done(null, user && !user.disabled && user.sessionGeneration === serialized.generation ? user : false))
      .catch(done);
  });

  return passport;
}

export type AppPassport = ReturnType<typeof createPassport>;

/** Runs the local strategy without touching the session; the caller decides what happens next. */
export function authenticatePassword(passport: AppPassport, req: Request, res: Response): Promise<SignInResult> {
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate('local', { session: false }, (err: unknown, user: User | false, info?: { result?: SignInResult }) => {
      if (err) return reject(err);
      resolve(user ? { status: 'ok', user } : (info?.result ?? { status: 'invalid' }));
    });
    handler(req, res, reject);
  });
}
