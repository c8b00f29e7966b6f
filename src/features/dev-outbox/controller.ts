import type { Request, Response } from 'express';
import type { OutboxSender } from '../../domain/sms/outbox-sender';

/** Development only: the SMS messages the outbox kept instead of sending. */
export function createDevOutboxController(deps: { outbox: OutboxSender }) {
  return {
    async show(_req: Request, res: Response) {
      res.render('dev-outbox/index', { messages: await deps.outbox.list(50) });
    },
  };
}

export type DevOutboxController = ReturnType<typeof createDevOutboxController>;
