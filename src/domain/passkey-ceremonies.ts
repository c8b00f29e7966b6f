import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Clock } from './clock';
import type { NewPasskey, Passkey, PasskeyStore } from './passkeys';
import type { RandomSource } from './random';

type WebAuthnLibrary = typeof import('@simplewebauthn/server');
let library: WebAuthnLibrary | undefined;
/** Loaded at the first ceremony: a clinic whose patients use no passkeys never holds it in memory. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webauthn = (): WebAuthnLibrary => (library ??= require('@simplewebauthn/server') as WebAuthnLibrary);

/** A challenge is valid for 5 minutes (SPEC §4); the browser is given the same time. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** ES256 and RS256: what passkeys on phones, computers and security keys use. */
const ALGORITHMS = [-7, -257];

export interface RelyingParty {
  rpId: string;
  origin: string;
  rpName: string;
}

/** Why a passkey was refused, for the patient's activity log (never shown as such). */
export type PasskeyRefusal = 'replayed' | 'unknown_credential' | 'wrong_origin' | 'wrong_rp_id' | 'no_user_verification' | 'counter' | 'invalid';

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: PasskeyRefusal };

export interface VerifiedUse {
  passkey: Passkey;
  counter: number;
  backedUp: boolean;
}

/** The library says what did not match in its error message; the activity log keeps only the kind. */
function refusalOf(err: unknown): PasskeyRefusal {
  const message = err instanceof Error ? err.message : '';
  if (/origin/i.test(message)) return 'wrong_origin';
  if (/RP ID/i.test(message)) return 'wrong_rp_id';
  if (/user.*verif/i.test(message)) return 'no_user_verification';
  if (/counter/i.test(message)) return 'counter';
  return 'invalid';
}

/** The library wants plain Uint8Arrays over an ArrayBuffer of their own, not Node Buffers. */
const bytes = (buffer: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(buffer);

export type PasskeyCeremonies = ReturnType<typeof createPasskeyCeremonies>;

/**
 * The WebAuthn ceremonies (@simplewebauthn/server): options for the browser, and the checks of
 * what it sends back. User verification is required throughout, origin and relying party id are
 * checked, and every challenge is claimed in the store before it is verified, so it works once.
 */
export function createPasskeyCeremonies(deps: { store: PasskeyStore; rp: RelyingParty; random: RandomSource; clock: Clock }) {
  const { store, rp, random, clock } = deps;
  const descriptor = (passkey: Passkey) => ({ id: passkey.credentialId, transports: passkey.transports as AuthenticatorTransportFuture[] });
  const expected = { expectedOrigin: rp.origin, expectedRPID: rp.rpId, requireUserVerification: true };
  const claim = (challenge: string) => store.claimChallenge(challenge, clock.now() + CHALLENGE_TTL_MS);

  return {
    /**
     * Options to create a discoverable passkey with user verification; the patient's passkeys are
     * excluded (an authenticator holds one per account). `userHandle` is the same for all of a
     * patient's passkeys: random, never their id or e-mail address.
     */
    async registrationOptions(user: { id: number; email: string; name: string }): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; userHandle: string }> {
      const existing = await store.listForUser(user.id);
      const userHandle = existing[0]?.userHandle ?? random.bytes(32).toString('base64url');
      const { generateRegistrationOptions } = webauthn();
      const options = await generateRegistrationOptions({
        rpName: rp.rpName,
        rpID: rp.rpId,
        userName: user.email,
        userDisplayName: user.name,
        userID: bytes(Buffer.from(userHandle, 'base64url')),
        challenge: bytes(random.bytes(32)),
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        excludeCredentials: existing.map(descriptor),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        supportedAlgorithmIDs: ALGORITHMS,
      });
      return { options, userHandle };
    },

    /** Options to sign in or confirm: any passkey of this site (`allow` undefined), or one of `allow`. */
    async authenticationOptions(allow?: Passkey[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const { generateAuthenticationOptions } = webauthn();
      return generateAuthenticationOptions({
        rpID: rp.rpId,
        challenge: bytes(random.bytes(32)),
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'required',
        allowCredentials: allow?.map(descriptor),
      });
    },

    async verifyRegistration(response: RegistrationResponseJSON, challenge: string, userHandle: string): Promise<Checked<NewPasskey>> {
      if (!(await claim(challenge))) return { ok: false, refusal: 'replayed' };
      try {
        const { verifyRegistrationResponse } = webauthn();
        const { verified, registrationInfo: info } = await verifyRegistrationResponse({ response, expectedChallenge: challenge, ...expected, supportedAlgorithmIDs: ALGORITHMS });
        if (!verified) return { ok: false, refusal: 'invalid' };
        return {
          ok: true,
          value: {
            credentialId: info.credential.id,
            publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
            counter: info.credential.counter,
            transports: (response.response.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 6),
            backupEligible: info.credentialDeviceType === 'multiDevice',
            backedUp: info.credentialBackedUp,
            userHandle,
          },
        };
      } catch (err) {
        return { ok: false, refusal: refusalOf(err) };
      }
    },

    /** Checks an assertion by one of `userId`'s passkeys (nothing is written but the claimed challenge and the counter). */
    async verifyAssertion(userId: number, response: AuthenticationResponseJSON, challenge: string): Promise<Checked<VerifiedUse>> {
      if (!(await claim(challenge))) return { ok: false, refusal: 'replayed' };
      const passkey = await store.findByCredentialId(response.id);
      // A credential belongs to one patient; the handle the authenticator keeps with it must match too.
      const handle = response.response.userHandle;
      if (!passkey || passkey.userId !== userId || (handle && handle !== passkey.userHandle)) return { ok: false, refusal: 'unknown_credential' };
      let info;
      try {
        const { verifyAuthenticationResponse } = webauthn();
        const verification = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge,
          ...expected,
          credential: { id: passkey.credentialId, publicKey: bytes(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: descriptor(passkey).transports },
        });
        if (!verification.verified) return { ok: false, refusal: 'invalid' };
        info = verification.authenticationInfo;
      } catch (err) {
        return { ok: false, refusal: refusalOf(err) };
      }
      // Outside the library's try: a database that fails here is an outage, not a wrong passkey.
      if (!(await store.claimCounter(passkey.id, info.newCounter))) return { ok: false, refusal: 'counter' };
      return { ok: true, value: { passkey, counter: info.newCounter, backedUp: info.credentialBackedUp } };
    },
  };
}
