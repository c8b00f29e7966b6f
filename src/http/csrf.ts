import cookieParser from 'cookie-parser';
import csurf from 'csurf';
import type { ErrorRequestHandler, RequestHandler } from 'express';

// csurf is archived upstream; it stays behind this one module so it can be swapped in one place.
// Its secret lives in its own cookie (not in the session), so a form rendered before the
// session id is regenerated (at sign-in) still carries a valid token, and anonymous visitors
// cost no session write.
export function csrfProtection(isProduction: boolean): RequestHandler[] {
  return [
    cookieParser(),
    csurf({
      cookie: {
        key: isProduction ? '__Host-karify.csrf' : 'karify.csrf',
        httpOnly: true,
        sameSite: 'lax',
        secure: isProduction,
        path: '/',
      },
    }),
    (req, res, next) => {
      res.locals.csrfToken = req.csrfToken();
      next();
    },
  ];
}

export const csrfErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if ((err as { code?: string }).code !== 'EBADCSRFTOKEN') return next(err);
  req.log?.warn({ path: req.path }, 'rejected form with missing or invalid CSRF token');
  res.status(403).render('errors/message', { page: 'sessionExpired', retryHref: req.path });
};
