import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { AccountController } from './controller';

const { account } = paths;

export function accountRoutes(controller: AccountController, auth: AuthLevels): Router {
  const router = Router();
  router.get(account.index, auth.signedIn, controller.showIndex);
  router.get(account.profile, auth.signedIn, controller.showProfile);
  // The pages of the menu that only inform; the ones with forms are journeys of their own.
  router.get(account.phone, auth.signedIn, controller.showPage({ title: 'account.pages.phone.title', body: 'account.pages.phone.body', link: { text: 'account.pages.phone.link', href: paths.twoStep.status } }));
  router.get(account.notifications, auth.signedIn, controller.showPage({ title: 'account.pages.notifications.title', body: 'account.pages.notifications.body' }));
  router.get(account.applications, auth.signedIn, controller.showPage({ title: 'account.pages.applications.title', body: 'account.pages.applications.body' }));
  router.get(account.absence, auth.signedIn, controller.showPage({ title: 'account.pages.absence.title', body: 'account.pages.absence.body' }));
  return router;
}
