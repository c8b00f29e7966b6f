import type { Request, Response } from 'express';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Clock } from '../../domain/clock';
import type { PasskeyCeremonies } from '../../domain/passkey-ceremonies';
import { MAX_PASSKEYS_PER_PATIENT, type PasskeyStore } from '../../domain/passkeys';
import type { AuthLevels } from '../../http/auth-level';
import { readFields } from '../../http/forms';
import { keepChallenge, type ChallengePurpose } from '../../components/passkey-ceremony/challenge';
import { NAME_FIELDS, validateName } from './validation';

export interface PasskeyOptionsDeps {
  passkeys: PasskeyStore;
  passkeyCeremonies: PasskeyCeremonies;
  auth: AuthLevels;
  clock: Clock;
}

type Options = PublicKeyCredentialRequestOptionsJSON | PublicKeyCredentialCreationOptionsJSON;

/**
 * What public/js/passkeys.js asks for before it calls the browser: the options of one ceremony,
 * as JSON (POST, the CSRF token in X-CSRF-Token). The challenge is kept in the session for the
 * purpose of the page that asked; a problem is `{ message }` with a status.
 */
export function createPasskeyOptions(deps: PasskeyOptionsDeps) {
  const { passkeys, passkeyCeremonies: ceremonies, auth, clock } = deps;

  function send(req: Request, res: Response, purpose: ChallengePurpose, options: Options, userHandle?: string) {
    keepChallenge(req, purpose, options.challenge, clock.now(), userHandle);
    res.json(options);
  }

  /** Options for one patient's own passkeys (second step, confirmation); none to offer is a 404. */
  async function forPatient(req: Request, res: Response, purpose: ChallengePurpose, userId: number | undefined) {
    const own = userId === undefined ? [] : await passkeys.listForUser(userId);
    if (own.length === 0) return res.status(404).json({ message: res.locals.t('passkeyCeremony.noPasskeys') });
    send(req, res, purpose, await ceremonies.authenticationOptions(own));
  }

  return {
    /** Signing in without a password: any passkey of this site (discoverable), the patient picks. */
    signIn: async (req: Request, res: Response) => send(req, res, 'sign_in', await ceremonies.authenticationOptions()),

    secondStep: (req: Request, res: Response) => forPatient(req, res, 'second_step', auth.pendingUserId(req)),

    confirm: (req: Request, res: Response) => forPatient(req, res, 'confirm', req.user!.id),

    /** A new passkey; its name is checked first, so no passkey is made that cannot be saved. */
    async register(req: Request, res: Response) {
      const { errors } = validateName(readFields(req.body, NAME_FIELDS).name, res.locals.t);
      if (errors.length > 0) return res.status(400).json({ message: errors[0]!.message, errors });
      if ((await passkeys.countForUser(req.user!.id)) >= MAX_PASSKEYS_PER_PATIENT) {
        const message = res.locals.t('passkeys.add.errors.tooMany', { max: MAX_PASSKEYS_PER_PATIENT });
        return res.status(409).json({ message, errors: [{ field: 'name', message }] });
      }
      const { options, userHandle } = await ceremonies.registrationOptions(req.user!);
      send(req, res, 'register', options, userHandle);
    },
  };
}
