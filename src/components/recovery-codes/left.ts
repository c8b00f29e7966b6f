import { FEW_RECOVERY_CODES_LEFT } from '../../domain/recovery-codes';
import type { TwoFactorStatus } from '../../domain/two-factor';

/** Whether so few recovery codes are left that the account holder is urged to make new ones (views/components/recovery-codes/few-left.ejs). */
export const fewCodesLeft = (remaining: number): boolean => remaining <= FEW_RECOVERY_CODES_LEFT;

/** The same for an account's two-step status: never while two-step is off. */
export const fewCodesLeftOf = (status: TwoFactorStatus): boolean => status.enabled && fewCodesLeft(status.recoveryCodesLeft);
