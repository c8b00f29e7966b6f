import path from 'node:path';
import ejs from 'ejs';
import type { Express } from 'express';

/**
 * Every name a template reads from its locals (the page's and those passed to an include).
 * EJS gives each of them to the template as a variable, instead of running the template inside
 * `with (locals)`, where every name (also `__append` and the template's own variables) is first
 * looked up on the locals object. test/http/template-locals.test.ts keeps this list complete.
 */
export const TEMPLATE_LOCALS = [
  'account', 'action', 'actions', 'activity', 'address', 'allActivityPath', 'allDeskActionsPath', 'allowed', 'assets', 'autocomplete', 'back', 'backToDesk',
  'backPath', 'brandSpace', 'caption', 'changed', 'codePaths', 'codeSent', 'codesFile', 'codesMadeAt', 'columns', 'countries',
  'csrfToken', 'currentPath', 'deskActions', 'deskAddress', 'done', 'empty', 'errors', 'failedMails', 'few', 'fields', 'filters', 'flow',
  'footerLink', 'footerPages', 'formatDate', 'formatMinutes', 'formatRetryTime', 'formatTime', 'full', 'hasPasskeys', 'heading', 'hint', 'history', 'inputmode', 'isToday', 'label',
  'labelledBy', 'lang', 'last', 'linkHref', 'linkText', 'lockedUntil', 'mails', 'maskedPhone', 'maskedPhoneEnds', 'member', 'members', 'messages',
  'method', 'module', 'modules', 'more', 'name', 'navCurrent', 'newCodesPath', 'newerPath', 'next', 'nextAllowedAt',
  'notApplicable', 'notice', 'now', 'numberHint', 'olderPath', 'optionsPath', 'otherLanguages', 'ownAccount', 'ownConfirmation', 'page', 'pairing', 'passwordState',
  'passkey', 'passkeyError', 'passkeys', 'passkeysFull', 'password', 'paths', 'patient', 'phone', 'postTo',
  'progress', 'question', 'questions', 'reasonHint', 'recoveryCodes', 'remaining', 'resendAction',
  'results', 'returnTo', 'rows', 'self', 'sent', 'setupFirst', 'signInAddress', 'smsNotice', 'smsState', 'staff', 'status', 'stepName', 'subject',
  'submitLabel', 'summary', 't', 'texts', 'title', 'twoFactor', 'twoStepOn', 'unreadCount', 'unreadOlder', 'user',
  'values', 'width',
];

/**
 * EJS as Express runs it (ejs.renderFile). Templates include their parts by their path under the
 * views folder, `include('/partials/text-field', { … })`: under EJS's `root`, so EJS resolves the
 * name without asking the file system (a relative name costs a stat() per include per page).
 * Outside production, errors name the template's line (`compileDebug`).
 */
export function useEjsViews(app: Express, options: { rootDir: string; cache: boolean; isProduction: boolean }): void {
  const viewsDir = path.join(options.rootDir, 'views');
  const settings = ejsOptions(viewsDir, options);
  app.engine('ejs', (file, data, done) => ejs.renderFile(file, data as ejs.Data, settings, done));
  app.set('views', [viewsDir]);
  app.set('view engine', 'ejs');
  app.set('view cache', options.cache);
}

export function ejsOptions(viewsDir: string, options: { cache: boolean; isProduction: boolean }): ejs.Options {
  return {
    root: viewsDir,
    views: [viewsDir],
    cache: options.cache,
    _with: false,
    destructuredLocals: TEMPLATE_LOCALS,
    compileDebug: !options.isProduction,
  };
}
