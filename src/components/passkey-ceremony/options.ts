import type { Request, RequestHandler, Response } from 'express';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Clock } from '../../domain/clock';
import type { PasskeyCeremonies } from '../../domain/passkey-ceremonies';
import { MAX_PASSKEYS_PER_ACCOUNT, nameTaken, type PasskeyStore } from '../../domain/passkeys';
import { readFields } from '../../http/forms';
import { keepChallenge, type ChallengePurpose } from './challenge';
import { NAME_FIELDS, validateName } from './name';

export interface PasskeyOptionsDeps {
  /** The passkeys and ceremonies of one kind of account: patients', or the desk's staff's. */
  passkeys: PasskeyStore;
  passkeyCeremonies: PasskeyCeremonies;
  clock: Clock;
}

type Options = PublicKeyCredentialRequestOptionsJSON | PublicKeyCredentialCreationOptionsJSON;

/*
 * What public/js/passkeys.js asks for before it calls the browser: the options of one ceremony,
 * as JSON (POST, the CSRF token in X-CSRF-Token). The challenge is kept in the session for the
 * purpose of the page that asked; a problem is `{ message }` with a status. Each page that offers
 * a passkey mounts its own handler, made by one of the three below.
 */

function send(deps: PasskeyOptionsDeps, req: Request, res: Response, purpose: ChallengePurpose, options: Options, userHandle?: string) {
  keepChallenge(req, purpose, options.challenge, deps.clock.now(), userHandle);
  res.json(options);
}

/** Signing in without a password: any passkey of this site (discoverable), the patient picks. */
export function signInPasskeyOptions(deps: PasskeyOptionsDeps): RequestHandler {
  return async (req, res) => send(deps, req, res, 'sign_in', await deps.passkeyCeremonies.authenticationOptions());
}

/** Options for one account's own passkeys (the second step, a confirmation); none to offer is a 404. */
export function ownPasskeyOptions(deps: PasskeyOptionsDeps, purpose: 'second_step' | 'confirm', accountIdOf: (req: Request) => number | undefined): RequestHandler {
  return async (req, res) => {
    const userId = accountIdOf(req);
    const own = userId === undefined ? [] : await deps.passkeys.listForUser(userId);
    if (own.length === 0) return res.status(404).json({ message: res.locals.t('passkeyCeremony.noPasskeys') });
    send(deps, req, res, purpose, await deps.passkeyCeremonies.authenticationOptions(own));
  };
}

/**
 * A new passkey for the signed-in account (its name and e-mail address go into the
 * authenticator); the name is checked first, so no passkey is made that cannot be saved.
 */
export function newPasskeyOptions(deps: PasskeyOptionsDeps, accountOf: (req: Request) => { id: number; email: string; name: string }): RequestHandler {
  return async (req, res) => {
    const account = accountOf(req);
    const own = await deps.passkeys.listForUser(account.id);
    const { errors } = validateName(readFields(req.body, NAME_FIELDS).name, res.locals.t, (name) => nameTaken(own, name));
    if (errors.length > 0) return res.status(400).json({ message: errors[0]!.message, errors });
    if (own.length >= MAX_PASSKEYS_PER_ACCOUNT) {
      const message = res.locals.t('passkeyCeremony.tooMany', { max: MAX_PASSKEYS_PER_ACCOUNT });
      return res.status(409).json({ message, errors: [{ field: 'name', message }] });
    }
    const { options, userHandle } = await deps.passkeyCeremonies.registrationOptions(account);
    send(deps, req, res, 'register', options, userHandle);
  };
}
