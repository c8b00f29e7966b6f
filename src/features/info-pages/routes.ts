import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { InfoPagesController } from './controller';
import { FOOTER_PAGES, MENU_PAGES } from './pages';

export function infoPageRoutes(controller: InfoPagesController, auth: AuthLevels): Router {
  const router = Router();
  for (const page of MENU_PAGES) router.get(page.path, auth.signedIn, controller.show(page));
  for (const page of FOOTER_PAGES) router.get(page.path, controller.show(page));
  return router;
}
