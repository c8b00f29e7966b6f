import { paths } from '../../paths';

/** A page that only informs: where it is, and the locale keys of its title (also its link's text) and its text. */
export interface InfoPage {
  path: string;
  title: string;
  body: string;
}

const { info } = paths;

/** The pages of the side navigation and the user menu: for signed-in patients. */
export const MENU_PAGES: readonly InfoPage[] = [
  { path: info.library, title: 'infoPages.library.title', body: 'infoPages.library.body' },
  { path: info.videoCalls, title: 'infoPages.videoCalls.title', body: 'infoPages.videoCalls.body' },
  { path: info.contacts, title: 'infoPages.contacts.title', body: 'infoPages.contacts.body' },
  { path: info.aboutHealthspace, title: 'infoPages.aboutHealthspace.title', body: 'infoPages.aboutHealthspace.body' },
  { path: info.myHealthspaces, title: 'infoPages.myHealthspaces.title', body: 'infoPages.myHealthspaces.body' },
  { path: info.myRecord, title: 'infoPages.myRecord.title', body: 'infoPages.myRecord.body' },
];

/**
 * The footer's pages, in the footer's order: anyone may read them, also halfway through signing
 * in and before a required setup (the helpdesk's number).
 */
export const FOOTER_PAGES: readonly InfoPage[] = [
  { path: info.helpdesk, title: 'infoPages.helpdesk.title', body: 'infoPages.helpdesk.body' },
  { path: info.aboutKarify, title: 'infoPages.aboutKarify.title', body: 'infoPages.aboutKarify.body' },
  { path: info.privacy, title: 'infoPages.privacy.title', body: 'infoPages.privacy.body' },
  { path: info.terms, title: 'infoPages.terms.title', body: 'infoPages.terms.body' },
];
