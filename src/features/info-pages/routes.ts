import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { InfoPagesController, PageTexts } from './controller';

const { info } = paths;

// The pages of the side navigation and user menu, for signed-in patients.
const SIGNED_IN_PAGES: Array<[string, PageTexts]> = [
  [info.library, { title: 'pages.library.title', body: 'pages.library.body' }],
  [info.videoCalls, { title: 'pages.videoCalls.title', body: 'pages.videoCalls.body' }],
  [info.contacts, { title: 'pages.contacts.title', body: 'pages.contacts.body' }],
  [info.aboutHealthspace, { title: 'pages.aboutHealthspace.title', body: 'pages.aboutHealthspace.body' }],
  [info.myHealthspaces, { title: 'pages.myHealthspaces.title', body: 'pages.myHealthspaces.body' }],
  [info.myRecord, { title: 'pages.myRecord.title', body: 'pages.myRecord.body' }],
];

// The footer's pages, which can be read before signing in.
const PUBLIC_PAGES: Array<[string, PageTexts]> = [
  [info.helpdesk, { title: 'pages.helpdesk.title', body: 'pages.helpdesk.body' }],
  [info.aboutKarify, { title: 'pages.aboutKarify.title', body: 'pages.aboutKarify.body' }],
  [info.privacy, { title: 'pages.privacy.title', body: 'pages.privacy.body' }],
  [info.terms, { title: 'pages.terms.title', body: 'pages.terms.body' }],
];

export function infoPageRoutes(controller: InfoPagesController, auth: AuthLevels): Router {
  const router = Router();
  for (const [path, texts] of SIGNED_IN_PAGES) router.get(path, auth.signedIn, controller.show(texts));
  for (const [path, texts] of PUBLIC_PAGES) router.get(path, controller.show(texts));
  return router;
}
