import { Router } from 'express';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { HelpQuestionController } from './controller';

export function helpQuestionRoutes(controller: HelpQuestionController, oneSubmission: OneSubmission): Router {
  const router = Router();
  router.get(paths.help.question, controller.show);
  router.post(paths.help.question, oneSubmission(() => paths.help.question), controller.submit);
  return router;
}
