import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';

// Account pages that only show information; the ones with forms live in their own features.
const SIMPLE_ACCOUNT_PAGES: Record<string, string> = {
  telefoonnummer: 'phone',
  notificaties: 'notifications',
  applicaties: 'applications',
  afwezigheidsmeldingen: 'absence',
};

export function accountRoutes(): Router {
  const router = Router();
  router.use('/account', requireSignedIn);
  router.get('/account', (_req, res) => res.render('account/index'));
  router.get('/account/profiel', (_req, res) => res.render('account/profile'));
  for (const [slug, page] of Object.entries(SIMPLE_ACCOUNT_PAGES)) {
    router.get(`/account/${slug}`, (_req, res) => res.render('account/page', { page }));
  }
  return router;
}
