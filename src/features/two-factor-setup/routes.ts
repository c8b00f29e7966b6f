import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../domain/clock';
import { requireSignedIn } from '../../http/authentication';
import { requireFreshConfirmation } from '../../http/fresh-confirmation';
import { createSetupController } from './controller';
import { allowTransition, currentState, SETUP_BASE, showStep, STEP_PATHS } from './wizard';

/** Someone with two-step already on only sees the last page of the wizard they just finished. */
const onlyWhileOff: RequestHandler = (req, res, next) => {
  if (req.user!.twoFactorMethod && currentState(req).step !== 'done') return res.redirect(303, '/account/twee-stappen');
  next();
};

/**
 * Turning two-step on starts with a fresh confirmation of the password, as every later change
 * does: a session that was left open or stolen cannot enrol a phone or an app of its own. The
 * last page, shown once two-step is on, needs none.
 */
export function setupRoutes(controller: ReturnType<typeof createSetupController>, deps: { clock: Clock; freshMinutes: number }): Router {
  const router = Router();
  const fresh = requireFreshConfirmation(deps.clock, deps.freshMinutes, SETUP_BASE);
  router.use(SETUP_BASE, requireSignedIn, onlyWhileOff, (req, res, next) => (req.path === '/klaar' ? next() : fresh(req, res, next)));
  router.get(SETUP_BASE, (req, res) => res.redirect(303, STEP_PATHS[currentState(req).step]));

  router.get(STEP_PATHS.method, showStep('method'), controller.showMethod);
  router.post(STEP_PATHS.method, allowTransition('chooseMethod'), controller.chooseMethod);
  router.get(STEP_PATHS.phone, showStep('phone'), controller.showPhone);
  router.post(STEP_PATHS.phone, allowTransition('sendCode'), controller.submitPhone);
  router.get(STEP_PATHS.pair, showStep('pair'), controller.showPair);
  router.post(STEP_PATHS.pair, allowTransition('confirmPairing'), controller.confirmPairing);
  router.get(STEP_PATHS.verify, showStep('verify'), controller.showVerify);
  router.post(STEP_PATHS.verify, allowTransition('verifyCode'), controller.submitVerify);
  router.post(`${STEP_PATHS.verify}/nieuwe-code`, allowTransition('resendCode'), controller.resendCode);
  router.get(STEP_PATHS.recovery, showStep('recovery'), controller.showRecovery);
  router.get(`${STEP_PATHS.recovery}/afdrukken`, showStep('recovery'), controller.printRecovery);
  router.get(`${STEP_PATHS.recovery}/download`, showStep('recovery'), controller.downloadRecovery);
  router.post(STEP_PATHS.recovery, allowTransition('confirmRecoveryCodes'), controller.confirmRecovery);
  router.get(STEP_PATHS.done, showStep('done'), controller.showDone);
  return router;
}
