import { Router, type RequestHandler } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskEnrolmentController } from './controller';

const { firstTime } = paths.desk;

/** Only while there is something to set up: someone with two-step on has done all of it. */
const onlyWhileOff: RequestHandler = (req, res, next) => (req.staff!.twoFactorMethod ? res.redirect(303, paths.desk.patients) : next());

export function deskEnrolmentRoutes(controller: DeskEnrolmentController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  router.use(firstTime.root, auth.signedIn, onlyWhileOff);
  router.get(firstTime.password, controller.showPassword);
  router.post(firstTime.password, controller.submitPassword);
  router.get(firstTime.pair, controller.showPair);
  router.post(firstTime.pair, controller.submitPair);
  router.get(firstTime.recovery, controller.showRecovery);
  router.post(firstTime.recovery, controller.confirmRecovery);
  router.get(firstTime.recoveryPrint, controller.printRecovery);
  router.get(firstTime.recoveryDownload, controller.downloadRecovery);
  return router;
}
