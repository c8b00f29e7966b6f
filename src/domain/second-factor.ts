import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { RequestOrigin } from './audit';
import type { Clock } from './clock';
import type { PasskeyCeremonies, PasskeyRefusal, VerifiedUse } from './passkey-ceremonies';
import type { RecoveryCodes } from './recovery-codes';
import type { SecondStepLockout } from './second-step-lockout';
import type { SecretBox } from './secret-box';
import type { PasskeyStore } from './passkeys';
import type { SmsCapRequest, SmsCodeService, SmsSendOutcome, SmsSendRequest } from './sms-codes';
import { verifyTotp } from './totp';
import type { TwoFactorStore } from './two-factor';
import { normalizeCodeInput, type CodePurpose, type VerificationCodes } from './verification-codes';

/** What became of a code asked for by SMS: sent or not by the SMS service, or none while the second step is locked. */
export type SmsCodeOutcome = SmsSendOutcome | { status: 'locked'; until: number };

/**
 * Every check of a second factor goes through here: sign-in step 2, the fresh confirmation, the
 * setup wizard, the phone-number change and both method switches. The rules, by purpose:
 *
 * - All purposes: the account-wide limit (SPEC §4: 10 checks in a row without a success lock the
 *   second step for 15 minutes). A check takes its place before anything is compared, so
 *   parallel requests get no more checks than sequential ones; a check that compared nothing (no
 *   live code) gives it back. A setup code counts too: otherwise the wizard would be a way round
 *   the limit. Every failure is in the patient's activity; the lock is announced in Berichten.
 * - SMS codes (all but `switch_app`): 5 tries per code, taken before each comparison, then the code
 *   is dead; a code is checked only against the number it was sent to, so a code sent to one new
 *   number never confirms another.
 * - App codes: the stored app (`sign_in`, `confirm`) accepts a time step once, a replay is refused
 *   and announced; an app being paired (`setup`, `switch_app`) is checked against its new secret,
 *   and the step that proved it is stored with it so it cannot sign in again.
 * - Recovery codes: only where the patient proves an existing method (`sign_in`, `confirm`);
 *   single use; what is left is announced with the use.
 * - Passkeys (patients only): also only `sign_in` and `confirm`; the challenge the session issued
 *   is claimed before the signature is checked (single use); a use is recorded with the passkey's
 *   new counter.
 *
 * What changes and its notice land in one transaction: a recovery code or passkey used, a failure
 * and the lock it leads to (see SecurityNotifier: the activity log, Berichten and the e-mail outbox).
 */
export type SecondFactorPurpose = CodePurpose | 'switch_app';

export type Proof =
  | { kind: 'sms'; code: string; phone: string } // the number the code was sent to
  | { kind: 'app'; code: string; secret?: string } // `secret`: a new app being paired
  | { kind: 'recovery'; code: string }
  | { kind: 'passkey'; response: AuthenticationResponseJSON; challenge: string }; // the challenge this session was given

export type SecondFactorFailure = 'wrong' | 'expired' | 'exhausted' | 'missing' | 'replayed' | 'wrong_app_code' | 'wrong_recovery_code' | 'wrong_passkey';

export type SecondFactorResult =
  | { status: 'ok'; totpStep?: number; recoveryCodesLeft?: number }
  | { status: 'locked'; until: number }
  | { status: 'failed'; reason: SecondFactorFailure };

const METHOD_OF: Record<Proof['kind'], string> = { sms: 'sms', app: 'totp', recovery: 'recovery_code', passkey: 'passkey' };

const PROOFS_FOR: Record<SecondFactorPurpose, readonly Proof['kind'][]> = {
  sign_in: ['sms', 'app', 'recovery', 'passkey'],
  confirm: ['sms', 'app', 'recovery', 'passkey'],
  setup: ['sms', 'app'],
  phone_change: ['sms'],
  switch_sms: ['sms'],
  switch_app: ['app'],
};

/** What a check records: the account's own notifier (a patient's, or a staff member's in the staff audit log). */
export interface SecondFactorNotifier {
  notify(
    accountId: number,
    type: 'second_step_failed' | 'second_step_locked' | 'recovery_code_used' | 'totp_replay_refused',
    origin: RequestOrigin,
    details: Record<string, string | number>,
  ): Promise<void>;
}

export interface PasskeyUseNotifier {
  notify(accountId: number, type: 'passkey_used', origin: RequestOrigin, details: Record<string, string | number>): Promise<void>;
}

/** What a check writes inside its transaction: the account's own stores, on that transaction. */
export interface SecondStepStores {
  recoveryCodes: RecoveryCodes;
  lockout: SecondStepLockout;
  notifier: SecondFactorNotifier;
  /** Where a passkey's use and its notice are recorded (the account's own passkeys and log). */
  passkeyUses: { passkeys: PasskeyStore; notifier: PasskeyUseNotifier };
}

/** Runs `work` in one transaction with the account's second-step stores on it (see account-stores.ts). */
export type InSecondStepTransaction = <T>(work: (stores: SecondStepStores) => Promise<T>) => Promise<T>;

/**
 * The stores of one kind of account (patients, or staff: see account-tables.ts). Without
 * `verificationCodes` and `smsCodes` (staff), SMS is no second step: an SMS proof is refused;
 * without `passkeys`, neither is a passkey.
 */
export interface SecondFactorDeps {
  clock: Clock;
  lockout: SecondStepLockout;
  verificationCodes?: VerificationCodes;
  recoveryCodes: RecoveryCodes;
  twoFactor: TwoFactorStore;
  secretBox: SecretBox;
  smsCodes?: SmsCodeService;
  passkeys?: PasskeyCeremonies;
  /** Runs a failure, a recovery-code or passkey use together with its notice (see InSecondStepTransaction). */
  inTransaction: InSecondStepTransaction;
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;

export function createSecondFactor(deps: SecondFactorDeps) {
  const { clock, lockout, verificationCodes, recoveryCodes, twoFactor, secretBox, smsCodes, passkeys, inTransaction } = deps;
  const sms = () => {
    if (!verificationCodes || !smsCodes) throw new Error('SMS is not a second step for these accounts');
    return { verificationCodes, smsCodes };
  };

  const passkeyCeremonies = () => {
    if (!passkeys) throw new Error('a passkey is not a second step for these accounts');
    return passkeys;
  };

  type Outcome =
    | { ok: true; totpStep?: number; recoveryCodesLeft?: number; use?: VerifiedUse }
    | { ok: false; reason: SecondFactorFailure; refusal?: PasskeyRefusal };

  /** The code is used and the use announced (with what is left) together; false when another request used it first. */
  async function useRecoveryCode(userId: number, purpose: SecondFactorPurpose, code: string, origin: RequestOrigin): Promise<Outcome> {
    const id = await recoveryCodes.findUnused(userId, code); // slow: before the transaction
    const wrong: Outcome = { ok: false, reason: 'wrong_recovery_code' };
    if (id === null) return wrong;
    return inTransaction(async (stores) => {
      if (!(await stores.recoveryCodes.use(id))) return wrong;
      const left = await stores.recoveryCodes.countRemaining(userId);
      await stores.notifier.notify(userId, 'recovery_code_used', origin, { remaining: left, purpose });
      return { ok: true, recoveryCodesLeft: left };
    });
  }

  async function checkApp(userId: number, code: string, newSecret: string | undefined): Promise<Outcome> {
    const normalized = normalizeCodeInput(code);
    if (newSecret !== undefined) {
      const step = verifyTotp(newSecret, normalized, clock.now());
      return step === null ? { ok: false, reason: 'wrong_app_code' } : { ok: true, totpStep: step };
    }
    const sealed = await twoFactor.encryptedTotpSecret(userId);
    if (!sealed) return { ok: false, reason: 'missing' };
    const step = verifyTotp(secretBox.open(sealed), normalized, clock.now()); // a key that cannot open it throws
    if (step === null) return { ok: false, reason: 'wrong_app_code' };
    return (await twoFactor.claimTotpStep(userId, step)) ? { ok: true } : { ok: false, reason: 'replayed' };
  }

  async function compare(userId: number, purpose: SecondFactorPurpose, proof: Proof, origin: RequestOrigin): Promise<Outcome> {
    switch (proof.kind) {
      case 'sms': {
        const result = await sms().verificationCodes.verify(userId, purpose as CodePurpose, proof.code, proof.phone);
        return result === 'ok' ? { ok: true } : { ok: false, reason: result };
      }
      case 'app':
        return checkApp(userId, proof.code, proof.secret);
      case 'recovery':
        return useRecoveryCode(userId, purpose, proof.code, origin);
      case 'passkey': {
        const checked = await passkeyCeremonies().verifyAssertion(userId, proof.response, proof.challenge);
        return checked.ok ? { ok: true, use: checked.value } : { ok: false, reason: 'wrong_passkey', refusal: checked.refusal };
      }
    }
  }

  async function recordPasskeyUse(userId: number, purpose: SecondFactorPurpose, use: VerifiedUse, origin: RequestOrigin): Promise<void> {
    await inTransaction(async ({ passkeyUses }) => {
      await passkeyUses.passkeys.recordUse(use.passkey.id, use.backedUp);
      await passkeyUses.notifier.notify(userId, 'passkey_used', origin, { purpose, passkey: use.passkey.name });
    });
  }

  /** What a proof that passed says, once its use is recorded. */
  async function passed(userId: number, purpose: SecondFactorPurpose, proof: Proof, outcome: Outcome & { ok: true }, origin: RequestOrigin): Promise<SecondFactorResult> {
    if (outcome.use) {
      await recordPasskeyUse(userId, purpose, outcome.use, origin);
      return { status: 'ok' };
    }
    return proof.kind === 'recovery' ? { status: 'ok', recoveryCodesLeft: outcome.recoveryCodesLeft } : { status: 'ok', totpStep: outcome.totpStep };
  }

  return {
    /**
     * Checks one proof for `purpose`, under the limits above, and records what the patient must
     * be able to see in their activity and Berichten.
     */
    async check(userId: number, purpose: SecondFactorPurpose, proof: Proof, origin: RequestOrigin): Promise<SecondFactorResult> {
      if (!PROOFS_FOR[purpose].includes(proof.kind)) throw new Error(`a ${proof.kind} proof does not serve ${purpose}`);
      if (proof.kind === 'sms') sms();
      if (proof.kind === 'passkey') passkeyCeremonies();
      const details = { purpose, method: METHOD_OF[proof.kind] };

      /** Of all the requests that meet the same lock, one tells the patient, with the lock. */
      const announceLock = async (stores: SecondStepStores) => {
        const until = await stores.lockout.claimLockNotice(userId);
        if (until !== null) await stores.notifier.notify(userId, 'second_step_locked', origin, { until, ...details });
      };

      const place = await lockout.reserve(userId);
      if (place.status === 'locked') {
        await inTransaction(announceLock);
        return { status: 'locked', until: place.until };
      }

      let outcome: Outcome = { ok: false, reason: 'wrong' }; // a check that broke off keeps its place
      try {
        outcome = await compare(userId, purpose, proof, origin);
      } finally {
        if (outcome.ok) await lockout.succeeded(userId);
        else if (outcome.reason === 'missing') await lockout.refund(userId); // nothing could be guessed
      }
      if (outcome.ok) return passed(userId, purpose, proof, outcome, origin);
      if (outcome.reason === 'missing') return { status: 'failed', reason: 'missing' };

      const { reason, refusal } = outcome;
      const type = reason === 'replayed' ? 'totp_replay_refused' : 'second_step_failed';
      // The failure, the lock it may complete, and the notice of that lock, together.
      const until = await inTransaction(async (stores) => {
        await stores.notifier.notify(userId, type, origin, { reason, ...details, ...(refusal ? { refusal } : {}) });
        const lockedUntil = await stores.lockout.failed(userId);
        if (lockedUntil !== null) await announceLock(stores);
        return lockedUntil;
      });
      if (until === null) return { status: 'failed', reason };
      return { status: 'locked', until };
    },

    /**
     * Signing in with a passkey alone: the passkey whose id the browser sent names the account, but
     * anyone may know that id, and a signature that fails proves nothing about the account. So a
     * failure is no failure of the account's second step: not counted towards its lock (which
     * anyone could otherwise bring about without its password), nor in its activity. The caller
     * limits these checks by the client's network (SignInService.withoutPassword). While the second
     * step is locked, a passkey signs in no more than any other proof.
     */
    async checkPasskeyAlone(userId: number, proof: Proof & { kind: 'passkey' }, origin: RequestOrigin): Promise<SecondFactorResult> {
      passkeyCeremonies();
      const until = await lockout.lockedUntil(userId);
      if (until !== null) return { status: 'locked', until };
      const outcome = await compare(userId, 'sign_in', proof, origin);
      if (!outcome.ok) return { status: 'failed', reason: outcome.reason };
      await lockout.succeeded(userId);
      return passed(userId, 'sign_in', proof, outcome, origin);
    },

    /**
     * Sends a code for `purpose` to `phone` under the SMS limits (see createSmsCodeService); none
     * while the second step is locked, as no code could be used before the lock ends. The SMS is
     * written in `request.language`, the page's.
     */
    async sendSmsCode(request: SmsSendRequest): Promise<SmsCodeOutcome> {
      const until = await lockout.lockedUntil(request.userId);
      return until ? { status: 'locked', until } : sms().smsCodes.send(request);
    },

    /**
     * What a code page can truthfully say: until when the code sent to `phone` works (and whether
     * its SMS may not have gone out), when a new one may be asked, and the cap that refuses any
     * new one meanwhile (see SmsCodeService.capInForce), so that the page offers no button that
     * would be refused.
     */
    async smsCodeState(request: SmsCapRequest & { purpose: CodePurpose }) {
      const { verificationCodes: codes, smsCodes: sender } = sms();
      const { userId, purpose, phone } = request;
      const [code, nextAllowedAt, cap] = await Promise.all([codes.usableCode(userId, purpose, phone), sender.nextAllowedAt(userId, purpose), sender.capInForce(request)]);
      return { validUntil: code?.validUntil ?? null, deliveryUnsure: code?.deliveryUnsure ?? false, nextAllowedAt, cap };
    },

    /** The cap that refuses a new SMS code for `request` now, if any (see SmsCodeService.capInForce). */
    smsCapInForce: (request: SmsCapRequest) => sms().smsCodes.capInForce(request),

    lockedUntil: (userId: number) => lockout.lockedUntil(userId),
  };
}
