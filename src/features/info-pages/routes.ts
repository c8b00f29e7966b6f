import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { InfoPagesController, PageTexts } from './controller';

const { info } = paths;

// The pages of the side navigation and user menu, for signed-in patients.
const SIGNED_IN_PAGES: Array<[string, PageTexts]> = [
  [info.library, { title: 'infoPages.library.title', body: 'infoPages.library.body' }],
  [info.videoCalls, { title: 'infoPages.videoCalls.title', body: 'infoPages.videoCalls.body' }],
  [info.contacts, { title: 'infoPages.contacts.title', body: 'infoPages.contacts.body' }],
  [info.aboutHealthspace, { title: 'infoPages.aboutHealthspace.title', body: 'infoPages.aboutHealthspace.body' }],
  [info.myHealthspaces, { title: 'infoPages.myHealthspaces.title', body: 'infoPages.myHealthspaces.body' }],
  [info.myRecord, { title: 'infoPages.myRecord.title', body: 'infoPages.myRecord.body' }],
];

// The footer's pages, which can be read before signing in.
const PUBLIC_PAGES: Array<[string, PageTexts]> = [
  [info.helpdesk, { title: 'infoPages.helpdesk.title', body: 'infoPages.helpdesk.body' }],
  [info.aboutKarify, { title: 'infoPages.aboutKarify.title', body: 'infoPages.aboutKarify.body' }],
  [info.privacy, { title: 'infoPages.privacy.title', body: 'infoPages.privacy.body' }],
  [info.terms, { title: 'infoPages.terms.title', body: 'infoPages.terms.body' }],
];

export function infoPageRoutes(controller: InfoPagesController, auth: AuthLevels): Router {
  const router = Router();
  for (const [path, texts] of SIGNED_IN_PAGES) router.get(path, auth.signedIn, controller.show(texts));
  for (const [path, texts] of PUBLIC_PAGES) router.get(path, controller.show(texts));
  return router;
}
