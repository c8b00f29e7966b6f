import { Router } from 'express';
import type { Database } from '../../infra/database';
import type { RedisClient } from '../../infra/redis';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/**
 * For load balancers and process managers. /healthz: the process answers. /readyz: the database
 * and (when configured) Redis answer. Neither says more than "ok" or "unavailable".
 */
export function healthRoutes(deps: { db: Database; redis?: RedisClient }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  router.get('/readyz', async (req, res) => {
    try {
      await withTimeout(deps.db.raw('select 1'));
      if (deps.redis) await withTimeout(deps.redis.ping());
      res.type('text/plain').send('ok');
    } catch (err) {
      req.log.warn({ err: { message: (err as Error).message } }, 'readiness check failed');
      res.status(503).type('text/plain').send('unavailable');
    }
  });
  return router;
}
