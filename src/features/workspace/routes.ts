import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';
import { createWorkspaceController } from './controller';

export function workspaceRoutes(controller: ReturnType<typeof createWorkspaceController>): Router {
  const router = Router();
  router.get('/', (req, res) => res.redirect(303, req.user ? '/werkblad' : '/inloggen'));
  router.get('/werkblad', requireSignedIn, controller.show);
  router.get('/werkblad/opdracht/:id', requireSignedIn, controller.showModule);
  return router;
}
