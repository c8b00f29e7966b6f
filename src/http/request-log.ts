import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { paths } from '../paths';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      log: Logger;
    }
  }
}

const UNLOGGED_PATHS: ReadonlySet<string> = new Set(Object.values(paths.health));

/**
 * One line per request (method, path without query, status, time), and `req.log` for the
 * handlers. Leaner than pino-http: no child logger and no serializers on every request.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.log = logger;
    if (UNLOGGED_PATHS.has(req.path)) return next();
    const started = performance.now();
    res.once('finish', () => {
      const url = req.originalUrl;
      const query = url.indexOf('?');
      logger.info({
        req: { method: req.method, url: query === -1 ? url : url.slice(0, query) },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      }, 'request completed');
    });
    next();
  };
}
