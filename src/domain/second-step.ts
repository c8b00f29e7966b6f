import type { Database } from '../infra/database';
import type { Clock } from './clock';
import type { RecoveryCodes } from './recovery-codes';
import type { SecretBox } from './secret-box';
import { verifyTotp } from './totp';
import type { TwoFactorMethod, TwoFactorStore } from './two-factor';
import { normalizeCodeInput, type CodePurpose, type VerificationCodes, type VerifyResult } from './verification-codes';

export interface SecondStepSettings {
  maxConsecutiveFailures: number;
  lockMinutes: number;
}

/** 'replayed': a right app code whose time step was used before (SPEC §4: a code is accepted once). */
export type SecondStepFailure = Exclude<VerifyResult, 'ok'> | 'wrong_recovery_code' | 'replayed';

export type SecondStepResult =
  | { status: 'ok' }
  | { status: 'locked'; until: number }
  | { status: 'failed'; reason: SecondStepFailure; lockedUntil: number | null };

export type SecondStep = ReturnType<typeof createSecondStep>;

/**
 * Checks a second-step proof (SMS code, app code or recovery code) under the account-wide lockout of
 * SPEC §4: consecutive failures are counted on the user row, whatever kind of proof failed;
 * asking for a new code does not reset them, a success does.
 */
export function createSecondStep(deps: {
  db: Database;
  clock: Clock;
  verificationCodes: VerificationCodes;
  recoveryCodes: RecoveryCodes;
  twoFactor: TwoFactorStore;
  secretBox: SecretBox;
  settings: SecondStepSettings;
}) {
  const { db, clock, verificationCodes, recoveryCodes, twoFactor, secretBox, settings } = deps;

  /** The app code against the stored secret; a secret that cannot be decrypted throws (SecretBoxError). */
  async function checkTotp(userId: number, input: string): Promise<'ok' | SecondStepFailure> {
    const sealed = await twoFactor.encryptedTotpSecret(userId);
    if (!sealed) return 'missing';
    const step = verifyTotp(secretBox.open(sealed), normalizeCodeInput(input), clock.now());
    if (step === null) return 'wrong';
    return (await twoFactor.claimTotpStep(userId, step)) ? 'ok' : 'replayed';
  }

  async function lockedUntil(userId: number): Promise<number | null> {
    const row = await db('users').where({ id: userId }).first('second_step_locked_until');
    const until = row?.second_step_locked_until == null ? null : Number(row.second_step_locked_until);
    return until !== null && until > clock.now() ? until : null;
  }

  /** Counts one failure atomically; the one that reaches the maximum locks the account's second step. */
  async function recordFailure(userId: number): Promise<number | null> {
    const [row] = await db('users')
      .where({ id: userId })
      .increment('second_step_failures', 1)
      .returning('second_step_failures');
    const failures = Number((row as { second_step_failures: number }).second_step_failures);
    if (failures < settings.maxConsecutiveFailures) return null;
    const until = clock.now() + settings.lockMinutes * 60_000;
    await db('users').where({ id: userId }).update({ second_step_failures: 0, second_step_locked_until: until });
    return until;
  }

  async function recordSuccess(userId: number): Promise<void> {
    await db('users').where({ id: userId }).update({ second_step_failures: 0, second_step_locked_until: null });
  }

  async function check(userId: number, attempt: () => Promise<'ok' | SecondStepFailure>): Promise<SecondStepResult> {
    const until = await lockedUntil(userId);
    if (until) return { status: 'locked', until };
    const outcome = await attempt();
    if (outcome === 'ok') {
      await recordSuccess(userId);
      return { status: 'ok' };
    }
    // No live code means nothing could be guessed (e.g. the loser of a double click on
    // "Verifiëren"): that does not count towards the lock.
    if (outcome === 'missing') return { status: 'failed', reason: outcome, lockedUntil: null };
    return { status: 'failed', reason: outcome, lockedUntil: await recordFailure(userId) };
  }

  const verifySmsCode = (userId: number, purpose: CodePurpose, code: string): Promise<SecondStepResult> =>
    check(userId, () => verificationCodes.verify(userId, purpose, code));

  const verifyTotpCode = (userId: number, code: string): Promise<SecondStepResult> => check(userId, () => checkTotp(userId, code));

  return {
    lockedUntil,
    verifySmsCode,
    verifyTotpCode,

    /** A 6-digit code of the user's method: from the app, or the SMS code sent for `purpose`. */
    verifyCode(userId: number, method: TwoFactorMethod, purpose: CodePurpose, code: string): Promise<SecondStepResult> {
      return method === 'totp' ? verifyTotpCode(userId, code) : verifySmsCode(userId, purpose, code);
    },

    verifyRecoveryCode(userId: number, input: string): Promise<SecondStepResult> {
      return check(userId, async () => ((await recoveryCodes.consume(userId, input)) ? 'ok' : 'wrong_recovery_code'));
    },
  };
}
