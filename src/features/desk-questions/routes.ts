import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskQuestionsController } from './controller';

export function deskQuestionsRoutes(controller: DeskQuestionsController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  const { questions, question } = paths.desk;
  router.get(questions, auth.signedIn, controller.list);
  router.get(question(':id'), auth.signedIn, controller.show);
  router.post(question(':id'), auth.signedIn, controller.markHandled);
  return router;
}
