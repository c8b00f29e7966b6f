import { Router } from 'express';
import type { ExpiredFormPages } from '../../http/csrf';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { SignInController } from './controller';

export function signInRoutes(controller: SignInController, oneSubmission: OneSubmission, expiredForms: ExpiredFormPages): Router {
  const router = Router();
  expiredForms.set(paths.signIn, { show: controller.formExpired });
  router.get(paths.signIn, controller.show);
  // "Log in" pressed twice (a double click): one password check; the second goes where the first led.
  const once = oneSubmission(() => paths.workspace);
  router.post(paths.signIn, once, controller.submit);
  router.post(paths.signInPasskeyOptions, controller.passkeyOptions);
  router.post(paths.signInPasskey, once, controller.submitPasskey);
  router.post(paths.signOut, controller.signOut);
  return router;
}
