import { Router } from 'express';
import type { ExpiredFormPages } from '../../http/csrf';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { HelpQuestionController } from './controller';

export function helpQuestionRoutes(controller: HelpQuestionController, oneSubmission: OneSubmission, expiredForms: ExpiredFormPages): Router {
  const router = Router();
  expiredForms.set(paths.help.question, { show: controller.formExpired, whileSignedIn: true });
  router.get(paths.help.question, controller.show);
  router.post(paths.help.question, oneSubmission(() => paths.help.question), controller.submit);
  return router;
}
