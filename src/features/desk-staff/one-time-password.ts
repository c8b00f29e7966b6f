import type { Request, Response } from 'express';
import { pathId } from '../../components/desk-access/access';
import { takeHandedOver } from '../../components/one-time-password/hand-over';
import type { SecretBox } from '../../domain/secret-box';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { paths } from '../../paths';

const { desk } = paths;

/** Why an admin was given a staff member's one-time password: a new account, or a forgotten password. */
export type StaffOneTimePasswordKind = 'added' | 'reset';

/** The page that shows a one-time password once, by kind; its texts as full locale keys. */
export const ONE_TIME_PASSWORD_PAGES: Record<StaffOneTimePasswordKind, { path: (id: number | string) => string; leaveTo: (id: number | undefined) => string; texts: (member: StaffMember) => { title: string; done: string; next: string } }> = {
  added: {
    path: () => desk.staffAdded,
    leaveTo: () => desk.staff,
    texts: () => ({ title: 'deskStaff.created.title', done: 'deskStaff.created.done', next: 'deskStaff.created.next' }),
  },
  reset: {
    path: desk.staffPasswordGiven,
    leaveTo: (id) => (id === undefined ? desk.staff : desk.staffMember(id)),
    texts: (member) => ({
      title: 'deskStaff.passwordGiven.title',
      done: 'deskStaff.passwordGiven.done',
      next: member.twoFactorMethod ? 'deskStaff.passwordGiven.nextWithApp' : 'deskStaff.created.next',
    }),
  },
};

/** The page that shows the password an admin just gave a staff member (see components/one-time-password). */
export function showOneTimePassword(deps: { staff: Pick<StaffStore, 'findById'>; secretBox: SecretBox; siteOrigin: string }, kind: StaffOneTimePasswordKind) {
  const page = ONE_TIME_PASSWORD_PAGES[kind];
  return async (req: Request, res: Response) => {
    const given = takeHandedOver(req, res, deps.secretBox, kind, page.path);
    const member = given && (await deps.staff.findById(given.id));
    if (!given || !member) return res.redirect(page.leaveTo(pathId(req)));
    const deskAddress = `${deps.siteOrigin}${desk.home}`;
    res.render('desk-staff/one-time-password', { member, texts: page.texts(member), password: given.password, deskAddress });
  };
}
