import type { RequestHandler } from 'express';
import { errorPageReturn } from './return-page';

/**
 * A request still unanswered after `ms` gets the 503 page and a log line: something it waits for
 * hangs (a stopped Redis or database whose connections stay open answers nothing, and no error
 * comes). Whether its work still finishes when that answers is not known, so the page promises
 * nothing about it; what the request writes late is dropped (the answer has gone).
 */
export function requestTimeout(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log?.error({ method: req.method, path: req.path, timeoutMs: ms }, 'request timed out: a dependency did not answer');
      const render = res.render.bind(res);
      // The request's own page, rendered when what it waited for answers, has nowhere to go.
      res.render = () => undefined;
      res.status(503).set('Retry-After', '30');
      render('errors/message', { page: 'unavailable', retryHref: errorPageReturn(req, res) });
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
