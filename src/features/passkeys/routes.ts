import { Router, type RequestHandler } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { PasskeysController } from './controller';

const { passkeys } = paths.twoStep;

export function passkeysRoutes(controller: PasskeysController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  /** A fresh confirmation first, which leads back to this page (a form is shown again, not resubmitted). */
  const fresh: RequestHandler = (req, res, next) => auth.fresh(req.path)(req, res, next);
  // A rename or removal sent twice at once (a double click) is done once; the second is sent on.
  const onceThenStatus = oneSubmission(() => paths.twoStep.status);

  router.post(passkeys.addOptions, auth.fresh(passkeys.add), controller.addOptions);

  router.get(passkeys.add, fresh, controller.showAdd);
  // The new passkey sent twice at once (a double click): added once; the second is sent where the first led.
  router.post(passkeys.add, fresh, onceThenStatus, controller.submitAdd);
  // The recovery codes a first passkey came with, shown again only while the confirmation is fresh.
  router.get(passkeys.codes, fresh, controller.showCodes);
  router.get(passkeys.codesPrint, auth.fresh(passkeys.codes), controller.printCodes);
  router.get(passkeys.codesDownload, auth.fresh(passkeys.codes), controller.downloadCodes);
  router.post(passkeys.codes, auth.signedIn, controller.codesSaved);
  router.get(passkeys.rename(':id'), fresh, controller.showRename);
  router.post(passkeys.rename(':id'), fresh, onceThenStatus, controller.submitRename);
  router.get(passkeys.remove(':id'), fresh, controller.showRemove);
  router.post(passkeys.remove(':id'), fresh, onceThenStatus, controller.submitRemove);

  router.get(paths.help.passkeys, controller.showAbout); // public: it can be read before signing in
  return router;
}
