import { Router } from 'express';
import type { OutboxSender } from '../../domain/sms/outbox-sender';

/** Development only: the SMS messages the outbox kept instead of sending. Never mounted in production. */
export function devOutboxRoutes(outbox: OutboxSender): Router {
  const router = Router();
  router.get('/ontwikkeling/sms', async (_req, res) => {
    res.render('dev-outbox/index', { messages: await outbox.list(50) });
  });
  return router;
}
