import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Clock } from '../domain/clock';
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

/**
 * New session id (passport regenerates it and saves it), then the timestamps the timeouts are
 * measured from. express-session saves those before the response ends: a session under a new id
 * always is, so saving here too would only write the row a third time.
 */
export function establishSession(req: Request, user: User, clock: Clock): Promise<void> {
  return new Promise((resolve, reject) => {
    req.login(user, (err) => {
      if (err) return reject(err);
      const now = clock.now();
      req.session.signedInAt = now;
      req.session.lastSeenAt = now;
      resolve();
    });
  });
}

export const requireSignedIn: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.user) return next();
  res.redirect(303, '/inloggen');
};

/**
 * After a security change: every other session of the patient ends (their generation no longer
 * matches) and this one continues under a new id with the new generation.
 */
export async function endOtherSessions(req: Request, users: UserStore): Promise<void> {
  await users.bumpSessionGeneration(req.user!.id);
  const user = await users.findById(req.user!.id);
  await new Promise<void>((resolve, reject) => {
    req.login(user!, { session: true, keepSessionInfo: true }, (err) => (err ? reject(err) : resolve())); // passport saves it
  });
}
