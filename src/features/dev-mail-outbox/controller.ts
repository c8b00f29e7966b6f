import type { Request, Response } from 'express';
import type { MailOutbox, MailStatus } from '../../domain/mail/mail-outbox';

const SHOWN = 20;

/** How each status reads on the page; full keys (test/i18n/keys.test.ts). */
const STATUS_KEYS: Record<MailStatus, string> = {
  pending: 'devMailOutbox.status.pending',
  sending: 'devMailOutbox.status.sending',
  sent: 'devMailOutbox.status.sent',
  failed: 'devMailOutbox.status.failed',
};

/** Development only: the e-mail the app wrote, newest first, as the outbox holds them. */
export function createDevMailOutboxController(deps: { mailOutbox: MailOutbox }) {
  return {
    async show(_req: Request, res: Response) {
      const mails = await deps.mailOutbox.list({ limit: SHOWN });
      res.render('dev-mail-outbox/index', { mails: mails.map((mail) => ({ ...mail, statusText: res.locals.t(STATUS_KEYS[mail.status]) })) });
    },
  };
}

export type DevMailOutboxController = ReturnType<typeof createDevMailOutboxController>;
