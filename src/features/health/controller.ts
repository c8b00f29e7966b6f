import type { Request, Response } from 'express';
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
 * For load balancers and process managers. Live: the process answers. Ready: the database and
 * (when configured) Redis answer. Neither says more than "ok" or "unavailable".
 */
export function createHealthController(deps: { db: Database; redis?: RedisClient }) {
  return {
    live: (_req: Request, res: Response) => res.type('text/plain').send('ok'),

    async ready(req: Request, res: Response) {
      try {
        await withTimeout(deps.db.raw('select 1'));
        if (deps.redis) await withTimeout(deps.redis.ping());
        res.type('text/plain').send('ok');
      } catch (err) {
        req.log.warn({ err: { message: (err as Error).message } }, 'readiness check failed');
        res.status(503).type('text/plain').send('unavailable');
      }
    },
  };
}

export type HealthController = ReturnType<typeof createHealthController>;
