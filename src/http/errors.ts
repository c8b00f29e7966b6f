import type { ErrorRequestHandler, RequestHandler } from 'express';
import { typedTextOfOwnForm } from './csrf';
import { errorPageReturn } from './return-page';

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('errors/message', { page: 'notFound' });
};

/** The methods a page or form of this site uses; the CSRF check would call any other an expired session. */
const PAGE_METHODS = new Set(['GET', 'HEAD', 'POST']);

export const otherMethodsRefused: RequestHandler = (req, res, next) => {
  if (PAGE_METHODS.has(req.method)) return next();
  req.log?.warn({ method: req.method }, 'rejected request method');
  res.status(405).set('Allow', 'GET, HEAD, POST').render('errors/message', { page: 'badRequest' });
};

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'SQLITE_BUSY', '57P01', '57P03']);

/** A dependency (database, Redis) that did not answer: the patient should try again later. */
function isUnavailableError(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError' || e.name === 'ClientClosedError' || e.name === 'ClientOfflineError' || e.name === 'SocketClosedUnexpectedlyError') return true;
  return /Unable to acquire a connection|The client is (closed|offline)|Connection terminated|connect ECONNREFUSED|Socket closed/.test(e.message ?? '');
}

/** body-parser's errors carry their own status (413 too large, 400 malformed, 415 charset). */
function clientErrorPage(status: number): string {
  return status === 413 ? 'tooLarge' : 'badRequest';
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const status = (err as { status?: number; expose?: boolean }).status;
  if (status && status >= 400 && status < 500) {
    req.log?.warn({ status, type: (err as { type?: string }).type }, 'rejected request');
    if (res.headersSent) return;
    const page = clientErrorPage(status);
    const back = errorPageReturn(req, res);
    res.status(status).render('errors/message', { page, retryHref: page === 'tooLarge' ? back : undefined });
    return;
  }
  // The answer went already (the request timed out, see request-timeout.ts): nothing more to say.
  if (res.headersSent && (err as { code?: string }).code === 'ERR_HTTP_HEADERS_SENT') return;
  const unavailable = isUnavailableError(err);
  req.log?.error({ err }, unavailable ? 'dependency unavailable' : 'unhandled error');
  if (res.headersSent) return;
  res.status(unavailable ? 503 : 500);
  if (unavailable) res.set('Retry-After', '30');
  // A question, reason or note sent while the database was away is shown to copy, not lost.
  const typed = unavailable && req.method === 'POST' ? typedTextOfOwnForm(req) : [];
  if (typed.length > 0) return res.render('errors/typed-text-kept', { fields: typed, backPath: errorPageReturn(req, res), page: 'unavailable' });
  res.render('errors/message', { page: unavailable ? 'unavailable' : 'server', retryHref: errorPageReturn(req, res) });
};
