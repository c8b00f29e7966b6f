import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { PasswordHasher } from '../../domain/passwords';
import type { RandomSource } from '../../domain/random';
import type { SecretBox } from '../../domain/secret-box';
import { oneTimePassword, oneTimePasswordUntil, type StaffMember, type StaffStore } from '../../domain/staff';
import { sayOnce } from '../../http/page-notice';
import { paths } from '../../paths';

const { desk } = paths;

/** Why an admin was given a staff member's one-time password: a new account, or a forgotten password. */
export type OneTimePasswordKind = 'added' | 'reset';

/** The page that shows a one-time password once, by kind; its texts as full locale keys. */
const PAGES: Record<OneTimePasswordKind, { path: (id: number | string) => string; leaveTo: (id: string) => string; texts: (member: StaffMember) => { title: string; done: string; next: string } }> = {
  added: {
    path: () => desk.staffAdded,
    leaveTo: () => desk.staff,
    texts: () => ({ title: 'deskStaff.created.title', done: 'deskStaff.created.done', next: 'deskStaff.created.next' }),
  },
  reset: {
    path: desk.staffPasswordGiven,
    leaveTo: (id) => (/^\d{1,9}$/.test(id) ? desk.staffMember(id) : desk.staff),
    texts: (member) => ({
      title: 'deskStaff.passwordGiven.title',
      done: 'deskStaff.passwordGiven.done',
      next: member.twoFactorMethod ? 'deskStaff.passwordGiven.nextWithApp' : 'deskStaff.created.next',
    }),
  },
};

/** A new one-time password, its hash (slow: made before the transaction) and until when it works. */
export async function newOneTimePassword(deps: { random: RandomSource; hasher: PasswordHasher; clock: Clock; oneTimePasswordDays: number }) {
  const password = oneTimePassword(deps.random);
  return { password, hash: await deps.hasher.hash(password), until: oneTimePasswordUntil(deps.clock.now(), deps.oneTimePasswordDays) };
}

/**
 * The one-time password is never stored, logged or put in an address: it waits sealed in the
 * admin's session for the page that shows it once (showOneTimePassword), so that a double click,
 * whose second answer is the one the browser shows, still shows it.
 */
export function handOverOneTimePassword(req: Request, res: Response, secretBox: SecretBox, memberId: number, kind: OneTimePasswordKind, password: string): void {
  req.session.givenOneTimePassword = { id: memberId, kind, sealedPassword: secretBox.seal(password) };
  res.redirect(303, PAGES[kind].path(memberId));
}

/** Shown once, and again after the language link (the admin may not have been able to read it). */
export function showOneTimePassword(deps: { staff: Pick<StaffStore, 'findById'>; secretBox: SecretBox; siteOrigin: string }, kind: OneTimePasswordKind) {
  const page = PAGES[kind];
  return async (req: Request, res: Response) => {
    const given = req.session.givenOneTimePassword;
    const forThisPage = given?.kind === kind && page.path(given.id) === req.path;
    const member = forThisPage ? await deps.staff.findById(given.id) : undefined;
    if (!given || !member || !sayOnce(req, res, given)) {
      if (forThisPage) delete req.session.givenOneTimePassword;
      return res.redirect(303, page.leaveTo(String(req.params.id)));
    }
    const deskAddress = `${deps.siteOrigin}${desk.home}`;
    res.render('desk-staff/one-time-password', { member, texts: page.texts(member), password: deps.secretBox.open(given.sealedPassword), deskAddress });
  };
}
