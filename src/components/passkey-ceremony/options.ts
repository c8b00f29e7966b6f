import type { Request, Response } from 'express';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Clock } from '../../domain/clock';
import type { PasskeyCeremonies } from '../../domain/passkey-ceremonies';
import { MAX_PASSKEYS_PER_ACCOUNT, type PasskeyStore } from '../../domain/passkeys';
import { readFields } from '../../http/forms';
import { keepChallenge, type ChallengePurpose } from './challenge';
import { NAME_FIELDS, validateName } from './name';

export interface PasskeyOptionsDeps {
  /** The passkeys and ceremonies of one kind of account: patients', or the desk's staff's. */
  passkeys: PasskeyStore;
  passkeyCeremonies: PasskeyCeremonies;
  auth: { pendingUserId(req: Request): number | undefined };
  clock: Clock;
  /** The signed-in account of the request, as a new passkey is made for it (name and e-mail address in the authenticator). */
  accountOf(req: Request): { id: number; email: string; name: string };
}

type Options = PublicKeyCredentialRequestOptionsJSON | PublicKeyCredentialCreationOptionsJSON;

/**
 * What public/js/passkeys.js asks for before it calls the browser: the options of one ceremony,
 * as JSON (POST, the CSRF token in X-CSRF-Token). The challenge is kept in the session for the
 * purpose of the page that asked; a problem is `{ message }` with a status.
 */
export function createPasskeyOptions(deps: PasskeyOptionsDeps) {
  const { passkeys, passkeyCeremonies: ceremonies, auth, clock, accountOf } = deps;

  function send(req: Request, res: Response, purpose: ChallengePurpose, options: Options, userHandle?: string) {
    keepChallenge(req, purpose, options.challenge, clock.now(), userHandle);
    res.json(options);
  }

  /** Options for one account's own passkeys (second step, confirmation); none to offer is a 404. */
  async function forAccount(req: Request, res: Response, purpose: ChallengePurpose, userId: number | undefined) {
    const own = userId === undefined ? [] : await passkeys.listForUser(userId);
    if (own.length === 0) return res.status(404).json({ message: res.locals.t('passkeyCeremony.noPasskeys') });
    send(req, res, purpose, await ceremonies.authenticationOptions(own));
  }

  return {
    /** Signing in without a password: any passkey of this site (discoverable), the patient picks. */
    signIn: async (req: Request, res: Response) => send(req, res, 'sign_in', await ceremonies.authenticationOptions()),

    secondStep: (req: Request, res: Response) => forAccount(req, res, 'second_step', auth.pendingUserId(req)),

    confirm: (req: Request, res: Response) => forAccount(req, res, 'confirm', accountOf(req).id),

    /** A new passkey; its name is checked first, so no passkey is made that cannot be saved. */
    async register(req: Request, res: Response) {
      const { errors } = validateName(readFields(req.body, NAME_FIELDS).name, res.locals.t);
      if (errors.length > 0) return res.status(400).json({ message: errors[0]!.message, errors });
      const account = accountOf(req);
      if ((await passkeys.countForUser(account.id)) >= MAX_PASSKEYS_PER_ACCOUNT) {
        const message = res.locals.t('passkeyCeremony.tooMany', { max: MAX_PASSKEYS_PER_ACCOUNT });
        return res.status(409).json({ message, errors: [{ field: 'name', message }] });
      }
      const { options, userHandle } = await ceremonies.registrationOptions(account);
      send(req, res, 'register', options, userHandle);
    },
  };
}
