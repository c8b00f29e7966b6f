import { Router } from 'express';
import { paths } from '../../paths';
import type { HelpQuestionController } from './controller';

export function helpQuestionRoutes(controller: HelpQuestionController): Router {
  const router = Router();
  router.get(paths.help.question, controller.show);
  router.post(paths.help.question, controller.submit);
  return router;
}
