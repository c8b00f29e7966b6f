import type { Request, Response } from 'express';
import type { InTransaction } from '../../domain/account-stores';
import { DuplicatePasskeyError, MAX_PASSKEYS_PER_ACCOUNT, nameTaken, PasskeyLimitError, PasskeyNameTakenError, type NewPasskey, type Passkey } from '../../domain/passkeys';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecretBox } from '../../domain/secret-box';
import type { TwoFactorMethod } from '../../domain/two-factor';
import type { UserStore } from '../../domain/users';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors, type FieldError } from '../../http/forms';
import { paths } from '../../paths';
import { redirectToTwoStepStatus } from '../two-factor-status/controller';
import { newPasskeyAnswer } from '../../components/passkey-ceremony/proof';
import { newCodesPages } from '../../components/recovery-codes/output';
import type { AuthLevels } from '../../http/auth-level';
import { NAME_FIELDS, passkeyIdOf, validateName } from '../../components/passkey-ceremony/name';
import { newPasskeyOptions, type PasskeyOptionsDeps } from '../../components/passkey-ceremony/options';
import { TOTP_ISSUER } from '../../domain/totp';

export interface PasskeysDeps extends PasskeyOptionsDeps {
  auth: AuthLevels;
  users: UserStore;
  recoveryCodes: RecoveryCodes;
  secretBox: SecretBox;
  inTransaction: InTransaction;
}

const VIEWS = { add: 'passkeys/add', codes: 'passkeys/codes', rename: 'passkeys/rename', remove: 'passkeys/remove', about: 'passkeys/about' };
const { passkeys: PATHS } = paths.twoStep;

/** A patient whose only second step is passkeys keeps their last one (turning two-step off removes it). */
const isLast = (method: TwoFactorMethod | null, count: number) => method === 'passkey' && count <= 1;


export type PasskeysController = ReturnType<typeof createPasskeysController>;

/** "Toegangssleutels": add (which turns two-step on if it was off), rename, remove; the explanation. */
export function createPasskeysController(deps: PasskeysDeps) {
  const { passkeys, passkeyCeremonies: ceremonies, auth, clock, inTransaction, secretBox } = deps;
  const addLocals = (req: Request) => ({ twoStepOn: Boolean(req.user!.twoFactorMethod) });
  const newCodes = newCodesPages({ secretBox, recoveryCodes: deps.recoveryCodes, key: 'passkeyRecoveryCodes', view: VIEWS.codes, codesPath: PATHS.codes, elsewhere: paths.twoStep.status, accountOf: (req) => req.user!, issuer: TOTP_ISSUER, clock });

  /**
   * The patient's passkey named in the path. Otherwise the 404 page, or, for the page of one (the
   * back button after removing it), the overview, which says it is not there (whoever's it was).
   */
  async function ownPasskey(req: Request, res: Response): Promise<Passkey | undefined> {
    const id = passkeyIdOf(req.params.id);
    const passkey = id === null ? undefined : await passkeys.findForUser(req.user!.id, id);
    if (passkey) return passkey;
    if (id !== null && req.method === 'GET') redirectToTwoStepStatus(req, res, 'passkeyGone');
    else res.status(404).render('errors/message', { page: 'notFound' });
    return undefined;
  }

  /**
   * Stores a verified passkey with its record and notice. A patient without two-step gets it
   * turned on, with new recovery codes, in the same transaction: returned (with their hashes) to be shown once.
   */
  async function save(req: Request, name: string, passkey: NewPasskey): Promise<{ codes: string[]; hashes: string[] } | null> {
    const userId = req.user!.id;
    const origin = requestOrigin(req);
    const codes = req.user!.twoFactorMethod ? null : deps.recoveryCodes.generate();
    const hashes = codes ? await deps.recoveryCodes.hashAll(codes) : []; // slow: before the transaction
    const turnedOn = await inTransaction(async (stores) => {
      await stores.users.lockForChange(userId);
      if ((await stores.passkeys.countForUser(userId)) >= MAX_PASSKEYS_PER_ACCOUNT) throw new PasskeyLimitError();
      const on = codes ? await stores.twoFactor.enablePasskey(userId, hashes) : false;
      await stores.passkeys.add(userId, name, passkey);
      if (on) await stores.notifier.notify(userId, 'two_factor_enabled', origin, { method: 'passkey' });
      await stores.notifier.notify(userId, 'passkey_added', origin, { passkey: name });
      return on;
    });
    await auth.endOtherSessions(req, deps.users);
    return turnedOn && codes ? { codes, hashes } : null;
  }

  return {
    /** The options public/js/passkeys.js asks for before the browser makes a new passkey. */
    addOptions: newPasskeyOptions(deps, (req) => req.user!),

    showAdd: (req: Request, res: Response) => res.render(VIEWS.add, { ...addLocals(req), values: { name: '', ...auth.typedBeforeConfirmation(req) } }),

    /** The form, with the browser's new credential in it (public/js/passkeys.js). */
    async submitAdd(req: Request, res: Response) {
      const t = res.locals.t;
      const typed = readFields(req.body, NAME_FIELDS).name;
      const fail = (message: string) => renderFormErrors(res, VIEWS.add, [{ field: 'name', message }], { name: typed.trim() }, addLocals(req));
      const own = await passkeys.listForUser(req.user!.id);
      const { name, errors } = validateName(typed, t, (wanted) => nameTaken(own, wanted));
      if (errors.length > 0) return renderFormErrors(res, VIEWS.add, errors, { name: typed.trim() }, addLocals(req));
      const answer = newPasskeyAnswer(req, clock.now());
      if ('problem' in answer) return fail(t(answer.problem));
      const checked = await ceremonies.verifyRegistration(answer.attestation, answer.challenge, answer.userHandle);
      if (!checked.ok) {
        req.log.warn({ refusal: checked.refusal }, 'passkey not added');
        return fail(t('passkeyCeremony.add.errors.notAccepted'));
      }
      let made: Awaited<ReturnType<typeof save>>;
      try {
        made = await save(req, name, checked.value);
      } catch (err) {
        if (err instanceof DuplicatePasskeyError) return fail(t('passkeyCeremony.add.errors.duplicate'));
        if (err instanceof PasskeyLimitError) return fail(t('passkeyCeremony.tooMany', { max: MAX_PASSKEYS_PER_ACCOUNT }));
        if (err instanceof PasskeyNameTakenError) return fail(t('passkeyCeremony.name.errors.taken')); // added meanwhile, in another session
        throw err;
      }
      req.log.info({ userId: req.user!.id, twoStepTurnedOn: made !== null }, 'passkey added');
      if (!made) return redirectToTwoStepStatus(req, res, 'passkeyAdded');
      newCodes.keep(req, made.codes, made.hashes);
      res.redirect(PATHS.codes);
    },

    ...newCodes.pages,

    codesSaved(req: Request, res: Response) {
      newCodes.forget(req);
      redirectToTwoStepStatus(req, res, 'passkeyTurnedOn');
    },

    async showRename(req: Request, res: Response) {
      const passkey = await ownPasskey(req, res);
      if (passkey) res.render(VIEWS.rename, { passkey, values: { name: passkey.name } });
    },

    async submitRename(req: Request, res: Response) {
      const passkey = await ownPasskey(req, res);
      if (!passkey) return;
      const typed = readFields(req.body, NAME_FIELDS).name;
      const refuse = (errors: FieldError[]) => renderFormErrors(res, VIEWS.rename, errors, { name: typed.trim() }, { passkey });
      const userId = req.user!.id;
      const own = await passkeys.listForUser(userId);
      const { name, errors } = validateName(typed, res.locals.t, (wanted) => nameTaken(own, wanted, passkey));
      if (errors.length > 0) return refuse(errors);
      try {
        await inTransaction(async (stores) => {
          await stores.users.lockForChange(userId); // as an add does: two names given at once are compared one after the other
          const before = await stores.passkeys.rename(userId, passkey.id, name);
          if (before) await stores.notifier.notify(userId, 'passkey_renamed', requestOrigin(req), { passkey: name, previous: before.name });
        });
      } catch (err) {
        if (err instanceof PasskeyNameTakenError) return refuse([{ field: 'name', message: res.locals.t('passkeyCeremony.name.errors.taken') }]);
        throw err;
      }
      redirectToTwoStepStatus(req, res, 'passkeyRenamed');
    },

    async showRemove(req: Request, res: Response) {
      const passkey = await ownPasskey(req, res);
      if (passkey) res.render(VIEWS.remove, { passkey, last: isLast(req.user!.twoFactorMethod, await passkeys.countForUser(req.user!.id)) });
    },

    async submitRemove(req: Request, res: Response) {
      const passkey = await ownPasskey(req, res);
      if (!passkey) return;
      const userId = req.user!.id;
      // The method row is locked first: two removals at once cannot both take a patient's last two.
      const outcome = await inTransaction(async (stores) => {
        if (isLast(await stores.twoFactor.lockMethod(userId), await stores.passkeys.countForUser(userId))) return 'last';
        const removed = await stores.passkeys.remove(userId, passkey.id);
        if (removed) await stores.notifier.notify(userId, 'passkey_removed', requestOrigin(req), { passkey: removed.name });
        return removed ? 'removed' : 'gone';
      });
      if (outcome === 'last') return res.status(409).render(VIEWS.remove, { passkey, last: true });
      if (outcome === 'removed') await auth.endOtherSessions(req, deps.users);
      req.log.info({ userId, outcome }, 'passkey removal');
      redirectToTwoStepStatus(req, res, 'passkeyRemoved');
    },

    showAbout: (_req: Request, res: Response) => res.render(VIEWS.about),
  };
}
