import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../domain/clock';
import { requireSignedIn } from '../../http/authentication';
import { requireFreshConfirmation } from '../../http/fresh-confirmation';
import { createManageController, MANAGE_PATHS } from './controller';

const onlyWhileOn: RequestHandler = (req, res, next) => {
  if (!req.user!.twoFactorMethod) return res.redirect(303, '/account/twee-stappen');
  next();
};

export function manageRoutes(controller: ReturnType<typeof createManageController>, clock: Clock, freshMinutes: number): Router {
  const router = Router();
  const guard = [requireSignedIn, onlyWhileOn];
  const fresh = (returnTo?: string) => [...guard, requireFreshConfirmation(clock, freshMinutes, returnTo)];

  router.get(MANAGE_PATHS.phone, fresh(), controller.showPhone);
  router.post(MANAGE_PATHS.phone, fresh(MANAGE_PATHS.phone), controller.submitPhone);
  router.get(MANAGE_PATHS.phoneVerify, fresh(MANAGE_PATHS.phone), controller.showPhoneVerify);
  router.post(MANAGE_PATHS.phoneVerify, fresh(MANAGE_PATHS.phone), controller.submitPhoneVerify);
  router.post(`${MANAGE_PATHS.phoneVerify}/nieuwe-code`, fresh(MANAGE_PATHS.phone), controller.resendPhoneCode);

  router.get(MANAGE_PATHS.newCodes, fresh(), controller.showNewCodes);
  router.post(MANAGE_PATHS.newCodes, fresh(MANAGE_PATHS.newCodes), controller.makeNewCodes);
  // The new codes themselves were made under a fresh confirmation; showing them needs only the session.
  router.get(MANAGE_PATHS.codes, guard, controller.showCodes);
  router.get(`${MANAGE_PATHS.codes}/afdrukken`, guard, controller.printCodes);
  router.get(`${MANAGE_PATHS.codes}/download`, guard, controller.downloadCodes);
  router.post(MANAGE_PATHS.codes, guard, controller.codesSaved);

  router.get(MANAGE_PATHS.turnOff, fresh(), controller.showTurnOff);
  router.post(MANAGE_PATHS.turnOff, fresh(MANAGE_PATHS.turnOff), controller.turnOff);
  return router;
}
