import { Router, type RequestHandler } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { SetupController } from './controller';
import { allowTransition, currentState, showStep, STEP_PATHS } from './wizard';

const { setup } = paths.twoStep;

/** Someone with two-step already on only sees the last page of the wizard they just finished. */
const onlyWhileOff: RequestHandler = (req, res, next) => {
  if (req.user!.twoFactorMethod && currentState(req).step !== 'done') return res.redirect(paths.twoStep.status);
  next();
};

/**
 * Turning two-step on starts with a fresh confirmation of the password, as every later change
 * does: a session that was left open or stolen cannot enrol a phone or an app of its own. The
 * last page, shown once two-step is on, needs none.
 */
export function setupRoutes(controller: SetupController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  // A code, or "Ik heb de codes bewaard", sent twice (a double click): the second goes to the wizard's current step.
  const once = oneSubmission(() => setup.start);
  const fresh = auth.fresh(setup.start);
  router.use(setup.start, auth.signedIn, onlyWhileOff, (req, res, next) => (req.originalUrl.split('?')[0] === setup.done ? next() : fresh(req, res, next)));
  router.get(setup.start, (req, res) => res.redirect(STEP_PATHS[currentState(req).step]));

  router.get(setup.method, showStep('method'), controller.showMethod);
  router.post(setup.method, allowTransition('chooseMethod'), controller.chooseMethod);
  router.get(setup.phone, showStep('phone'), controller.showPhone);
  router.post(setup.phone, allowTransition('sendCode'), controller.submitPhone);
  router.get(setup.pair, showStep('pair'), controller.showPair);
  router.post(setup.pair, allowTransition('confirmPairing'), controller.confirmPairing);
  router.get(setup.verify, showStep('verify'), controller.showVerify);
  router.post(setup.verify, allowTransition('verifyCode'), once, controller.submitVerify);
  router.post(setup.resend, allowTransition('resendCode'), controller.resendCode);
  router.get(setup.recovery, showStep('recovery'), controller.showRecovery);
  router.get(setup.recoveryPrint, showStep('recovery'), controller.printRecovery);
  router.get(setup.recoveryDownload, showStep('recovery'), controller.downloadRecovery);
  router.post(setup.recovery, allowTransition('confirmRecoveryCodes'), once, controller.confirmRecovery);
  router.get(setup.done, showStep('done'), controller.showDone);
  return router;
}
