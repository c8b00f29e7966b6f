import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { InTransaction } from './account-stores';
import type { RequestOrigin } from './audit';
import type { Clock } from './clock';
import type { PasskeyCeremonies, PasskeyRefusal, VerifiedUse } from './passkey-ceremonies';
import type { RecoveryCodes } from './recovery-codes';
import type { SecondStepLockout } from './second-step-lockout';
import type { SecretBox } from './secret-box';
import type { SecurityNotifier } from './security-notifier';
import type { SmsCodeService, SmsSendOutcome } from './sms-codes';
import { verifyTotp } from './totp';
import type { TwoFactorStore } from './two-factor';
import { normalizeCodeInput, type CodePurpose, type VerificationCodes } from './verification-codes';

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
 * - Passkeys: also only `sign_in` and `confirm`; the challenge the session issued is claimed before
 *   the signature is checked (single use); a use is recorded with the passkey's new counter.
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

export interface SecondFactorDeps {
  clock: Clock;
  lockout: SecondStepLockout;
  verificationCodes: VerificationCodes;
  recoveryCodes: RecoveryCodes;
  twoFactor: TwoFactorStore;
  secretBox: SecretBox;
  smsCodes: SmsCodeService;
  notifier: SecurityNotifier;
  passkeys: PasskeyCeremonies;
  /** A passkey's use and its record land together. */
  inTransaction: InTransaction;
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;

export function createSecondFactor(deps: SecondFactorDeps) {
  const { clock, lockout, verificationCodes, recoveryCodes, twoFactor, secretBox, smsCodes, notifier, passkeys, inTransaction } = deps;

  type Outcome = { ok: true; totpStep?: number; use?: VerifiedUse } | { ok: false; reason: SecondFactorFailure; refusal?: PasskeyRefusal };

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

  async function compare(userId: number, purpose: SecondFactorPurpose, proof: Proof): Promise<Outcome> {
    switch (proof.kind) {
      case 'sms': {
        const result = await verificationCodes.verify(userId, purpose as CodePurpose, proof.code, proof.phone);
        return result === 'ok' ? { ok: true } : { ok: false, reason: result };
      }
      case 'app':
        return checkApp(userId, proof.code, proof.secret);
      case 'recovery':
        return (await recoveryCodes.consume(userId, proof.code)) ? { ok: true } : { ok: false, reason: 'wrong_recovery_code' };
      case 'passkey': {
        const checked = await passkeys.verifyAssertion(userId, proof.response, proof.challenge);
        return checked.ok ? { ok: true, use: checked.value } : { ok: false, reason: 'wrong_passkey', refusal: checked.refusal };
      }
    }
  }

  async function recordPasskeyUse(userId: number, purpose: SecondFactorPurpose, use: VerifiedUse, origin: RequestOrigin): Promise<void> {
    await inTransaction(async (stores) => {
      await stores.passkeys.recordUse(use.passkey.id, use.counter, use.backedUp);
      await stores.notifier.notify(userId, 'passkey_used', origin, { purpose, passkey: use.passkey.name });
    });
  }

  return {
    /**
     * Checks one proof for `purpose`, under the limits above, and records what the patient must
     * be able to see in their activity and Berichten.
     */
    async check(userId: number, purpose: SecondFactorPurpose, proof: Proof, origin: RequestOrigin): Promise<SecondFactorResult> {
      if (!PROOFS_FOR[purpose].includes(proof.kind)) throw new Error(`a ${proof.kind} proof does not serve ${purpose}`);
      const details = { purpose, method: METHOD_OF[proof.kind] };

      const announceLock = async () => {
        const until = await lockout.claimLockNotice(userId);
        if (until !== null) await notifier.notify(userId, 'second_step_locked', origin, { until, ...details });
      };

      const place = await lockout.reserve(userId);
      if (place.status === 'locked') {
        await announceLock();
        return { status: 'locked', until: place.until };
      }

      let outcome: Outcome = { ok: false, reason: 'wrong' }; // a check that broke off keeps its place
      try {
        outcome = await compare(userId, purpose, proof);
      } finally {
        if (outcome.ok) await lockout.succeeded(userId);
        else if (outcome.reason === 'missing') await lockout.refund(userId); // nothing could be guessed
      }
      if (outcome.ok) {
        if (outcome.use) {
          await recordPasskeyUse(userId, purpose, outcome.use, origin);
          return { status: 'ok' };
        }
        if (proof.kind !== 'recovery') return { status: 'ok', totpStep: outcome.totpStep };
        const left = await recoveryCodes.countRemaining(userId);
        await notifier.notify(userId, 'recovery_code_used', origin, { remaining: left, purpose });
        return { status: 'ok', recoveryCodesLeft: left };
      }
      if (outcome.reason === 'missing') return { status: 'failed', reason: 'missing' };

      const type = outcome.reason === 'replayed' ? 'totp_replay_refused' : 'second_step_failed';
      await notifier.notify(userId, type, origin, { reason: outcome.reason, ...details, ...(outcome.refusal ? { refusal: outcome.refusal } : {}) });
      const until = await lockout.failed(userId);
      if (until === null) return { status: 'failed', reason: outcome.reason };
      await announceLock();
      return { status: 'locked', until };
    },

    /** Sends a code for `purpose` to `phone` under the SMS limits (see createSmsCodeService). */
    sendSmsCode(request: { userId: number; purpose: CodePurpose; phone: string; ip: string }): Promise<SmsSendOutcome> {
      return smsCodes.send(request);
    },

    nextSmsAllowedAt: (userId: number, purpose: CodePurpose) => smsCodes.nextAllowedAt(userId, purpose),

    lockedUntil: (userId: number) => lockout.lockedUntil(userId),
  };
}
