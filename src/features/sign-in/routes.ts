import { Router } from 'express';
import { paths } from '../../paths';
import type { SignInController } from './controller';

export function signInRoutes(controller: SignInController): Router {
  const router = Router();
  router.get(paths.signIn, controller.show);
  router.post(paths.signIn, controller.submit);
  router.post(paths.signInPasskey, controller.submitPasskey);
  router.post(paths.signOut, controller.signOut);
  return router;
}
