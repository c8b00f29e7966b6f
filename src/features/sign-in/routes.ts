import { Router } from 'express';
import { createSignInController } from './controller';

export function signInRoutes(controller: ReturnType<typeof createSignInController>): Router {
  const router = Router();
  router.get('/inloggen', controller.show);
  router.post('/inloggen', controller.submit);
  router.post('/uitloggen', controller.signOut);
  return router;
}
