import { Router, type RequestHandler } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { DeskEnrolmentController } from './controller';

const { firstTime } = paths.desk;

/** Only while there is something to set up: someone with two-step on has done all of it. */
const onlyWhileOff: RequestHandler = (req, res, next) => (req.staff!.twoFactorMethod ? res.redirect(303, paths.desk.patients) : next());

export function deskEnrolmentRoutes(controller: DeskEnrolmentController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  // The own password, the app's code, or "Ik heb de codes bewaard", sent twice (a double click): the second goes where the first leads.
  const onceThenPair = oneSubmission(() => firstTime.pair);
  const onceThenCodes = oneSubmission(() => firstTime.recovery);
  const onceThenDone = oneSubmission(() => paths.desk.patients);
  router.use(firstTime.root, auth.signedIn, onlyWhileOff);
  router.get(firstTime.password, controller.showPassword);
  router.post(firstTime.password, onceThenPair, controller.submitPassword);
  router.get(firstTime.pair, controller.showPair);
  router.post(firstTime.pair, onceThenCodes, controller.submitPair);
  router.get(firstTime.recovery, controller.showRecovery);
  router.post(firstTime.recovery, onceThenDone, controller.confirmRecovery);
  router.get(firstTime.recoveryPrint, controller.printRecovery);
  router.get(firstTime.recoveryDownload, controller.downloadRecovery);
  return router;
}
