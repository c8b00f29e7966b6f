import { Router } from 'express';
import { paths } from '../../paths';
import type { LanguageController } from './controller';

/** GET /taal/en?terug=/inloggen */
export function languageRoutes(controller: LanguageController): Router {
  const router = Router();
  router.get(paths.language(':language'), controller.choose);
  return router;
}
