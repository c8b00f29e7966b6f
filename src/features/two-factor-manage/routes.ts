import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../domain/clock';
import type { TwoFactorMethod } from '../../domain/two-factor';
import { requireSignedIn } from '../../http/authentication';
import { requireFreshConfirmation } from '../../http/fresh-confirmation';
import { createManageController, MANAGE_BASE, MANAGE_PATHS } from './controller';
import type { PhoneFlowHandlers } from './phone-flow';

const onlyWhileOn: RequestHandler = (req, res, next) => {
  if (!req.user!.twoFactorMethod) return res.redirect(303, MANAGE_BASE);
  next();
};

/** Pages for the users of one method only: changing the number is for SMS, switching to the app too. */
const onlyWith = (method: TwoFactorMethod): RequestHandler => (req, res, next) => {
  if (req.user!.twoFactorMethod !== method) return res.redirect(303, MANAGE_BASE);
  next();
};

export function manageRoutes(controller: ReturnType<typeof createManageController>, clock: Clock, freshMinutes: number): Router {
  const router = Router();
  const guard = [requireSignedIn, onlyWhileOn];
  /** Needs a fresh confirmation (and, if given, the user's current method to be `method`). */
  const fresh = (returnTo?: string, method?: TwoFactorMethod) =>
    [...guard, ...(method ? [onlyWith(method)] : []), requireFreshConfirmation(clock, freshMinutes, returnTo)];

  /** The five routes of a "new number, then its code" flow, for users of `method`. */
  const phoneFlowRoutes = (flow: PhoneFlowHandlers, method: TwoFactorMethod) => {
    const { form, verify } = flow.paths;
    router.get(form, fresh(undefined, method), flow.showForm);
    router.post(form, fresh(form, method), flow.submitForm);
    router.get(verify, fresh(form, method), flow.showVerify);
    router.post(verify, fresh(form, method), flow.submitVerify);
    router.post(`${verify}/nieuwe-code`, fresh(form, method), flow.resend);
  };
  phoneFlowRoutes(controller.phoneChange, 'sms');
  phoneFlowRoutes(controller.smsSwitch, 'totp');

  const app = controller.appSwitch;
  router.get(MANAGE_PATHS.switchApp, fresh(undefined, 'sms'), app.showStart);
  router.post(MANAGE_PATHS.switchApp, fresh(MANAGE_PATHS.switchApp, 'sms'), app.start);
  router.get(MANAGE_PATHS.switchAppPair, fresh(MANAGE_PATHS.switchApp, 'sms'), app.showPair);
  router.post(MANAGE_PATHS.switchAppPair, fresh(MANAGE_PATHS.switchApp, 'sms'), app.submitPair);

  router.get(MANAGE_PATHS.newCodes, fresh(), controller.showNewCodes);
  router.post(MANAGE_PATHS.newCodes, fresh(MANAGE_PATHS.newCodes), controller.makeNewCodes);
  // The new codes can be shown again only while the confirmation that made them is fresh.
  router.get(MANAGE_PATHS.codes, fresh(MANAGE_PATHS.codes), controller.showCodes);
  router.get(`${MANAGE_PATHS.codes}/afdrukken`, fresh(MANAGE_PATHS.codes), controller.printCodes);
  router.get(`${MANAGE_PATHS.codes}/download`, fresh(MANAGE_PATHS.codes), controller.downloadCodes);
  router.post(MANAGE_PATHS.codes, guard, controller.codesSaved);

  router.get(MANAGE_PATHS.turnOff, fresh(), controller.showTurnOff);
  router.post(MANAGE_PATHS.turnOff, fresh(MANAGE_PATHS.turnOff), controller.turnOff);
  return router;
}
