import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { DeskRecoveryCodesController } from './controller';

const { recoveryCodes } = paths.desk;

export function deskRecoveryCodesRoutes(controller: DeskRecoveryCodesController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  router.get(recoveryCodes.page, auth.signedIn, controller.show);
  router.post(recoveryCodes.page, auth.signedIn, oneSubmission(() => recoveryCodes.codes), controller.renew);
  router.get(recoveryCodes.codes, auth.signedIn, controller.showCodes);
  router.post(recoveryCodes.codes, auth.signedIn, controller.codesSaved);
  router.get(recoveryCodes.print, auth.signedIn, controller.printCodes);
  router.get(recoveryCodes.download, auth.signedIn, controller.downloadCodes);
  return router;
}
