import type { RequestHandler, Response } from 'express';

/** The session as express-session compares it to see a change: all but its cookie. */
function contentOf(session: object): string {
  return JSON.stringify(session, function (this: unknown, key, value: unknown) {
    return this === session && key === 'cookie' ? undefined : value;
  });
}

/**
 * express-session saves a changed session when the response ends, but sends the status and the
 * headers before the store has it. A browser that follows a redirect as soon as it sees one
 * (NetSurf does) can ask for the next page while the store still holds the old session: the page
 * then lacks the notice the form left, or a new session is not there yet and the patient is sent
 * to sign in again. So a redirect waits until a changed session is saved, as express-session's
 * README advises; a store that fails makes the error page instead of a redirect to a lost change.
 * (After a new session id, express-session writes it once more at the end: the same content.)
 */
export const redirectAfterSave: RequestHandler = (req, res, next) => {
  const loadedId = req.sessionID;
  const loaded = contentOf(req.session);
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = function redirectOnceSaved(...args: unknown[]) {
    const session = req.session as typeof req.session | undefined;
    if (!session || (req.sessionID === loadedId && contentOf(session) === loaded)) return redirect(...args);
    session.save((error) => (error ? next(error) : redirect(...args)));
  } as Response['redirect'];
  next();
};
