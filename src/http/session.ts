import type { RequestHandler } from 'express';
import session, { Store } from 'express-session';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';

declare module 'express-session' {
  interface SessionData {
    signedInAt: number;
    lastSeenAt: number;
  }
}

export function sessionCookieName(isProduction: boolean): string {
  return isProduction ? '__Host-karify.sid' : 'karify.sid';
}

export function sessionMiddleware(config: Config, store: Store): RequestHandler {
  return session({
    name: sessionCookieName(config.isProduction),
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      path: '/',
      // The cookie and the stored session end together at the absolute timeout.
      maxAge: config.session.absoluteTimeoutHours * 3600_000,
    },
  });
}

export const SESSION_EXPIRED_PATH = '/inloggen?sessie=verlopen';

/**
 * Ends a signed-in session after the idle or absolute timeout. The last-seen time is refreshed
 * at most once a minute, so an active patient causes one session write a minute, not one a request.
 */
export function sessionTimeouts(config: Config, clock: Clock): RequestHandler {
  const idleMs = config.session.idleTimeoutMinutes * 60_000;
  const absoluteMs = config.session.absoluteTimeoutHours * 3600_000;
  const touchMs = config.session.touchIntervalSeconds * 1000;

  return (req, res, next) => {
    const s = req.session;
    if (!s?.signedInAt) return next();
    const now = clock.now();
    const lastSeenAt = s.lastSeenAt ?? s.signedInAt;
    if (now - lastSeenAt > idleMs || now - s.signedInAt > absoluteMs) {
      s.destroy((err) => {
        if (err) return next(err);
        res.clearCookie(sessionCookieName(config.isProduction), { path: '/' });
        res.redirect(303, SESSION_EXPIRED_PATH);
      });
      return;
    }
    if (now - lastSeenAt >= touchMs) s.lastSeenAt = now;
    next();
  };
}
