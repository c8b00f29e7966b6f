import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';

// Account pages that only show information; the ones with forms live in their own features.
const SIMPLE_ACCOUNT_PAGES: Record<string, { title: string; body: string }> = {
  telefoonnummer: { title: 'pages.phone.title', body: 'pages.phone.body' },
  notificaties: { title: 'pages.notifications.title', body: 'pages.notifications.body' },
  applicaties: { title: 'pages.applications.title', body: 'pages.applications.body' },
  afwezigheidsmeldingen: { title: 'pages.absence.title', body: 'pages.absence.body' },
};

export function accountRoutes(): Router {
  const router = Router();
  router.use('/account', requireSignedIn);
  router.get('/account', (_req, res) => res.render('account/index'));
  router.get('/account/profiel', (_req, res) => res.render('account/profile'));
  for (const [slug, texts] of Object.entries(SIMPLE_ACCOUNT_PAGES)) {
    router.get(`/account/${slug}`, (_req, res) => res.render('account/page', { texts }));
  }
  return router;
}
