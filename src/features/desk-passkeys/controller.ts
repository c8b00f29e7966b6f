import type { NextFunction, Request, Response } from 'express';
import { confirmOwnIdentity, type OwnConfirmationDeps } from '../../components/desk-access/identity-check';
import { NAME_FIELDS, passkeyIdOf, validateName } from '../../components/passkey-ceremony/name';
import { newPasskeyAnswer } from '../../components/passkey-ceremony/proof';
import { newPasskeyOptions } from '../../components/passkey-ceremony/options';
import type { InTransaction } from '../../domain/account-stores';
import type { Clock } from '../../domain/clock';
import type { PasskeyCeremonies } from '../../domain/passkey-ceremonies';
import { DuplicatePasskeyError, MAX_PASSKEYS_PER_ACCOUNT, nameTaken, PasskeyLimitError, PasskeyNameTakenError, type PasskeyStore } from '../../domain/passkeys';
import type { StaffStore } from '../../domain/staff';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { redirectWithNotice, takePageNoticeText } from '../../http/page-notice';
import { paths } from '../../paths';

const { passkeys: PATHS } = paths.desk;
const VIEWS = { confirm: 'desk-passkeys/confirm', list: 'desk-passkeys/index', remove: 'desk-passkeys/remove' } as const;
const NOTICES = { added: 'deskPasskeys.added', removed: 'deskPasskeys.removed' } as const;

export interface DeskPasskeysDeps extends OwnConfirmationDeps {
  staff: StaffStore;
  clock: Clock;
  staffPasskeys: PasskeyStore;
  staffPasskeyCeremonies: PasskeyCeremonies;
  inTransaction: InTransaction;
}

export type DeskPasskeysController = ReturnType<typeof createDeskPasskeysController>;

/**
 * A staff member's passkeys ("Toegangssleutels"): an extra way past the desk's second step beside
 * the app. Managing them needs the current password and a code from the app given in the last
 * few minutes (FRESH_CONFIRMATION_MINUTES): the desk's fresh level, as the patients' pages need theirs.
 */
export function createDeskPasskeysController(deps: DeskPasskeysDeps) {
  const { staffPasskeys, clock } = deps;
  const confirmed = (req: Request) => deps.auth.level(req) === 'fresh';
  const back = (req: Request, res: Response, what?: keyof typeof NOTICES) => (what ? redirectWithNotice(req, res, PATHS.list, what) : res.redirect(PATHS.list));

  async function renderList(req: Request, res: Response, status = 200, errors: { field: string; message: string }[] = [], values: Record<string, string> = {}) {
    res.locals.shownPath = PATHS.list; // also after a form sent to /toevoegen
    const own = await staffPasskeys.listForUser(req.staff!.id);
    const locals = { passkeys: own, full: own.length >= MAX_PASSKEYS_PER_ACCOUNT, notice: takePageNoticeText(req, res, NOTICES) };
    renderFormErrors(res, VIEWS.list, errors, values, locals, status);
  }

  return {
    /** The options public/js/passkeys.js asks for before the browser makes a new passkey. */
    addOptions: newPasskeyOptions({ passkeys: staffPasskeys, passkeyCeremonies: deps.staffPasskeyCeremonies, clock }, (req) => req.staff!),

    /** Sends to the form for password and code unless they were given in the last minutes (a JSON answer for the script). */
    requireConfirmed(req: Request, res: Response, next: NextFunction) {
      if (confirmed(req)) return next();
      if (req.path === PATHS.addOptions) return res.status(403).json({ message: res.locals.t('deskPasskeys.confirmFirst') });
      res.redirect(PATHS.list);
    },

    show: (req: Request, res: Response) => (confirmed(req) ? renderList(req, res) : res.render(VIEWS.confirm)),

    /** Confirmed already (a second click that came after the first: its code is used), or now: a new session id and CSRF token, as every change of level. */
    async confirm(req: Request, res: Response) {
      const { errors, throttled } = await confirmOwnIdentity(deps, req, res, [], true);
      if (errors.length > 0) {
        res.locals.shownPath = PATHS.list; // the confirmation is the list's first form
        // The code field may hold a recovery code, a secret: it is not shown again.
        return renderFormErrors(res, VIEWS.confirm, errors, {}, {}, throttled ? 429 : 400);
      }
      back(req, res);
    },

    /** The form, with the browser's new credential in it. */
    async add(req: Request, res: Response) {
      const { t } = res.locals;
      const typed = readFields(req.body, NAME_FIELDS).name;
      const fail = (message: string) => renderList(req, res, 400, [{ field: 'name', message }], { name: typed.trim() });
      const own = await staffPasskeys.listForUser(req.staff!.id);
      const { name, errors } = validateName(typed, t, (wanted) => nameTaken(own, wanted));
      if (errors.length > 0) return fail(errors[0]!.message);
      const answer = newPasskeyAnswer(req, clock.now());
      if ('problem' in answer) return fail(t(answer.problem));
      const checked = await deps.staffPasskeyCeremonies.verifyRegistration(answer.attestation, answer.challenge, answer.userHandle);
      if (!checked.ok) return fail(t('passkeyCeremony.add.errors.notAccepted'));
      const staffId = req.staff!.id;
      try {
        await deps.inTransaction(async (stores) => {
          await stores.staff.lockForChange(staffId);
          if ((await stores.staffPasskeys.countForUser(staffId)) >= MAX_PASSKEYS_PER_ACCOUNT) throw new PasskeyLimitError();
          await stores.staffPasskeys.add(staffId, name, checked.value);
          await stores.staffNotifier.notify(staffId, 'passkey_added', requestOrigin(req), { passkey: name });
        });
      } catch (err) {
        if (err instanceof DuplicatePasskeyError) return fail(t('passkeyCeremony.add.errors.duplicate'));
        if (err instanceof PasskeyLimitError) return fail(t('passkeyCeremony.tooMany', { max: MAX_PASSKEYS_PER_ACCOUNT }));
        if (err instanceof PasskeyNameTakenError) return fail(t('passkeyCeremony.name.errors.taken')); // added meanwhile, in another session
        throw err;
      }
      await deps.auth.endOtherSessions(req, deps.staff); // as every change to how the member signs in
      back(req, res, 'added');
    },

    /** Whether to remove it: a removal is asked before it is done (WCAG 3.3.4), as on the patients' pages. */
    async showRemove(req: Request, res: Response) {
      const id = passkeyIdOf(req.params.id);
      const passkey = id === null ? undefined : await staffPasskeys.findForUser(req.staff!.id, id);
      if (!passkey) return res.status(404).render('errors/message', { page: 'notFound' });
      res.render(VIEWS.remove, { passkey });
    },

    async remove(req: Request, res: Response) {
      const id = passkeyIdOf(req.params.id);
      const staffId = req.staff!.id;
      const removed = id === null ? undefined : await deps.inTransaction(async (stores) => {
        const gone = await stores.staffPasskeys.remove(staffId, id);
        if (gone) await stores.staffNotifier.notify(staffId, 'passkey_removed', requestOrigin(req), { passkey: gone.name });
        return gone;
      });
      if (!removed) return res.status(404).render('errors/message', { page: 'notFound' });
      // A session it signed in (a lost laptop or key) ends with it.
      await deps.auth.endOtherSessions(req, deps.staff);
      back(req, res, 'removed');
    },
  };
}
