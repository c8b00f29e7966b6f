import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { TwoFactorOffError, type TwoFactorMethod } from '../../domain/two-factor';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { noticeWaitsFor } from '../../http/page-notice';
import { paths } from '../../paths';
import { redirectToTwoStepStatus } from '../two-factor-status/controller';
import type { ManageController } from './controller';
import type { PhoneFlowHandlers } from './phone-flow';

const { twoStep } = paths;

/**
 * Two-step was turned off, or its method changed, between the page and the change (another
 * window, the desk): nothing changed, and the overview says so and shows how it is now.
 */
const changedMeanwhile: ErrorRequestHandler = (err, req, res, next) => {
  if (!(err instanceof TwoFactorOffError)) return next(err);
  delete req.session.pendingPhone;
  delete req.session.totpSwitch;
  redirectToTwoStepStatus(req, res, 'changedMeanwhile');
};

/**
 * A page of a change that does not fit how two-step is now: to the overview. A form sent to it
 * was made for how it was (another window or the desk changed it since), so the overview says
 * nothing changed; unless it is a double click's second request, which finds the first one's
 * change with its notice still waiting to be shown.
 */
const notNow: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && !noticeWaitsFor(req, twoStep.status)) return changedMeanwhile(new TwoFactorOffError(), req, res, next);
  res.redirect(twoStep.status);
};

const onlyWhileOn: RequestHandler = (req, res, next) => (req.user!.twoFactorMethod ? next() : notNow(req, res, next));

/**
 * Pages for the users of some methods only: changing the number is for SMS; switching to the app
 * for SMS and passkeys, to SMS for the app and passkeys (a patient with passkeys only adds one).
 */
const onlyWith = (methods: readonly TwoFactorMethod[]): RequestHandler => (req, res, next) =>
  methods.includes(req.user!.twoFactorMethod!) ? next() : notNow(req, res, next);

export function manageRoutes(controller: ManageController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  // A form sent twice (a double click): the second goes to the overview, which shows the change,
  // or for new recovery codes to the page that shows the first one's codes.
  const once = oneSubmission(() => twoStep.status);
  const onceThenCodes = oneSubmission(() => twoStep.codes);
  const guard = [auth.signedIn, onlyWhileOn];
  /** Needs a fresh confirmation (and, if given, the user's current method to be one of `methods`). */
  const fresh = (returnTo?: string, methods?: readonly TwoFactorMethod[]) => [...guard, ...(methods ? [onlyWith(methods)] : []), auth.fresh(returnTo)];

  /** The five routes of a "new number, then its code" flow, for users of `methods`. */
  const phoneFlowRoutes = (flow: PhoneFlowHandlers, methods: readonly TwoFactorMethod[]) => {
    const { form, verify, resend } = flow.paths;
    router.get(form, fresh(undefined, methods), flow.showForm);
    router.post(form, fresh(form, methods), flow.submitForm);
    router.get(verify, fresh(form, methods), flow.showVerify);
    router.post(verify, fresh(form, methods), once, flow.submitVerify);
    router.post(resend, fresh(form, methods), flow.resend);
  };
  phoneFlowRoutes(controller.phoneChange, ['sms']);
  phoneFlowRoutes(controller.smsSwitch, ['totp', 'passkey']);

  const app = controller.appSwitch;
  const toApp = ['sms', 'passkey'] as const;
  router.get(twoStep.switchApp, fresh(undefined, toApp), app.showStart);
  router.post(twoStep.switchApp, fresh(twoStep.switchApp, toApp), app.start);
  router.get(twoStep.switchAppPair, fresh(twoStep.switchApp, toApp), app.showPair);
  router.post(twoStep.switchAppPair, fresh(twoStep.switchApp, toApp), once, app.submitPair);

  router.get(twoStep.newCodes, fresh(), controller.showNewCodes);
  router.post(twoStep.newCodes, fresh(twoStep.newCodes), onceThenCodes, controller.makeNewCodes);
  // The new codes can be shown again only while the confirmation that made them is fresh.
  router.get(twoStep.codes, fresh(twoStep.codes), controller.showCodes);
  router.get(twoStep.codesPrint, fresh(twoStep.codes), controller.printCodes);
  router.get(twoStep.codesDownload, fresh(twoStep.codes), controller.downloadCodes);
  router.post(twoStep.codes, guard, controller.codesSaved);

  router.get(twoStep.turnOff, fresh(), controller.showTurnOff);
  router.post(twoStep.turnOff, fresh(twoStep.turnOff), once, controller.turnOff);
  router.use(changedMeanwhile);
  return router;
}
