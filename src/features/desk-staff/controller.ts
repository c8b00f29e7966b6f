import type { Request, Response } from 'express';
import { findByPathId } from '../../components/desk-access/access';
import { confirmOwnIdentity, ownConfirmationAsked, type OwnConfirmationDeps } from '../../components/desk-access/identity-check';
import { validateReason } from '../../components/desk-reason/validation';
import { pageOf } from '../../components/paging/newest-first';
import { staffLogRows } from '../../components/staff-log/rows';
import type { InTransaction } from '../../domain/account-stores';
import type { Clock } from '../../domain/clock';
import type { PasskeyStore } from '../../domain/passkeys';
import type { PasswordHasher } from '../../domain/passwords';
import type { RandomSource } from '../../domain/random';
import type { SecretBox } from '../../domain/secret-box';
import { passwordState } from '../../domain/one-time-passwords';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { addStaffMember, changeStaffRole, giveStaffOneTimePassword, LastActiveAdminError, resetStaffTwoFactor, setStaffDisabled, type StaffActor } from '../../domain/staff-admin';
import type { StaffAuditLog } from '../../domain/staff-audit';
import { DuplicateEmailError } from '../../domain/users';
import { requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import { paths } from '../../paths';
import { redirectWithNotice, takePageNoticeText } from '../../http/page-notice';
import { handOverOneTimePassword, newOneTimePassword } from '../../components/one-time-password/hand-over';
import { ONE_TIME_PASSWORD_PAGES, showOneTimePassword, type StaffOneTimePasswordKind } from './one-time-password';
import { STAFF_FIELDS, validateNewStaff, validateRole } from './validation';

const { desk } = paths;

export type StaffAction = 'disable' | 'enable' | 'resetTwoFactor' | 'newPassword';

/** Makes the change and says what its page says afterwards; null when there was nothing to do after all. */
type StaffChange = (stores: Parameters<Parameters<InTransaction>[0]>[0], member: StaffMember, by: StaffActor) => Promise<StaffNotice | null>;

/** What an action has to work with once its reason is given. */
interface ActionContext {
  req: Request;
  res: Response;
  member: StaffMember;
  by: StaffActor;
  deps: DeskStaffDeps;
  /** Makes a change in one transaction with its audit row, then goes back to the member's page with its notice. */
  change(work: StaffChange): Promise<StaffNotice>;
}

interface StaffActionSpec {
  /** Whether it can be done to this staff member now (otherwise the page says so). */
  applies(member: StaffMember): boolean;
  /** Does it and answers; returns what happened, for the log line. */
  run(context: ActionContext): Promise<string>;
  /** Where the confirmation form is, and where a second copy of it (a double click) is sent: where the first leads. */
  path: (id: number | string) => string;
  leadsTo: (id: number | string) => string;
  /** Full locale keys of the confirmation page; `hint` is the reason's example. */
  texts: { title: string; what: string; submit: string; hint: string };
  /** The `what` key when it depends on more than the account's row. */
  whatFor?: (member: StaffMember, deps: DeskStaffDeps) => Promise<string>;
  /** Lets someone into the account: the admin confirms who they are first (components/desk-access/identity-check). */
  asksOwnConfirmation?: true;
}

const changeWith = (work: StaffChange) => (context: ActionContext) => context.change(work);

/** The notice names passkeys only when there were some. */
const resetTwoFactorOf: StaffChange = async (stores, member, by) => {
  const reset = await resetStaffTwoFactor(stores, member.id, by);
  if (!reset) return null;
  return reset.passkeys > 0 ? 'twoFactorAndPasskeys' : 'twoFactor';
};

/** For a staff member who forgot their password; their app, codes and passkeys stay. */
async function giveNewPassword({ req, res, member, by, deps }: ActionContext): Promise<string> {
  const { password, ...given } = await newOneTimePassword(deps, deps.oneTimePasswordDays);
  if (!(await deps.inTransaction((stores) => giveStaffOneTimePassword(stores, member.id, given, by)))) {
    redirectWithNotice(req, res, desk.staffMember(member.id), 'nothing'); // disabled meanwhile
    return 'nothing';
  }
  await deps.staffSignIn.forgetAccountFailures(member.email); // the wrong guesses at the forgotten one lock it no more
  handOverOneTimePassword(req, res, deps.secretBox, { id: member.id, kind: 'reset', password }, ONE_TIME_PASSWORD_PAGES.reset.path(member.id));
  return 'passwordGiven';
}

/** What an admin can do to another staff member's account; each is confirmed on a page of its own, with a reason. */
const ACTIONS: Record<StaffAction, StaffActionSpec> = {
  disable: {
    applies: (member) => !member.disabled,
    run: changeWith(async (stores, member, by) => ((await setStaffDisabled(stores, member.id, true, by)) ? 'disabled' : null)),
    path: desk.disableStaff,
    leadsTo: desk.staffMember,
    texts: { title: 'deskStaff.disable.title', what: 'deskStaff.disable.what', submit: 'deskStaff.disable.submit', hint: 'deskStaff.disable.reasonHint' },
  },
  enable: {
    applies: (member) => member.disabled,
    run: changeWith(async (stores, member, by) => ((await setStaffDisabled(stores, member.id, false, by)) ? 'enabled' : null)),
    asksOwnConfirmation: true, // lets someone (who left, perhaps) back in
    path: desk.enableStaff,
    leadsTo: desk.staffMember,
    texts: { title: 'deskStaff.enable.title', what: 'deskStaff.enable.what', submit: 'deskStaff.enable.submit', hint: 'deskStaff.enable.reasonHint' },
  },
  newPassword: {
    // A disabled account cannot sign in with it: enabling comes first.
    applies: (member) => !member.disabled,
    run: giveNewPassword,
    asksOwnConfirmation: true,
    path: desk.newStaffPassword,
    leadsTo: desk.staffPasswordGiven,
    texts: { title: 'deskStaff.newPassword.title', what: 'deskStaff.newPassword.what', submit: 'deskStaff.newPassword.submit', hint: 'deskStaff.newPassword.reasonHint' },
    whatFor: async (member) => (member.twoFactorMethod ? 'deskStaff.newPassword.whatWithApp' : 'deskStaff.newPassword.what'),
  },
  resetTwoFactor: {
    applies: (member) => member.twoFactorMethod !== null,
    run: changeWith(resetTwoFactorOf),
    asksOwnConfirmation: true,
    path: desk.resetStaffTwoFactor,
    leadsTo: desk.staffMember,
    texts: { title: 'deskStaff.resetTwoFactor.title', what: 'deskStaff.resetTwoFactor.what', submit: 'deskStaff.resetTwoFactor.submit', hint: 'deskStaff.resetTwoFactor.reasonHint' },
    whatFor: async (member, deps) =>
      (await deps.staffPasskeys.countForUser(member.id)) > 0 ? 'deskStaff.resetTwoFactor.whatWithPasskeys' : 'deskStaff.resetTwoFactor.what',
  },
};

/** Where each action's form is and where a repeat of it is sent, for routes.ts. */
export const STAFF_ACTIONS: ReadonlyArray<{ action: StaffAction; path: StaffActionSpec['path']; leadsTo: StaffActionSpec['leadsTo'] }> = (
  Object.keys(ACTIONS) as StaffAction[]
).map((action) => ({ action, path: ACTIONS[action].path, leadsTo: ACTIONS[action].leadsTo }));

/** What a staff member's page says after a change, as full locale keys. */
const NOTICES = {
  role: 'deskStaff.member.done.role',
  disabled: 'deskStaff.member.done.disabled',
  enabled: 'deskStaff.member.done.enabled',
  twoFactor: 'deskStaff.member.done.twoFactor',
  twoFactorAndPasskeys: 'deskStaff.member.done.twoFactorAndPasskeys',
  nothing: 'deskStaff.member.done.nothing',
  lastAdmin: 'deskStaff.member.done.lastAdmin',
} as const;
type StaffNotice = keyof typeof NOTICES;

export interface DeskStaffDeps extends OwnConfirmationDeps {
  staff: StaffStore;
  staffAudit: StaffAuditLog;
  hasher: PasswordHasher;
  random: RandomSource;
  /** Seals the one-time password for the one page that shows it. */
  secretBox: SecretBox;
  inTransaction: InTransaction;
  staffPasskeys: Pick<PasskeyStore, 'countForUser'>;
  /** Where staff reach the site (PUBLIC_URL's origin), for the address a new staff member is given. */
  siteOrigin: string;
  clock: Clock;
  /** How long a one-time password works (DESK_ONE_TIME_PASSWORD_DAYS). */
  oneTimePasswordDays: number;
}

export type DeskStaffController = ReturnType<typeof createDeskStaffController>;

/**
 * "Medewerkers" and "Logboek", for admins only (see routes.ts): the staff accounts (add one with
 * a one-time password shown once, change a role, disable or enable, give a new one-time password
 * for a forgotten one, turn off a lost app) and the staff audit log. An admin cannot change their
 * own account here, so there is always one admin.
 */
export function createDeskStaffController(deps: DeskStaffDeps) {
  const { staff } = deps;
  const actor = (req: Request): StaffActor => ({ staffId: req.staff!.id, origin: requestOrigin(req) });

  const memberOf = (req: Request, res: Response) => findByPathId(req, res, staff.findById);

  /** What desk-staff/summary and the Medewerkers list show of a member. */
  const summaryOf = (member: StaffMember) => ({ member, passwordState: passwordState(member, deps.clock.now()) });

  /** Giving a member an admin's rights is a change that asks the admin's own confirmation; taking them is not. */
  const promotable = (member: StaffMember) => member.role === 'desk';

  const renderMember = (req: Request, res: Response, member: StaffMember, errors: FieldError[] = [], values: Record<string, string> = { role: member.role }, errorStatus = 400) => {
    const notice = takePageNoticeText(req, res, NOTICES);
    res.locals.shownPath = desk.staffMember(member.id); // also the answer to the role's form
    const actions = (Object.keys(ACTIONS) as StaffAction[])
      .filter((action) => ACTIONS[action].applies(member))
      .map((action) => ({ href: ACTIONS[action].path(member.id), text: res.locals.t(ACTIONS[action].texts.title) }));
    const locals = { ...summaryOf(member), self: member.id === req.staff!.id, notice, actions, ownConfirmation: ownConfirmationAsked(deps, req, promotable(member)) };
    renderFormErrors(res, 'desk-staff/member', errors, values, locals, errors.length > 0 ? errorStatus : 200);
  };

  const renderAction = async (req: Request, res: Response, member: StaffMember, action: StaffAction, errors: FieldError[] = [], values: Record<string, string> = {}, errorStatus = 400) => {
    const spec = ACTIONS[action];
    const what = spec.whatFor ? await spec.whatFor(member, deps) : spec.texts.what;
    const locals = {
      ...summaryOf(member),
      action: { ...spec.texts, what, path: spec.path(member.id), applies: spec.applies(member) },
      ownConfirmation: ownConfirmationAsked(deps, req, spec.asksOwnConfirmation),
    };
    renderFormErrors(res, 'desk-staff/action', errors, values, locals, errors.length > 0 ? errorStatus : 200);
  };

  /** The form for a new staff member, with the admin's own password and code unless confirmed a moment ago. */
  const renderNew = (req: Request, res: Response, errors: FieldError[], values: Record<string, string>, status = 400) =>
    renderFormErrors(res, 'desk-staff/new', errors, values, { ownConfirmation: ownConfirmationAsked(deps, req, true) }, errors.length > 0 ? status : 200);

  /** A change to someone else's account, with its audit row in one transaction; then back to their page. */
  const change = async (req: Request, res: Response, member: StaffMember, work: StaffChange, by: StaffActor) => {
    let outcome: StaffNotice;
    try {
      outcome = (await deps.inTransaction((stores) => work(stores, member, by))) ?? 'nothing';
    } catch (err) {
      // Only when two admins take each other's rights at the same moment: one of them stays.
      if (!(err instanceof LastActiveAdminError)) throw err;
      outcome = 'lastAdmin';
    }
    redirectWithNotice(req, res, desk.staffMember(member.id), outcome);
    return outcome;
  };

  /** Someone else's account, found by the address; their own goes back to their page (an admin cannot change it here). */
  const otherMemberOf = async (req: Request, res: Response) => {
    const member = await memberOf(req, res);
    if (member && member.id === req.staff!.id) {
      res.redirect(desk.staffMember(member.id));
      return undefined;
    }
    return member;
  };

  return {
    async list(_req: Request, res: Response) {
      res.render('desk-staff/list', { members: (await staff.list()).map(summaryOf) });
    },

    showNew: (req: Request, res: Response) => renderNew(req, res, [], { role: 'desk' }),

    /** A new staff member, with a one-time password shown once (components/one-time-password), after the admin's own confirmation. */
    async create(req: Request, res: Response) {
      const fields = readFields(req.body, STAFF_FIELDS);
      const values = { email: fields.email.trim(), name: fields.name.trim(), role: fields.role };
      const checked = validateNewStaff(fields, res.locals.t);
      const { errors, throttled } = await confirmOwnIdentity(deps, req, res, checked.errors, true);
      const role = checked.role;
      if (errors.length > 0 || !role) return renderNew(req, res, errors, values, throttled ? 429 : 400);
      const { password, hash, until } = await newOneTimePassword(deps, deps.oneTimePasswordDays);
      try {
        const member = await deps.inTransaction((stores) =>
          addStaffMember(stores, { email: values.email, name: values.name, role, passwordHash: hash, oneTimePasswordUntil: until }, actor(req)),
        );
        req.log.info({ staffId: req.staff!.id, newStaffId: member.id, role }, 'staff member added at the desk');
        handOverOneTimePassword(req, res, deps.secretBox, { id: member.id, kind: 'added', password }, ONE_TIME_PASSWORD_PAGES.added.path(member.id));
      } catch (err) {
        if (!(err instanceof DuplicateEmailError)) throw err;
        renderNew(req, res, [{ field: 'email', message: res.locals.t('deskStaff.errors.emailTaken') }], values);
      }
    },

    showOneTimePassword: (kind: StaffOneTimePasswordKind) => showOneTimePassword(deps, kind),

    async show(req: Request, res: Response) {
      const member = await memberOf(req, res);
      if (member) renderMember(req, res, member);
    },

    async changeRole(req: Request, res: Response) {
      const member = await otherMemberOf(req, res);
      if (!member) return;
      // Giving or taking an admin's rights is done with a reason for the Logboek, like the other actions.
      const { role: chosen, reason } = readFields(req.body, ['role', 'reason'] as const);
      const formErrors: FieldError[] = [];
      const role = validateRole(chosen, res.locals.t, formErrors);
      formErrors.push(...validateReason(reason, res.locals.t));
      const { errors, throttled } = await confirmOwnIdentity(deps, req, res, formErrors, promotable(member) && role === 'admin');
      if (!role || errors.length > 0) return renderMember(req, res, member, errors, { role: chosen, reason: reason.trim() }, throttled ? 429 : 400);
      if (role === member.role) return redirectWithNotice(req, res, desk.staffMember(member.id), 'nothing'); // as for the actions above
      const by = { ...actor(req), details: { reason: reason.trim() } };
      await change(req, res, member, async (stores) => ((await changeStaffRole(stores, member.id, role, by)) ? 'role' : null), by);
    },

    /** The confirmation page: what will happen, the reason field, the button. */
    showAction: (action: StaffAction) => async (req: Request, res: Response) => {
      const member = await otherMemberOf(req, res);
      if (member) await renderAction(req, res, member, action);
    },

    doAction: (action: StaffAction) => async (req: Request, res: Response) => {
      const member = await otherMemberOf(req, res);
      if (!member) return;
      const { reason } = readFields(req.body, ['reason'] as const);
      const reasonErrors = validateReason(reason, res.locals.t);
      // Done by someone else meanwhile (the form is older): nothing to confirm, and nothing changes,
      // also when another change in between makes it apply by now.
      const applies = ACTIONS[action].applies(member);
      const { errors, throttled } = await confirmOwnIdentity(deps, req, res, reasonErrors, applies && ACTIONS[action].asksOwnConfirmation);
      if (errors.length > 0) return await renderAction(req, res, member, action, errors, { reason: reason.trim() }, throttled ? 429 : 400);
      if (!applies) return redirectWithNotice(req, res, desk.staffMember(member.id), 'nothing');
      const by = { ...actor(req), details: { reason: reason.trim() } };
      const outcome = await ACTIONS[action].run({ req, res, member, by, deps, change: (work) => change(req, res, member, work, by) });
      req.log.info({ staffId: req.staff!.id, memberId: member.id, action, outcome }, 'admin action on a staff account');
    },

    /** A page of the Logboek; its "newer" link leads to the newest page. */
    async log(req: Request, res: Response) {
      const page = await pageOf({ list: (limit, before) => deps.staffAudit.list({ limit, before }), path: desk.log }, req.query.voor);
      res.render('desk-staff/log', { rows: staffLogRows(page.rows, res.locals), newerPath: page.newerPath, olderPath: page.olderPath });
    },
  };
}
