import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';

// Pages of the shell that hold no forms yet. Public ones can be read before signing in.
const SIGNED_IN_PAGES: Record<string, string> = {
  bibliotheek: 'library',
  videogesprekken: 'videoCalls',
  contacten: 'contacts',
  'over-deze-healthspace': 'aboutHealthspace',
  'mijn-healthspaces': 'myHealthspaces',
  'mijn-dossier': 'myRecord',
};

const PUBLIC_PAGES: Record<string, string> = {
  helpdesk: 'helpdesk',
  'over-karify': 'aboutKarify',
  'privacy-en-veiligheid': 'privacy',
  'algemene-voorwaarden': 'terms',
};

export function infoPageRoutes(): Router {
  const router = Router();
  for (const [slug, page] of Object.entries(SIGNED_IN_PAGES)) {
    router.get(`/${slug}`, requireSignedIn, (_req, res) => res.render('info-pages/page', { page }));
  }
  for (const [slug, page] of Object.entries(PUBLIC_PAGES)) {
    router.get(`/${slug}`, (_req, res) => res.render('info-pages/page', { page }));
  }
  return router;
}
