import { Router, type RequestHandler } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import { afterOwnPassword, type DeskEnrolmentController } from './controller';

const { firstTime } = paths.desk;

/** The app's pages only while it is not set up: someone with two-step on has done all of it. */
const onlyWhileOff: RequestHandler = (req, res, next) => (req.staff!.twoFactorMethod ? res.redirect(paths.desk.patients) : next());

export function deskEnrolmentRoutes(controller: DeskEnrolmentController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  // The own password, the app's code, or "Ik heb de codes bewaard", sent twice (a double click): the second goes where the first leads.
  const onceThenAfterPassword = oneSubmission((req) => afterOwnPassword(req.staff!));
  const onceThenCodes = oneSubmission(() => firstTime.recovery);
  const onceThenDone = oneSubmission(() => paths.desk.patients);
  router.use(firstTime.root, auth.signedIn);
  // A one-time password given for a forgotten one is changed with the app already set up.
  router.get(firstTime.password, controller.showPassword);
  router.post(firstTime.password, onceThenAfterPassword, controller.submitPassword);
  router.get(firstTime.pair, onlyWhileOff, controller.showPair);
  router.post(firstTime.pair, onlyWhileOff, onceThenCodes, controller.submitPair);
  router.get(firstTime.recovery, onlyWhileOff, controller.showRecovery);
  router.post(firstTime.recovery, onlyWhileOff, onceThenDone, controller.confirmRecovery);
  router.get(firstTime.recoveryPrint, onlyWhileOff, controller.printRecovery);
  router.get(firstTime.recoveryDownload, onlyWhileOff, controller.downloadRecovery);
  return router;
}
