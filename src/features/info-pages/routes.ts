import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';

/** The locale keys of a page's title and text. */
interface PageTexts {
  title: string;
  body: string;
}

// Pages of the shell that hold no forms yet. Public ones can be read before signing in.
const SIGNED_IN_PAGES: Record<string, PageTexts> = {
  bibliotheek: { title: 'pages.library.title', body: 'pages.library.body' },
  videogesprekken: { title: 'pages.videoCalls.title', body: 'pages.videoCalls.body' },
  contacten: { title: 'pages.contacts.title', body: 'pages.contacts.body' },
  'over-deze-healthspace': { title: 'pages.aboutHealthspace.title', body: 'pages.aboutHealthspace.body' },
  'mijn-healthspaces': { title: 'pages.myHealthspaces.title', body: 'pages.myHealthspaces.body' },
  'mijn-dossier': { title: 'pages.myRecord.title', body: 'pages.myRecord.body' },
};

const PUBLIC_PAGES: Record<string, PageTexts> = {
  helpdesk: { title: 'pages.helpdesk.title', body: 'pages.helpdesk.body' },
  'over-karify': { title: 'pages.aboutKarify.title', body: 'pages.aboutKarify.body' },
  'privacy-en-veiligheid': { title: 'pages.privacy.title', body: 'pages.privacy.body' },
  'algemene-voorwaarden': { title: 'pages.terms.title', body: 'pages.terms.body' },
};

export function infoPageRoutes(): Router {
  const router = Router();
  for (const [slug, texts] of Object.entries(SIGNED_IN_PAGES)) {
    router.get(`/${slug}`, requireSignedIn, (_req, res) => res.render('info-pages/page', { texts }));
  }
  for (const [slug, texts] of Object.entries(PUBLIC_PAGES)) {
    router.get(`/${slug}`, (_req, res) => res.render('info-pages/page', { texts }));
  }
  return router;
}
