import { Router } from 'express';
import { paths } from '../../paths';
import type { LanguageController } from './controller';

/** GET /taal/en?terug=/inloggen */
export function languageRoutes(controller: LanguageController): Router {
  const router = Router();
  router.get(paths.language(':language'), controller.choose);
  return router;
}

/** After the session: every page of a signed-in patient, or of one past their password, keeps their choice on their account. */
export function languageMemoryRoutes(controller: LanguageController): Router {
  const router = Router();
  router.use(controller.remember);
  return router;
}
