import { Router } from 'express';
import type { MessageStore } from '../../domain/messages';
import { requireSignedIn } from '../../http/authentication';
import { createInboxController } from './controller';

export const INBOX_PATH = '/berichten';

/** "Berichten": the messages Karify sent the patient, newest first. */
export function inboxRoutes(deps: { messages: MessageStore }): Router {
  const router = Router();
  const controller = createInboxController(deps);
  router.get(INBOX_PATH, requireSignedIn, controller.show);
  return router;
}
